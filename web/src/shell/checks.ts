// Checks and clean-ups the forms share.
import { creditCodeMessages, creditCodeProblem } from "../../../src/domain/credit-code";
import { disallowedCharacter, disallowedCharacterMessage } from "../../../src/domain/free-text";
import { formatFen, parseYuan, type YuanProblem } from "./format";
import type { Message } from "../ui/form";

/** The API's own credit-code rule (GB 32100 check digit), so the browser says what it would say. */
export const creditCodeCheck = (value: string): Message | null => {
  const problem = creditCodeProblem(value.toUpperCase());
  return problem ? creditCodeMessages[problem] : null;
};

/** Credit codes are upper case without spaces; people type and paste them otherwise. */
export const upperCaseTrimmed = (value: string) => value.replace(/\s+/g, "").toUpperCase();

/** The API's free-text rule (src/domain/free-text.ts): no control or bidirectional characters. */
export const freeTextCheck =
  (multiline: boolean) =>
  (value: string): Message | null => {
    const character = disallowedCharacter(value, multiline);
    return character ? disallowedCharacterMessage(character) : null;
  };

/** Optional text the API wants absent, not empty. */
export const blankToUndefined = (value: string) => value.trim() || undefined;

/** Amounts typed in yuan, held to the API's bounds in fen (Limit.minimum/maximum). */
export const yuanCheck =
  (limit: { minimum?: number; maximum?: number }) =>
  (value: string): Message | null => {
    const parsed = parseYuan(value);
    if (!parsed.ok) return YUAN_PROBLEMS[parsed.problem];
    if (limit.minimum !== undefined && parsed.fen < limit.minimum) {
      return [`金额不能少于${formatFen(limit.minimum)}`, `The amount must be at least ${formatFen(limit.minimum)}`];
    }
    if (limit.maximum !== undefined && parsed.fen > limit.maximum) {
      return [`金额不能超过${formatFen(limit.maximum)}`, `The amount cannot exceed ${formatFen(limit.maximum)}`];
    }
    return null;
  };

const YUAN_PROBLEMS: Record<YuanProblem, Message> = {
  empty: ["请填写金额", "Enter an amount"],
  format: ["请输入以元为单位的金额，如 1234.56", "Enter an amount in yuan, e.g. 1234.56"],
  decimals: ["金额最多两位小数（精确到分）", "At most two decimals: the smallest unit is one fen"],
  too_large: ["金额过大", "The amount is too large"],
};

/** Whole numbers (units, hours) within the API's bounds. */
export const wholeNumberCheck =
  (limit: { minimum?: number; maximum?: number }) =>
  (value: string): Message | null => {
    if (!/^\d+$/.test(value)) return ["请输入整数", "Enter a whole number"];
    const number = Number(value);
    if (limit.minimum !== undefined && number < limit.minimum) return [`不能少于${limit.minimum}`, `At least ${limit.minimum}`];
    if (limit.maximum !== undefined && number > limit.maximum) return [`不能超过${limit.maximum}`, `At most ${limit.maximum}`];
    return null;
  };
