// Anomaly flags end to end: an enterprise cancels and rebooks on its voucher, the server's own
// sweep raises a flag, the agency's reviewer finds it with names (not ids), opens a booking
// behind it, reviews it with a note after confirming, and the expanded flag passes axe in both
// languages. The auditor sees the flag but no review form.
import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/seed/demo";
import { apiSession } from "./support/api";
import { describeFindings, violations } from "./support/axe";
import { uniqueSuffix } from "./support/data";
import { startProduct } from "./support/product";
import { heading, stage } from "./support/stage";

// The sweep every 5 s, and a flag after one cancel-and-rebook (the default is three in a week).
const e2e = stage(() => startProduct({ SWEEP_INTERVAL_SECONDS: "5", ANOMALY_REBOOK_CANCELLATIONS: "1" }));
const HOUR_MS = 3_600_000;

interface Flag {
  id: string;
  rule: string;
  evidence: { rows: { kind: string; id: string; label: string }[] };
}

describe("anomaly flags", () => {
  it("a reviewer reviews a cancel-and-rebook flag raised by the sweep; an auditor only reads it", { timeout: 180_000 }, async () => {
    const sme = await apiSession(e2e.product.baseUrl, "qiming@demo.cn", DEMO_PASSWORD);
    const startsAt = (Math.ceil(Date.now() / HOUR_MS) + 48) * HOUR_MS;
    const body = { offering_id: "off_demoascend", quantity: 1, starts_at: new Date(startsAt).toISOString(), ends_at: new Date(startsAt + 2 * HOUR_MS).toISOString(), voucher_id: "vch_demobeijing" };
    const first = await sme.post<{ id: string }>("/api/bookings", body, { "idempotency-key": `e2e-anomaly-${uniqueSuffix()}` });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const cancelled = await sme.post<{ status: string }>(`/api/bookings/${first.body.id}/cancel`, {}, { "idempotency-key": `e2e-anomaly-${uniqueSuffix()}` });
    expect(cancelled.body.status).toBe("cancelled");
    const second = await sme.post<{ id: string }>("/api/bookings", body, { "idempotency-key": `e2e-anomaly-${uniqueSuffix()}` });
    expect(second.status).toBe(201);

    const reviewer = await apiSession(e2e.product.baseUrl, "reviewer@demo.cn", DEMO_PASSWORD);
    let flag: Flag | undefined;
    for (let i = 0; i < 30 && !flag; i++) {
      const page = await reviewer.get<{ items: Flag[] }>("/api/anomalies?rule=cancel_rebook&reviewed=false");
      flag = page.items.find((f) => f.evidence.rows.some((r) => r.id === second.body.id));
      if (!flag) await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect(flag, "the sweep raised no flag within 30 s").toBeDefined();

    const page = await e2e.signedIn("reviewer@demo.cn", "/agency/anomalies");
    await heading(page, "异常标记").waitFor();
    // The status filter reads as separate choices, as on every other list: apart, each a 40px target.
    const filters = await page.getByRole("navigation", { name: "按状态筛选" }).getByRole("link").evaluateAll((links) => links.map((a) => a.getBoundingClientRect().toJSON() as DOMRect));
    expect(filters).toHaveLength(3);
    for (const [i, box] of filters.entries()) {
      expect(box.height).toBeGreaterThanOrEqual(40);
      if (i > 0) expect(box.left - (filters[i - 1] as DOMRect).right).toBeGreaterThanOrEqual(4);
    }
    const summary = page.getByRole("link", { name: /取消 1 次预约后又重新预约/ });
    await summary.first().click();
    // Names, not ids: the voucher is named by its enterprise, the bookings by offering and time.
    const evidence = page.locator(".flag-detail");
    await evidence.getByRole("link", { name: /启明智能科技/ }).waitFor();
    await expect(evidence.getByText(/vch_demobeijing|bkg_/).count()).resolves.toBe(0);
    await evidence.getByRole("link", { name: /昇腾910B/ }).first().click();
    const record = page.getByRole("region", { name: "证据详情" });
    await record.getByText("启明智能科技 Qiming AI").waitFor();
    await record.getByText("京算智算中心 Jingsuan AI Compute Centre").waitFor();

    for (const lang of ["zh", "en"] as const) {
      await page.evaluate((l) => localStorage.setItem("lang", l), lang);
      await page.reload();
      await page.locator(".flag-detail").waitFor();
      await page.locator(".loading").first().waitFor({ state: "detached", timeout: 5_000 });
      expect(describeFindings(`${lang} expanded flag`, await violations(page)).join("\n")).toBe("");
    }
    await page.evaluate(() => localStorage.setItem("lang", "zh"));
    await page.reload();

    const auditor = await e2e.signedIn("auditor@demo.cn", "/agency/anomalies");
    await auditor.getByRole("link", { name: /取消 1 次预约后又重新预约/ }).first().click();
    await auditor.getByText("只有审核员或管理员可以复核。").first().waitFor();
    await expect(auditor.getByRole("button", { name: /标记为已复核/ }).count()).resolves.toBe(0);

    await page.locator(".flag-detail").waitFor();
    await page.getByRole("button", { name: "标记为已复核…" }).click();
    await page.getByRole("alert").filter({ hasText: "请修正标出的项目" }).waitFor();
    await page.getByLabel("复核说明").fill("已联系企业：日程调整，非套取 Checked with the enterprise: schedule changes");
    await page.getByRole("button", { name: "标记为已复核…" }).click();
    await page.getByText("复核只能进行一次，提交后不能修改说明。").waitFor();
    await page.getByRole("button", { name: "确认已复核" }).click();
    // Reviewed flags leave the "to review" list; the API has the note and the reviewer.
    for (let i = 0; i < 20; i++) {
      const reviewed = await reviewer.get<{ items: { id: string; review_note: string; reviewed_by: { display_name: string } }[] }>("/api/anomalies?reviewed=true&rule=cancel_rebook");
      const mine = reviewed.items.find((f) => f.id === flag!.id);
      if (mine) {
        expect(mine).toMatchObject({ review_note: expect.stringContaining("日程调整"), reviewed_by: { display_name: "李审核 Reviewer Li" } });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error("the review did not reach the API");
  });
});
