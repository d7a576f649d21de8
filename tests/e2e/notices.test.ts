// The public notice (公示) without signing in: a claim taken through the API from booking to
// finance's approval (Beijing's demo programme settles 通用: the enterprise claims) appears on
// /notices for a visitor with no account, at phone width, with its audit proof link; the
// visitor's objection is recorded and the agency sees it on the claim. The server's clock moves
// forward so the booking can start and end.
import { describe, expect, it } from "vitest";
import { MOBILE, screenshots } from "./support/browser";
import { startClockedProduct } from "./support/clock";
import { uniqueSuffix } from "./support/data";
import { deliveredDemoBooking } from "./support/delivery";
import { Caller } from "./support/sme";
import { heading, stage } from "./support/stage";

const e2e = stage(startClockedProduct);

/** A claim on notice: booked, used, delivered, confirmed, claimed by the enterprise, reviewed by two people. */
async function claimOnNotice(baseUrl: string) {
  const [provider, sme, reviewer, finance] = await Promise.all([
    Caller.signIn(baseUrl, "compute@demo.cn"),
    Caller.signIn(baseUrl, "qiming@demo.cn"),
    Caller.signIn(baseUrl, "reviewer@demo.cn"),
    Caller.signIn(baseUrl, "finance@demo.cn"),
  ]);
  const { booking, delivered } = await deliveredDemoBooking(e2e.product, provider, sme, "公示算力");
  expect((await sme.post(`/api/bookings/${booking.id}/confirm-delivery`, {})).status).toBe(200);
  const claim = await sme.post("/api/claims", {
    booking_ids: [booking.id],
    contract_no: `HT-${uniqueSuffix()}`,
    invoice_no: `FP-${uniqueSuffix()}`,
    invoice_amount_fen: delivered.delivered_gross_fen,
    delivery_certificate: "验收合格",
  });
  expect(claim.status, JSON.stringify(claim.body)).toBe(201);
  expect((await reviewer.post(`/api/claims/${claim.body.id}/review`, { decision: "approve" })).body.status).toBe("reviewed");
  const approved = await finance.post(`/api/claims/${claim.body.id}/approve`, {});
  expect(approved.body.status, JSON.stringify(approved.body)).toBe("on_notice");
  return { claim: approved.body, reviewer };
}

describe("the public notice (公示)", () => {
  it("opens without an account, lists the claim on notice with its proof link, and takes an objection the agency then sees", async () => {
    const { claim, reviewer } = await claimOnNotice(e2e.baseUrl);
    const listed = await fetch(`${e2e.baseUrl}/api/notices?limit=100`).then((r) => r.json());
    const notice = listed.items.find((n: { claim_id: string }) => n.claim_id === claim.id);
    expect(notice).toMatchObject({ enterprise: expect.any(String), subsidy_fen: claim.amount_fen, audit_seq: expect.any(Number) });

    const { page } = await e2e.tab(MOBILE);
    await page.goto(`/notices?q=${encodeURIComponent(notice.enterprise)}`);
    await heading(page, "兑付公示").waitFor();
    expect(new URL(page.url()).pathname).toBe("/notices");
    await page.getByRole("heading", { name: "审计日志检查点" }).waitFor();
    const proof = page.locator(`a[href="/api/audit/proofs/inclusion?seq=${notice.audit_seq}"]`);
    await proof.waitFor();
    const row = page.getByRole("row").filter({ has: proof });
    await expect(row.textContent()).resolves.toContain(notice.programme);
    await expect(row.textContent()).resolves.toContain(notice.notice_ends_on);
    await expect(row.textContent()).resolves.toContain((claim.amount_fen / 100).toFixed(2));
    await screenshots(page, "public-notices");

    await row.getByRole("button", { name: "提出异议" }).click();
    const form = page.getByRole("form", { name: /提出异议/ });
    await form.getByRole("button", { name: "提交异议" }).click();
    await form.getByRole("alert").filter({ hasText: "请修正标出的项目" }).waitFor();
    await form.getByLabel("姓名").fill("公众 张三");
    await form.getByLabel("联系方式（电话或邮箱）").fill("13800000000");
    await form.getByLabel("异议理由").fill("该企业当月并未使用该算力");
    await form.getByRole("button", { name: "提交异议" }).click();
    await form.getByRole("status").filter({ hasText: "异议已提交" }).waitFor();

    const seen = await reviewer.get(`/api/claims/${claim.id}`);
    expect(seen.body).toMatchObject({ open_objections: 1, objections: [expect.objectContaining({ name: "公众 张三", contact: "13800000000", reason: "该企业当月并未使用该算力", status: "open" })] });

    // In English, and reachable from the sign-in page's link.
    await page.evaluate(() => localStorage.setItem("lang", "en"));
    await page.goto("/signin");
    await page.getByRole("link", { name: "the public notice of claims" }).click();
    await heading(page, "Public notice of claims").waitFor();
  });
});
