// The demo data a first start loads: four open programmes with real rules (DESIGN §1), vouchers
// already issued to the demo SMEs, one application waiting, and a ledger that verifies.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openNodeStore } from "../../src/db/node";
import { programmes, voucher_applications, vouchers } from "../../src/db/schema";
import { DEMO, seedDemo } from "../../src/seed/demo";
import { formatReport, verifyLedger } from "../../src/services/verify";

const NOW = Date.parse("2026-06-15T10:00:00+08:00");
const store = openNodeStore(":memory:");
await seedDemo(store, NOW);

describe("the demo seed", () => {
  it("loads four open programmes owned by the demo agency, funded with their budgets", async () => {
    const rows = await store.db.select().from(programmes).where(eq(programmes.agency_org_id, DEMO.agency));
    expect(rows.map((p) => [p.id, p.kind, p.status, p.budget_fen]).sort()).toEqual([
      ["prg_demobeijing", "compute", "open", 10_000_000_000],
      ["prg_demohangzhou", "compute", "open", 25_000_000_000],
      ["prg_demoshenzhen", "compute", "open", 50_000_000_000],
      ["prg_demozhejiang", "general", "open", 500_000_000],
    ]);
  });

  it("issues vouchers to the demo SMEs and leaves one application for the reviewer", async () => {
    const issued = await store.db.select().from(vouchers);
    expect(issued.map((v) => [v.sme_org_id, v.programme_id, v.face_value_fen, v.status]).sort()).toEqual([
      [DEMO.smeBeijing, "prg_demobeijing", 50_000_000, "active"],
      [DEMO.smeHangzhou, "prg_demohangzhou", 80_000_000, "active"],
      [DEMO.smeShenzhen, "prg_demoshenzhen", 100_000_000, "active"],
    ].sort());
    const pending = await store.db.select().from(voucher_applications).where(eq(voucher_applications.status, "pending"));
    expect(pending.map((a) => [a.sme_org_id, a.programme_id, a.requested_fen])).toEqual([[DEMO.smeHangzhou, "prg_demozhejiang", 2_000_000]]);
    expect(JSON.parse(pending[0]!.eligibility_json).eligible).toBe(true);
  });

  it("leaves a ledger every invariant holds on", async () => {
    const report = await verifyLedger(store);
    expect(report.ok, formatReport(report)).toBe(true);
  });
});
