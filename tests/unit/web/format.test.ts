// What people read: money in fen as ¥1,234.56, instants in Beijing time, and the right half of
// the server's "中文 / English" messages.
import { describe, expect, it } from "vitest";
import { formatFen, formatInstant } from "../../../web/src/shell/format";
import { localise } from "../../../web/src/shell/i18n";
import { creditCodeMessages } from "../../../src/domain/credit-code";

describe("money", () => {
  it("shows fen as yuan with two decimals and thousands separators", () => {
    expect(formatFen(0)).toBe("¥0.00");
    expect(formatFen(5)).toBe("¥0.05");
    expect(formatFen(123_456)).toBe("¥1,234.56");
    expect(formatFen(200_000_000)).toBe("¥2,000,000.00");
    expect(formatFen(10_000_000_000_000)).toBe("¥100,000,000,000.00");
    expect(formatFen(-100)).toBe("-¥1.00");
  });

  it("refuses what is not a whole number of fen, rather than show a wrong amount", () => {
    expect(() => formatFen(1.5)).toThrow();
    expect(() => formatFen(Number.NaN)).toThrow();
  });
});

describe("time", () => {
  it("shows instants in Asia/Shanghai, across the date line from UTC", () => {
    expect(formatInstant("2026-11-21T16:30:00.000Z")).toBe("2026-11-22 00:30");
    expect(formatInstant("2026-11-21T12:05:00+08:00")).toBe("2026-11-21 12:05");
    expect(formatInstant(Date.UTC(2026, 0, 1, 0, 0))).toBe("2026-01-01 08:00");
  });
});

describe("server messages", () => {
  it("takes the Chinese half and the English half of a message", () => {
    const message = "邮箱或密码不正确 / Wrong email or password";
    expect(localise(message, "zh")).toBe("邮箱或密码不正确");
    expect(localise(message, "en")).toBe("Wrong email or password");
  });

  it("splits after a full-width bracket and keeps slashes inside the English half", () => {
    expect(localise(creditCodeMessages.characters, "zh")).toBe("统一社会信用代码只含数字和大写字母（不含 I、O、S、V、Z）");
    expect(localise(creditCodeMessages.characters, "en")).toBe("Digits and capital letters only, without I, O, S, V, Z");
    expect(localise("格式有误 / Use YYYY-MM-DD / ISO 8601", "en")).toBe("Use YYYY-MM-DD / ISO 8601");
  });

  it("reads a message whose subject is itself bilingual", () => {
    const message = "未找到机构 / Organisation / 机构 / Organisation not found";
    expect(localise(message, "zh")).toBe("未找到机构");
    expect(localise(message, "en")).toBe("Organisation not found");
  });

  it("shows a message in one language whole", () => {
    expect(localise("Too big: expected string to have <=200 characters", "zh")).toBe("Too big: expected string to have <=200 characters");
  });
});
