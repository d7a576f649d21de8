// 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a 31-letter
// alphabet (no I, O, S, V, Z). Positions 3–8 are the registering authority's region code;
// position 18 is a check character: weights 3^(i) mod 31 over the first 17, then
// check = (31 − Σ mod 31) mod 31.
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type CreditCodeProblem = "length" | "characters" | "check_digit";

export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i] as string) * (WEIGHTS[i] as number);
  return ALPHABET[(31 - (sum % 31)) % 31] as string;
}

/** null when valid; otherwise what is wrong, so the form can say it. */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  if (code.length !== 18) return "length";
  for (const ch of code) if (!ALPHABET.includes(ch)) return "characters";
  return creditCodeCheckCharacter(code.slice(0, 17)) === code[17] ? null : "check_digit";
}

export const creditCodeMessages: Record<CreditCodeProblem, string> = {
  length: "统一社会信用代码应为18位 / A unified social credit code has 18 characters",
  characters:
    "统一社会信用代码只含数字和大写字母（不含 I、O、S、V、Z）/ Digits and capital letters only, without I, O, S, V, Z",
  check_digit: "统一社会信用代码校验位不正确，请核对 / The check character does not match: please re-check the code",
};

/** Builds a valid code from a 17-character body (demo data and tests). */
export function withCheckCharacter(first17: string): string {
  return first17 + creditCodeCheckCharacter(first17);
}
