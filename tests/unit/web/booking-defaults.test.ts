// The booking panel's default start is still cancellable and bookable when booked with the defaults.
import { describe, expect, it } from "vitest";
import { defaultStartDate } from "../../../web/src/offerings/booking-defaults";

const at = (iso: string) => Date.parse(iso);
const h800 = { lead_time_minutes: 12 * 60, cancellation_notice_minutes: 24 * 60 };

describe("the booking panel's default start (09:00 Beijing)", () => {
  it("is tomorrow when tomorrow 09:00 is outside the notice", () => {
    expect(defaultStartDate({ lead_time_minutes: 0, cancellation_notice_minutes: 0 }, at("2026-12-02T20:00:00+08:00"))).toBe("2026-12-03");
    expect(defaultStartDate(h800, at("2026-12-02T08:59:00+08:00"))).toBe("2026-12-03");
  });

  it("moves past the 24 h cancellation notice of the H800 nodes: at 09:00 exactly tomorrow could no longer be cancelled", () => {
    expect(defaultStartDate(h800, at("2026-12-02T09:00:00+08:00"))).toBe("2026-12-04");
    expect(defaultStartDate(h800, at("2026-12-02T18:30:00+08:00"))).toBe("2026-12-04");
  });

  it("honours a notice of several days", () => {
    expect(defaultStartDate({ lead_time_minutes: 0, cancellation_notice_minutes: 3 * 24 * 60 }, at("2026-12-02T10:00:00+08:00"))).toBe("2026-12-06");
  });
});
