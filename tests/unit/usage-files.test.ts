import { describe, expect, it } from "vitest";
import { gpuCount, parseInstant, parseSacct, parseUsageCsv, sniffFormat, splitCsvLine } from "../../src/domain/usage-files";
import { judgeUsage, parseQuantityMilli, settleOnUsage, type BookingForUsage } from "../../src/domain/usage";

// The sample in the settlement reference, as a provider would upload it.
const SAMPLE = `JobID|Account|Start|End|ElapsedRaw|AllocTRES|State
81234|qiming-bkg|2026-12-03T09:00:02|2026-12-03T13:00:02|14400|billing=64,cpu=64,gres/gpu=8,mem=512G,node=1|COMPLETED
81234.batch|qiming-bkg|2026-12-03T09:00:02|2026-12-03T13:00:02|14400|cpu=64,gres/gpu=8,mem=512G,node=1|COMPLETED
81234.extern|qiming-bkg|2026-12-03T09:00:02|2026-12-03T13:00:02|14400|billing=64,cpu=64,gres/gpu=8,mem=512G,node=1|COMPLETED
81240|qiming-bkg|2026-12-03T13:05:00|Unknown|3600|billing=16,cpu=16,gres/gpu=2,gres/gpu:h800=2,node=1|RUNNING
81241|qiming-bkg|None|2026-12-03T13:06:00|0||CANCELLED by 1001
`;

describe("Slurm accounting (sacct -P)", () => {
  it("counts 81234 once as 32 card-hours; 81240 is running and 81241 never ran", () => {
    const parsed = parseSacct(SAMPLE);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows).toEqual([
      {
        line: 2,
        event_id: "81234",
        booking_id: "",
        account: "qiming-bkg",
        period_start_at: Date.parse("2026-12-03T09:00:02+08:00"),
        period_end_at: Date.parse("2026-12-03T13:00:02+08:00"),
        quantity_milli: 32_000,
        reason: null,
      },
    ]);
    expect(parsed.steps_skipped).toBe(2);
    expect(parsed.skipped.map((s) => s.line)).toEqual([5, 6]);
    expect(parsed.skipped[0]?.reason).toContain("still running");
    expect(parsed.skipped[1]?.reason).toContain("never ran");
  });

  it("takes array and heterogeneous allocations, skips their steps, and reads columns in any order", () => {
    const text = [
      "State|JobID|Account|AllocTRES|ElapsedRaw|Start|End",
      "COMPLETED|123_7|acct|gres/gpu=2|1800|2026-12-03T09:00:00|2026-12-03T09:30:00",
      "COMPLETED|123_7.batch|acct|gres/gpu=2|1800|2026-12-03T09:00:00|2026-12-03T09:30:00",
      "FAILED|124+0|acct|gres/gpu=1,gres/gpu:a100=1|7200|2026-12-03T09:00:00|2026-12-03T11:00:00",
      "FAILED|124+1|acct|gres/gpu=3|7200|2026-12-03T09:00:00|2026-12-03T11:00:00",
      "COMPLETED|124+1.0|acct|gres/gpu=3|7200|2026-12-03T09:00:00|2026-12-03T11:00:00",
      "PENDING|125_[1-5]|acct||0|Unknown|Unknown",
      "COMPLETED|126|acct|cpu=4|60|2026-12-03T09:00:00|2026-12-03T09:01:00",
    ].join("\r\n");
    const parsed = parseSacct(text);
    expect(parsed.rows.map((r) => [r.event_id, r.quantity_milli])).toEqual([
      ["123_7", 1_000],
      ["124+0", 2_000],
      ["124+1", 6_000],
    ]);
    expect(parsed.steps_skipped).toBe(2);
    expect(parsed.skipped).toHaveLength(2);
  });

  it("counts gres/gpu only, never its typed duplicate", () => {
    expect(gpuCount("cpu=16,gres/gpu=2,gres/gpu:h800=2,node=1")).toBe(2);
    expect(gpuCount("cpu=16,gres/gpu:h800=2")).toBe(0);
  });

  it("is told apart from CSV by its header", () => {
    expect(sniffFormat(SAMPLE)).toBe("slurm");
    expect(sniffFormat("\uFEFFevent_id,booking_id,period_start,period_end,quantity\n")).toBe("csv");
  });
});

