import { describe, expect, it } from "vitest";
import { halves, joinBilingual } from "../../src/lib/bilingual";
import { notFound } from "../../src/lib/errors";
import { shanghaiText } from "../../src/lib/time";

describe("error messages", () => {
  it("a not-found message names the thing once in each language", () => {
    const error = notFound("机构", "Organisation");
    expect(error.status).toBe(404);
    expect(error.code).toBe("not_found");
    expect(error.message).toBe("未找到机构 / Organisation not found");
  });

  it("several reasons join per language, so the message still reads as 中文 / English", () => {
    expect(joinBilingual(["地区不符 / Wrong region", "规模不符 / Wrong size"], { chinese: "不符合申领条件", english: "Not eligible" })).toBe(
      "不符合申领条件：地区不符；规模不符 / Not eligible: Wrong region; Wrong size",
    );
    expect(joinBilingual(["甲 / A"])).toBe("甲 / A");
    expect(halves("只有中文")).toEqual(["只有中文", "只有中文"]);
  });

  it("instants in messages read as Beijing wall-clock time", () => {
    expect(shanghaiText(Date.parse("2026-03-03T02:00:00Z"))).toBe("2026-03-03 10:00");
    expect(shanghaiText(Date.parse("2026-12-31T16:30:00Z"))).toBe("2027-01-01 00:30");
  });
});
