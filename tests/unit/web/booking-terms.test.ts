// The terms shown beside "确认预约" read as one sentence in each language: clauses joined once,
// one full stop at the end, never "。；" or ".;".
import { describe, expect, it } from "vitest";
import { bookingTerms } from "../../../web/src/offerings/offering-words";

describe("booking terms", () => {
  it("joins the cancellation rule, the provider's confirmation and the lead time into one sentence", () => {
    const [zh, en] = bookingTerms({ cancellation_notice_minutes: 1440, requires_confirmation: true, lead_time_minutes: 120 });
    expect(zh).toBe("须在开始前24小时以上取消；需服务商在24小时内确认；须提前2小时预约。");
    expect(en).toBe("Must be cancelled at least 24 hours before it starts; the provider confirms within 24 hours; book at least 2 hours ahead.");
  });

  it("ends a lone rule with a single stop", () => {
    const [zh, en] = bookingTerms({ cancellation_notice_minutes: 0, requires_confirmation: false, lead_time_minutes: 0 });
    expect(zh).toBe("开始前随时可以取消。");
    expect(en).toBe("Can be cancelled any time before it starts.");
  });

  it("never doubles punctuation, whatever the combination", () => {
    for (const requires_confirmation of [true, false]) {
      for (const lead_time_minutes of [0, 30, 1440]) {
        const [zh, en] = bookingTerms({ cancellation_notice_minutes: 60, requires_confirmation, lead_time_minutes });
        expect(zh).not.toMatch(/[。；][。；]/);
        expect(en).not.toMatch(/[.;]\s*[.;]/);
      }
    }
  });
});
