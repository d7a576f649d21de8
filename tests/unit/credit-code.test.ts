import { describe, expect, it } from "vitest";
import { creditCodeCheckCharacter, creditCodeProblem, creditCodeRegionWarning, withCheckCharacter } from "../../src/domain/credit-code";

// Codes as the national register issues them (GB 32100-2015), each checked with an independent
// implementation of the standard before being listed here.
const VALID_CODES = ["91440101MA5CJQ4N59", "91350200MA2YJ1XR9G", "91440300708461136T", "91110108551385082Q"];

describe("unified social credit code (统一社会信用代码)", () => {
  it.each(VALID_CODES)("accepts the registered code %s", (code) => {
    expect(creditCodeProblem(code)).toBeNull();
  });

  it("computes the check character from the standard's weights (3^i mod 31)", () => {
    // Σ(value × weight) for 91440101MA5CJQ4N5 is 2750; 2750 mod 31 = 22; 31 − 22 = 9 → '9'.
    expect(creditCodeCheckCharacter("91440101MA5CJQ4N5")).toBe("9");
    expect(creditCodeCheckCharacter("91350200MA2YJ1XR9")).toBe("G");
  });

  it("refuses a code whose check character does not match", () => {
    // Published as an example in places, but its check character should be 9, not B.
    expect(creditCodeProblem("91350203M0001QAY9B")).toBe("check_digit");
    expect(creditCodeProblem("91440101MA5CJQ4N58")).toBe("check_digit");
    expect(creditCodeProblem("91350200MA2YJ1XR9H")).toBe("check_digit");
  });

  it("refuses codes that are not 18 characters", () => {
    expect(creditCodeProblem("")).toBe("length");
    expect(creditCodeProblem("91440101MA5CJQ4N5")).toBe("length");
    expect(creditCodeProblem("91440101MA5CJQ4N599")).toBe("length");
    expect(creditCodeProblem(" 91440101MA5CJQ4N59")).toBe("length");
  });

  it.each(["I", "O", "S", "V", "Z"])("refuses the letter %s, which the standard leaves out", (letter) => {
    const code = `91440101MA5CJQ4N5${letter}`;
    expect(creditCodeProblem(code)).toBe("characters");
    expect(creditCodeProblem(`9144${letter}101MA5CJQ4N59`)).toBe("characters");
  });

  it("refuses lowercase letters and other characters (callers upper-case first)", () => {
    expect(creditCodeProblem("91440101ma5cjq4n59")).toBe("characters");
    expect(creditCodeProblem("91350200MA2YJ1XR9g")).toBe("characters");
    expect(creditCodeProblem("91440101MA5CJ-4N59")).toBe("characters");
    expect(creditCodeProblem("91440101MA5CJ Q4N5")).toBe("characters");
  });

  it("withCheckCharacter completes a 17-character body into a valid code", () => {
    for (const code of VALID_CODES) {
      expect(withCheckCharacter(code.slice(0, 17))).toBe(code);
    }
    for (const body of ["91110000MA0000001", "11110000MB0000002", "00000000000000000", "YYYYYYYYYYYYYYYYY"]) {
      const code = withCheckCharacter(body);
      expect(code).toHaveLength(18);
      expect(creditCodeProblem(code)).toBeNull();
    }
  });

  it("catches any single changed character (31 is prime, so every weight matters)", () => {
    const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const code = "91440101MA5CJQ4N59";
    for (let position = 0; position < 18; position++) {
      for (const ch of alphabet) {
        if (ch === code[position]) continue;
        const changed = code.slice(0, position) + ch + code.slice(position + 1);
        expect(creditCodeProblem(changed), changed).toBe("check_digit");
      }
    }
  });
});

describe("the region segment (positions 3–8) against the declared region", () => {
  const code = (authority: string) => withCheckCharacter(`91${authority}MA01ABCD2`);
  it.each([
    ["110108", "110108", false],
    ["110100", "110108", false],
    ["110000", "110108", false],
    ["330106", "330100", false],
    ["100000", "440305", false],
    ["110108", "110105", true],
    ["310104", "110108", true],
    ["330100", "320106", true],
  ])("authority %s, declared %s: warned %s", (authority, region, warned) => {
    expect(creditCodeRegionWarning(code(authority), region) !== null).toBe(warned);
  });

  it("leaves an invalid code to its own check: no warning from a wrong check character", () => {
    const valid = code("310104");
    const wrong = valid.slice(0, 17) + (valid[17] === "0" ? "1" : "0");
    expect(creditCodeRegionWarning(wrong, "110108")).toBeNull();
    expect(creditCodeRegionWarning(valid, "110108")).toContain("310104");
  });
});