describe("usage CSV", () => {
  it("reads quantities exactly in thousandths, Beijing local times, quotes and a BOM, and names bad lines", () => {
    const parsed = parseUsageCsv(
      '\uFEFFevent_id,booking_id,period_start,period_end,quantity,reason\r\ne1,bkg_abc,2026-12-03T09:00,2026-12-03T10:00,1.5,\r\ne2,bkg_abc,2026-12-03T10:00:00+08:00,2026-12-03T11:00:00+08:00,-0.25,"late, corrected"\r\ne3,bkg_abc,2026-12-03T10:00,2026-12-03T09:00,1,\r\ne4,bkg_abc,2026-02-30T10:00,2026-12-03T09:00,1,\r\n',
    );
    expect(parsed.rows.map((r) => [r.event_id, r.quantity_milli, r.reason])).toEqual([
      ["e1", 1_500, null],
      ["e2", -250, "late, corrected"],
    ]);
    expect(parsed.rows[0]?.period_start_at).toBe(Date.parse("2026-12-03T09:00:00+08:00"));
    expect(parsed.problems.map((p) => p.line)).toEqual([4, 5]);
  });

  it("refuses more than 3 decimals, exponents and blanks", () => {
    expect(["1", "0.001", "12.345", "-3"].map(parseQuantityMilli)).toEqual([1_000, 1, 12_345, -3_000]);
    expect(["1.2345", "1e3", "", "1,5", "0x10"].map(parseQuantityMilli)).toEqual([null, null, null, null, null]);
    expect(splitCsvLine('a,"b ""q""",c')).toEqual(["a", 'b "q"', "c"]);
    expect(splitCsvLine('a,"open')).toBeNull();
    expect(parseInstant("2026-12-03T09:00:02")).toBe(Date.parse("2026-12-03T01:00:02Z"));
  });
});

describe("judging and settling usage", () => {
  const booking: BookingForUsage = { id: "bkg_a", provider_org_id: "org_p", status: "in_use", starts_at: 0, ends_at: 3_600_000 * 5, quantity: 2, booked_milli: 10_000, metered_milli: 0, capacity_units: 4, unit_minutes: 60 };
  const ctx = { provider_org_id: "org_p", bookings: new Map([["bkg_a", booking]]), prior: new Map(), now: 3_600_000 * 6 };
  const event = (id: string, q: number) => ({ event_id: id, booking_id: "bkg_a", period_start_at: 0, period_end_at: 3_600_000 * 5, quantity_milli: q, reason: null });

  it("refuses exactly the events past the booked total, in order", () => {
    const judged = judgeUsage([event("a", 6_000), event("b", 5_000), event("c", 4_000), event("a", 6_000)], ctx);
    expect(judged.outcomes.map((o) => (o.result === "refused" ? o.code : o.result))).toEqual(["accepted", "above_booked", "accepted", "duplicate"]);
    expect(judged.delta_by_booking.get("bkg_a")).toBe(10_000);
  });

  it("settles the metered gross at the quoted price and ratio, rounded down, never above the hold", () => {
    expect(settleOnUsage({ unit_price_fen: 1_000, metered_milli: 4_250, ratio_bp: 2_000, held_fen: 2_000 })).toEqual({ metered_milli: 4_250, gross_fen: 4_250, subsidy_fen: 850, copay_fen: 3_400 });
    expect(settleOnUsage({ unit_price_fen: 333, metered_milli: 1, ratio_bp: 5_000, held_fen: 100 })).toEqual({ metered_milli: 1, gross_fen: 0, subsidy_fen: 0, copay_fen: 0 });
    expect(settleOnUsage({ unit_price_fen: 1_000, metered_milli: 10_000, ratio_bp: 10_000, held_fen: 3_000 }).subsidy_fen).toBe(3_000);
    expect(settleOnUsage({ unit_price_fen: 1_000, metered_milli: 10_000, ratio_bp: 2_000, held_fen: 0 }).subsidy_fen).toBe(0);
  });
});
