// Checks and clean-ups the forms share.
import { creditCodeMessages, creditCodeProblem } from "../../src/domain/credit-code";
import type { Message } from "./ui/form";

/** The API's own credit-code rule (GB 32100 check digit), so the browser says what it would say. */
export const creditCodeCheck = (value: string): Message | null => {
  const problem = creditCodeProblem(value.toUpperCase());
  return problem ? creditCodeMessages[problem] : null;
};

/** Credit codes are upper case without spaces; people type and paste them otherwise. */
export const upperCaseTrimmed = (value: string) => value.replace(/\s+/g, "").toUpperCase();

/** Optional text the API wants absent, not empty. */
export const blankToUndefined = (value: string) => value.trim() || undefined;
