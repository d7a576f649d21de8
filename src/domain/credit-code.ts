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

/** A division code without its trailing "00" levels: 330100 → 3301, 110000 → 11, 110108 stays. */
function divisionStem(code: string): string {
  let stem = code;
  while (stem.length > 2 && stem.endsWith("00")) stem = stem.slice(0, -2);
  return stem;
}

/** The registering authority's division code (positions 3–8), or null when the code is not a valid credit code. */
export function creditCodeAuthority(code: string): string | null {
  return creditCodeProblem(code) === null ? code.slice(2, 8) : null;
}

/**
 * A warning (never a refusal) when the declared region is not where the credit code says the
 * enterprise was registered. An authority at a higher level covers its whole area: a code
 * registered by Hangzhou (330100) fits a district in Hangzhou (330106); one registered nationally
 * (100000) fits anywhere. An enterprise that moved keeps its code, so this only asks to re-check.
 * `nameOf` names a division from the region data (the server has it loaded, the web front end
 * fetches it with the picker); the rule itself needs only the codes.
 */
export function creditCodeRegionWarning(creditCode: string, regionCode: string, nameOf: (code: string) => string | null = () => null): string | null {
  const authority = creditCodeAuthority(creditCode);
  if (authority === null || authority === "100000" || !/^\d{6}$/.test(authority) || !/^\d{6}$/.test(regionCode)) return null;
  const a = divisionStem(authority);
  const r = divisionStem(regionCode);
  if (a.startsWith(r) || r.startsWith(a)) return null;
  // "上海市 黄浦区 (310104)" where the division data names the code; the code alone where it does not.
  const place = (code: string) => {
    const name = nameOf(code);
    return name ? `${name} (${code})` : code;
  };
  return `统一社会信用代码第3–8位显示登记机关在${place(authority)}，与所填地区${place(regionCode)}不一致，请核对（迁址的企业可忽略） / The credit code's positions 3–8 name a registration authority in ${place(authority)}, not the declared region ${place(regionCode)}: please re-check (an enterprise that moved may ignore this)`;
}
