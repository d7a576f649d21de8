// The demo data shows every programme rule it claims to (docs/demo.md): each demo SME, quoting on
// an offering its voucher covers, sees its own programme's ratio and tier.
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { DEMO_PASSWORD, seedDemo } from "../../src/seed/demo";
import { DEMO_OFFERINGS } from "../../src/seed/offerings";
import { logIn } from "../support/fixtures";
import { cst, expectRefusal } from "../support/bookings";

// A Monday in June, Beijing time: every demo SME's voucher is valid and the programmes are open.
const NOW = Date.parse("2026-06-15T10:00:00+08:00");
const harness = await createHarness();
harness.clock.now = NOW;
await seedDemo(harness.store, NOW);

/** Eight units for four hours on Wednesday morning. */
const quoteBody = (offering_id: string, voucher_id: string) => ({ offering_id, quantity: 8, starts_at: cst("2026-06-17T09:00"), ends_at: cst("2026-06-17T13:00"), voucher_id });

describe("the demo data shows each programme's rule", () => {
  it("Shenzhen: shentong@demo.cn (founded 2025) gets the start-up 60 % tier on the Shenzhen A800 card-hours", async () => {
    const sme = await logIn(harness, "shentong@demo.cn", DEMO_PASSWORD);
    const quote = await sme.post("/api/quotes", quoteBody(DEMO_OFFERINGS.shenzhen, "vch_demoshenzhen"));
    expect(quote.status, JSON.stringify(quote.body)).toBe(200);
    expect(quote.body).toMatchObject({ gross_fen: 8 * 4 * 1_800, subsidy_fen: 34_560, copay_fen: 23_040 });
    expect(quote.body.subsidy).toMatchObject({ programme_id: "prg_demoshenzhen", ratio_bp: 6_000, tier: "初创企业 Start-up (under 3 years)", binding_limit: "ratio" });
  });

  it("Hangzhou: xihu@demo.cn gets the domestic-compute 30 % tier on the Hygon DCU card-hours", async () => {
    const sme = await logIn(harness, "xihu@demo.cn", DEMO_PASSWORD);
    const quote = await sme.post("/api/quotes", quoteBody(DEMO_OFFERINGS.hangzhou, "vch_demohangzhou"));
    expect(quote.status, JSON.stringify(quote.body)).toBe(200);
    expect(quote.body).toMatchObject({ gross_fen: 8 * 4 * 800, subsidy_fen: 7_680, copay_fen: 17_920 });
    expect(quote.body.subsidy).toMatchObject({ programme_id: "prg_demohangzhou", ratio_bp: 3_000, tier: "国产算力或MaaS Domestic compute or MaaS" });
  });

  it("Beijing: qiming@demo.cn gets the plain 20 % on the Ascend card-hours (no tier)", async () => {
    const sme = await logIn(harness, "qiming@demo.cn", DEMO_PASSWORD);
    const quote = await sme.post("/api/quotes", quoteBody(DEMO_OFFERINGS.ascend, "vch_demobeijing"));
    expect(quote.status, JSON.stringify(quote.body)).toBe(200);
    expect(quote.body).toMatchObject({ gross_fen: 8 * 4 * 1_200, subsidy_fen: 7_680 });
    expect(quote.body.subsidy).toMatchObject({ programme_id: "prg_demobeijing", ratio_bp: 2_000, tier: null });
  });

  it("each tier stays with its region: the Shenzhen voucher does not pay for Hangzhou compute", async () => {
    const sme = await logIn(harness, "shentong@demo.cn", DEMO_PASSWORD);
    expectRefusal(await sme.post("/api/quotes", quoteBody(DEMO_OFFERINGS.hangzhou, "vch_demoshenzhen")), 409, "region_not_eligible");
  });
});
