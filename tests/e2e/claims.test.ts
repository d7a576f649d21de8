// Claims (兑付) end to end in Chromium, in a 通兑 programme (Hangzhou): the provider uploads usage,
// the enterprise confirms the delivery, the provider claims with an attachment, the agency's
// reviewer approves (初审), a different finance user approves (复核), the claim is on public
// notice (GET /api/notices without login), the server's clock passes the notice, finance pays
// after a second, explicit yes, and the enterprise's voucher and the agency's queue show it paid.
// What the test is not about (sign-up, the voucher, the booking and its start) goes through the API.
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { startClockedProduct } from "./support/clock";
import { uniqueSuffix } from "./support/data";
import { approveApplication, Caller, registerSme, type Sme } from "./support/sme";
import { yuan } from "./support/sme-pages";
import { heading, stage } from "./support/stage";

const e2e = stage(startClockedProduct);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Full-page screenshots at a laptop's 1366×900 and a phone's 390×844 into screenshots/ (gitignored). */
async function shots(page: Page, name: string) {
  mkdirSync("screenshots", { recursive: true });
  for (const [label, viewport] of [["1366", { width: 1366, height: 900 }], ["390", { width: 390, height: 844 }]] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `screenshots/claims-${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

interface BookingRecord {
  id: string;
  status: string;
  delivered_gross_fen: number | null;
  delivered_subsidy_fen: number | null;
  confirmation_state: string | null;
}

describe("a claim from usage to payment (通兑)", () => {
  let sme: Sme;
  let smeApi: Caller;
  let provider: Caller;
  let voucherId = "";
  let booking: BookingRecord;
  let claimId = "";
  const startsAt = Math.ceil(Date.now() / HOUR_MS) * HOUR_MS;
  const invoiceNo = `FP-${uniqueSuffix()}`;

  beforeAll(async () => {
    const { baseUrl } = e2e.product;
    // A Hangzhou enterprise with a voucher of the Hangzhou programme (the demo Hangzhou provider serves it) (通兑: the provider claims).
    sme = await registerSme(baseUrl, "330106");
    smeApi = await Caller.signIn(baseUrl, sme.email, sme.password);
    const applied = await smeApi.post("/api/voucher-applications", { programme_id: "prg_demohangzhou", requested_fen: 50_000_00, purpose: "e2e 兑付测试 claim test" });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    voucherId = (await approveApplication(baseUrl, applied.body.id)).voucher.id;

    provider = await Caller.signIn(baseUrl, "data@demo.cn");
    const offering = await provider.post("/api/offerings", {
      category: "compute",
      name: `E2E 兑付 A800 卡时 ${uniqueSuffix()}`,
      unit: "card_hour",
      unit_price_fen: 1050,
      capacity_units: 8,
      accelerator_model: "A800",
      cards_per_node: 8,
      domestic: false,
    });
    expect(offering.status, JSON.stringify(offering.body)).toBe(201);
    const made = await smeApi.post<BookingRecord>(
      "/api/bookings",
      { offering_id: offering.body.id, quantity: 4, starts_at: new Date(startsAt).toISOString(), ends_at: new Date(startsAt + 2 * HOUR_MS).toISOString(), voucher_id: voucherId },
      `e2e-book-${uniqueSuffix()}`,
    );
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    booking = made.body;
    if (booking.status === "requested") expect((await provider.post(`/api/bookings/${booking.id}/confirm`, {})).status).toBe(200);
    await e2e.product.advance(startsAt - Date.now() + 60_000);
    const started = await provider.post(`/api/bookings/${booking.id}/start`, {});
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    await e2e.product.advance(HOUR_MS);
  });

  it("the provider uploads the usage and delivers; the enterprise confirms the delivery", { timeout: 120_000 }, async () => {
    const page = await e2e.signedIn("data@demo.cn", "/provider/usage");
    await heading(page, "用量上报").waitFor();
    const period = `${new Date(startsAt).toISOString()},${new Date(startsAt + HOUR_MS).toISOString()}`;
    const upload = page.getByRole("form", { name: "上传用量文件" });
    await upload.getByLabel("用量文件").setInputFiles({
      name: "usage.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(["event_id,booking_id,period_start,period_end,quantity", `job-${booking.id}-a,${booking.id},${period},2.5`, `job-${booking.id}-b,${booking.id},${period},1.5`].join("\n")),
    });
    await upload.getByRole("button", { name: "上传" }).click();
    await page.getByRole("status").filter({ hasText: "新记录 2 条，重复 0 条，拒绝 0 条" }).waitFor();

    const delivered = await provider.post<BookingRecord>(`/api/bookings/${booking.id}/deliver`, {}, `e2e-deliver-${uniqueSuffix()}`);
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    booking = delivered.body;
    // 4 card-hours metered at ¥10.50: ¥42.00 gross.
    expect([booking.status, booking.delivered_gross_fen]).toEqual(["delivered", 4200]);
    expect(booking.delivered_subsidy_fen).toBeGreaterThan(0);

    const smePage = (await e2e.tab()).page;
    await smePage.goto(`/my-bookings?id=${booking.id}`);
    await smePage.getByLabel("邮箱").fill(sme.email);
    await smePage.getByLabel("密码", { exact: true }).fill(sme.password);
    await smePage.getByRole("button", { name: "登录" }).click();
    const section = smePage.getByRole("region", { name: "用量与交付" });
    await section.getByRole("button", { name: "确认交付无误" }).click();
    await section.getByText("已确认", { exact: true }).waitFor();
    expect((await smeApi.get<BookingRecord>(`/api/bookings/${booking.id}`)).body.confirmation_state).toBe("confirmed");
  });

  it("the provider claims the booking with its evidence and an attachment", { timeout: 120_000 }, async () => {
    const subsidy = booking.delivered_subsidy_fen as number;
    const page = await e2e.signedIn("data@demo.cn", "/claims");
    await heading(page, "兑付申请").waitFor();
    await page.getByRole("link", { name: "申请兑付" }).click();
    await heading(page, "申请兑付").waitFor();
    const form = page.getByRole("form", { name: "兑付申请" });
    const row = form.getByRole("table", { name: "可申请兑付的预约" }).getByRole("row").filter({ hasText: "¥42.00" });
    await row.filter({ hasText: yuan(subsidy) }).waitFor();
    await expect(row.getByRole("checkbox").isChecked()).resolves.toBe(true);
    await form.getByText(`已选 1 个预约：交付总价 ¥42.00，申请兑付补贴 ${yuan(subsidy)}`).waitFor();
    await expect(form.getByText(sme.name).count()).resolves.toBeGreaterThan(0);

    // A file over the type rule is refused in the browser; the PDF uploads with its progress.
    await form.getByLabel("选择文件").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a pdf") });
    await form.getByRole("listitem").filter({ hasText: "notes.txt" }).getByText("只能上传PDF、JPEG或PNG").waitFor();
    await form.getByRole("button", { name: "移除 notes.txt" }).click();
    await form.getByLabel("选择文件").setInputFiles({ name: "验收单.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n% e2e acceptance form\n%%EOF\n") });
    await form.getByRole("listitem").filter({ hasText: "验收单.pdf" }).getByText("已上传").waitFor();

    await form.getByLabel("合同编号").fill(`HT-${uniqueSuffix()}`);
    await form.getByLabel("发票号码").fill(invoiceNo);
    await form.getByLabel("发票金额（元）").fill("41.99");
    await form.getByLabel("交付证明（验收结论）").fill("4 卡时已交付并验收合格 4 card-hours delivered and accepted");
    await form.getByRole("button", { name: "提交兑付申请" }).click();
    await form.getByText("金额不能少于¥42.00").waitFor();
    await form.getByLabel("发票金额（元）").fill("42.00");
    await shots(page, "new");
    await form.getByRole("button", { name: "提交兑付申请" }).click();

    await page.getByRole("status").filter({ hasText: "兑付申请已提交" }).waitFor();
    claimId = new URL(page.url()).searchParams.get("id") as string;
    expect(claimId).toMatch(/^clm_/);
    await page.getByRole("link", { name: "验收单.pdf" }).waitFor();
    await page.getByRole("region", { name: "办理记录" }).getByText("提交兑付申请").waitFor();
    await shots(page, "provider-detail");
    const claim = await provider.get(`/api/claims/${claimId}`);
    expect(claim.body).toMatchObject({ status: "submitted", amount_fen: subsidy, gross_fen: 4200, invoice_amount_fen: 4200, invoice_no: invoiceNo, booking_ids: [booking.id] });
    expect(claim.body.attachments).toEqual([expect.objectContaining({ original_name: "验收单.pdf", content_type: "application/pdf" })]);
  });

  it("the reviewer approves (初审), a different finance user approves (复核), and the notice is public", { timeout: 120_000 }, async () => {
    const reviewer = await e2e.signedIn("reviewer@demo.cn", "/claims");
    await heading(reviewer, "兑付审核").waitFor();
    await reviewer.getByRole("table", { name: "待初审" }).getByRole("row").filter({ hasText: sme.name }).getByRole("link").click();
    await heading(reviewer, "兑付申请详情").waitFor();
    const bookings = reviewer.getByRole("region", { name: "预约与用量" });
    await bookings.getByRole("row").filter({ hasText: "4 / 8" }).filter({ hasText: "¥42.00" }).waitFor();
    await reviewer.getByRole("region", { name: "账务记录" }).getByRole("row").filter({ hasText: "预约冻结补贴" }).waitFor();
    await shots(reviewer, "review");
    const review = reviewer.getByRole("form", { name: "初审" });
    await review.getByLabel("初审通过").check();
    await review.getByRole("button", { name: "提交初审意见" }).click();
    await reviewer.getByRole("status").filter({ hasText: "初审通过，已转财务复核" }).waitFor();
    await reviewer.getByText("待财务复核").first().waitFor();
    // The reviewer cannot also do 复核: no such form for them.
    await expect(reviewer.getByRole("form", { name: "财务复核" }).count()).resolves.toBe(0);

    const finance = await e2e.signedIn("finance@demo.cn", "/claims");
    await heading(finance, "兑付审核").waitFor();
    await finance.getByRole("table", { name: "待财务复核" }).getByRole("row").filter({ hasText: sme.name }).getByRole("link").click();
    await finance.getByRole("button", { name: "复核通过并公示" }).click();
    await finance.getByRole("status").filter({ hasText: "复核通过，已进入公示" }).waitFor();
    await finance.getByText("公示中").first().waitFor();
    await shots(finance, "on-notice");

    const notices = await fetch(`${e2e.product.baseUrl}/api/notices?q=${encodeURIComponent(sme.name)}`);
    expect(notices.status).toBe(200);
    const body = (await notices.json()) as { items: { claim_id: string; enterprise: string; provider: string; subsidy_fen: number; notice_ends_on: string }[] };
    expect(body.items).toEqual([expect.objectContaining({ claim_id: claimId, enterprise: sme.name, subsidy_fen: booking.delivered_subsidy_fen })]);

    // Someone objects during the notice (no login); the reviewer reads it and resolves it with a note.
    const objected = await fetch(`${e2e.product.baseUrl}/api/notices/${claimId}/objections`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: e2e.product.baseUrl },
      body: JSON.stringify({ name: "张三", contact: "zhangsan@example.com", reason: "怀疑用量虚报 Usage may be inflated" }),
    });
    expect(objected.status).toBe(201);
    await reviewer.reload();
    const objections = reviewer.getByRole("region", { name: "公示异议" });
    await objections.getByText("有 1 条异议未处理").waitFor();
    await objections.getByText("怀疑用量虚报").waitFor();
    const resolve = objections.getByRole("form", { name: "处理 张三 的异议" });
    await resolve.getByLabel("处理意见").fill("已核对计量记录，用量属实 Checked the metering: usage is real");
    await resolve.getByRole("button", { name: "处理异议" }).click();
    await reviewer.getByRole("status").filter({ hasText: "异议已处理" }).waitFor();
    await objections.getByText("已核对计量记录").waitFor();
    expect((await provider.get(`/api/claims/${claimId}`)).body.open_objections).toBe(0);
    await finance.reload();

    // Before the notice ends the payment is refused, and the page says why.
    const pay = finance.getByRole("form", { name: "支付" });
    await pay.getByLabel("付款流水号").fill("BANK-E2E-0");
    await pay.getByRole("button", { name: "支付…" }).click();
    await pay.getByRole("button", { name: `确认支付 ${yuan(booking.delivered_subsidy_fen as number)}` }).click();
    await pay.getByRole("alert").filter({ hasText: "公示期至" }).waitFor();
    expect((await provider.get(`/api/claims/${claimId}`)).body.status).toBe("on_notice");
  });

  it("after the notice finance pays once; the voucher and the agency's queue show it paid", { timeout: 120_000 }, async () => {
    const subsidy = booking.delivered_subsidy_fen as number;
    await e2e.product.advance(16 * DAY_MS);
    const finance = await e2e.signedIn("finance@demo.cn", `/claims?id=${claimId}`);
    const pay = finance.getByRole("form", { name: "支付" });
    await pay.getByLabel("付款流水号").fill("BANK-E2E-1");
    await pay.getByRole("button", { name: "支付…" }).click();
    await pay.getByRole("group", { name: /请确认/ }).getByText(`将向 ${(await provider.get(`/api/claims/${claimId}`)).body.claimant_name} 支付 ${yuan(subsidy)}`).waitFor();
    await shots(finance, "pay-confirm");
    await pay.getByRole("button", { name: `确认支付 ${yuan(subsidy)}` }).click();
    await finance.getByRole("status").filter({ hasText: `已支付 ${yuan(subsidy)}` }).waitFor();
    await finance.getByRole("region", { name: "账务记录" }).getByRole("row").filter({ hasText: "兑付支付" }).filter({ hasText: yuan(subsidy) }).waitFor();
    const paid = await provider.get(`/api/claims/${claimId}`);
    expect(paid.body).toMatchObject({ status: "paid", payment_reference: "BANK-E2E-1" });
    expect((await smeApi.get<BookingRecord>(`/api/bookings/${booking.id}`)).body.status).toBe("settled");

    const voucherTab = (await e2e.tab()).page;
    await voucherTab.goto(`/my-vouchers?id=${voucherId}`);
    await voucherTab.getByLabel("邮箱").fill(sme.email);
    await voucherTab.getByLabel("密码", { exact: true }).fill(sme.password);
    await voucherTab.getByRole("button", { name: "登录" }).click();
    const settled = voucherTab.getByRole("region", { name: "已使用部分的兑付情况" });
    await settled.locator("div").filter({ has: voucherTab.getByText("已兑付结清") }).getByText(yuan(subsidy)).waitFor();
    await settled.locator("div").filter({ has: voucherTab.getByText("兑付审核或公示中") }).getByText("¥0.00").waitFor();
    await shots(voucherTab, "voucher");

    const agency = await e2e.signedIn("auditor@demo.cn", "/claims?status=paid");
    // Beside the queue, the server's export with the queue's filter: the paid claim is in it.
    const exported = await agency.getByRole("link", { name: "导出 CSV（按当前筛选）" }).getAttribute("href");
    expect(exported).toBe("/api/exports/claims.csv?status=paid");
    const csv = await agency.request.get(exported!);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain(claimId);
    await agency.getByRole("table", { name: "已支付" }).getByRole("row").filter({ hasText: sme.name }).filter({ hasText: yuan(subsidy) }).getByRole("link").click();
    await agency.getByText("付款流水号 BANK-E2E-1").waitFor();
    // The auditor reads everything and gets no action buttons.
    await agency.getByText("你的角色只能查看，不能办理。").waitFor();
    await expect(agency.getByRole("button").filter({ hasText: /支付|作废|驳回|复核|初审/ }).count()).resolves.toBe(0);
    await shots(agency, "auditor-paid");
  });
});
