// The enterprise's journey end-to-end, in Chromium against the real server on a temporary
// database with the demo data: apply for a voucher (and be refused where the rules say no), find
// capacity, quote and book with the voucher, book once however often the button is pressed, and
// cancel to get the hold back. Outcomes are checked through the API, not only on the page.
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { screenshots } from "./support/browser";
import { approveApplication, Caller, registerSme, type Sme } from "./support/sme";
import { beijingDay, figure, yuan } from "./support/sme-pages";
import { heading, stage } from "./support/stage";
import { signIn } from "./support/session";

const product = stage();
const tab = product.tab;

describe("the SME journey", () => {

  let sme: Sme;
  let page: Page;
  let api: Caller;

  beforeAll(async () => {
    sme = await registerSme(product.baseUrl, "110108");
    api = await Caller.signIn(product.baseUrl, sme.email, sme.password);
    page = (await tab()).page;
    await page.goto("/voucher-programmes");
    await signIn(page, sme.email, sme.password);
    await heading(page, "券项目").waitFor();
  });

  it("an SME reads a programme's rules, applies, and sees every eligibility criterion explained", async () => {
    const beijing = page.getByRole("region", { name: /北京算力券/ });
    await beijing.getByText("适用于你所在地区").waitFor();
    await expect(page.getByRole("region", { name: /杭州算力券/ }).getByText("不适用于你所在地区").count()).resolves.toBe(1);
    await screenshots(page, "sme-programmes");
    await beijing.getByRole("link", { name: /查看规则并申请/ }).click();

    await heading(page, /北京算力券/).waitFor();
    // The dry run before the form: every criterion met, and the most grantable today.
    const dryRun = page.getByRole("region", { name: /你可以申请：全部条件符合/ });
    await expect(dryRun.locator("li.ok").count()).resolves.toBe(8);
    await expect(dryRun.textContent()).resolves.toContain("单次最多可申领¥2,000,000.00");
    const rules = await page.getByRole("region", { name: "项目规则" }).textContent();
    expect(rules).toContain("合同金额的 20%");
    expect(rules).toContain("企业年度补贴上限每个自然年（北京时间）使用的补贴合计不超过 ¥2,000,000.00");
    // The region by name, its code prefix beside it.
    expect(rules).toContain("适用地区北京市 (11)");
    expect(rules).toContain("通用：企业先向服务商全额付款");
    expect(rules).toContain("企业与服务商为关联方");

    // One fen over the most the dry run allows: refused on submission, naming the limit; nothing stored.
    await page.getByLabel("申请金额（元）").fill("2,000,000.01");
    await page.getByLabel("用途说明").fill("多模态模型微调所需算力，约 1,000 卡时");
    await page.getByRole("button", { name: "提交申请" }).click();
    await page.getByRole("alert").filter({ hasText: "不符合申领条件，未提交" }).waitFor();
    const refusal = page.getByRole("region", { name: /资格审查：1 项条件不符合/ });
    await expect(refusal.locator("li.failed").textContent()).resolves.toContain("超过单次上限¥2,000,000.00");
    await expect(page.getByLabel("申请金额（元）").inputValue()).resolves.toBe("2,000,000.01");
    expect((await api.get("/api/voucher-applications")).body.items).toEqual([]);

    // Typed as people type it: separators and fen. It must arrive as exactly 1,234,567 fen.
    await page.getByLabel("申请金额（元）").fill("12,345.67");
    await page.getByRole("button", { name: "提交申请" }).click();
    await page.getByRole("status").filter({ hasText: "申请已提交，等待主管部门审核" }).waitFor();
    const explanation = page.getByRole("region", { name: /资格审查/ });
    await expect(explanation.locator("li.ok").count()).resolves.toBe(8);
    await expect(explanation.locator("li.failed").count()).resolves.toBe(0);
    const reasons = await explanation.textContent();
    expect(reasons).toContain("申领¥12,345.67不超过单次上限¥2,000,000.00");
    // Places and size classes by name, the region codes beside the names (the names load with the region data).
    await explanation.locator("li.ok").filter({ hasText: "注册地北京市 海淀区 (110108) 属于适用地区：北京市 (11)" }).waitFor();
    await expect(explanation.textContent()).resolves.toContain("企业规模为小型企业，属于适用范围（微型企业、小型企业、中型企业）");
    await screenshots(page, "sme-apply-eligible");

    const { body } = await api.get("/api/voucher-applications");
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ programme_id: "prg_demobeijing", requested_fen: 1_234_567, status: "pending" });

    await page.getByRole("link", { name: "查看我的申请" }).click();
    await heading(page, "我的申请").waitFor();
    const row = page.getByRole("row").filter({ hasText: "北京算力券" });
    await expect(row.textContent()).resolves.toContain("待审核");
    await expect(row.locator("td.num").first().textContent()).resolves.toBe("¥12,345.67");
    await screenshots(page, "sme-applications");
  });

  it("a programme the rules exclude says so before any form: the failed criterion and why, no amount, no form", async () => {
    await page.goto("/voucher-programmes?id=prg_demohangzhou");
    await heading(page, /杭州算力券/).waitFor();
    const explanation = page.getByRole("region", { name: /你目前不能申请：1 项条件不符合/ });
    const failed = explanation.locator("li.failed");
    await expect(failed.count()).resolves.toBe(1);
    await expect(failed.textContent()).resolves.toContain("注册地区");
    await failed.filter({ hasText: "注册地北京市 海淀区 (110108) 不在适用地区内；适用地区：浙江省 杭州市 (3301)" }).waitFor();
    await expect(explanation.textContent()).resolves.not.toMatch(/Size class|企业规模small/);
    // The same in English: the places by their names, never bare codes, and the size class by its English name.
    await page.evaluate(() => localStorage.setItem("lang", "en"));
    await page.reload();
    const english = page.getByRole("region", { name: /You cannot apply now: 1 criterion not met/ });
    await english.locator("li.failed").filter({ hasText: "Registered region 北京市 海淀区 (110108) is outside the eligible regions: 浙江省 杭州市 (3301)" }).waitFor();
    await expect(english.textContent()).resolves.toContain("Enterprise size: Small, among those eligible (Micro, Small, Medium)");
    await page.evaluate(() => localStorage.setItem("lang", "zh"));
    await page.reload();
    await heading(page, /杭州算力券/).waitFor();
    // Never "you could get ¥X" beside the refusal, and nothing to fill in.
    await expect(explanation.textContent()).resolves.not.toContain("最多可获批");
    await page.getByText("因此不提供申请表").waitFor();
    await expect(page.getByLabel("申请金额（元）").count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: "提交申请" }).count()).resolves.toBe(0);
    // The programme's description (申报指南) is there to read, as text with its line breaks kept.
    const guide = page.getByRole("region", { name: "申报指南" }).locator(".programme-guide");
    await expect(guide.evaluate((p) => [p.textContent?.split("\n").length, p.children.length, getComputedStyle(p).whiteSpace])).resolves.toEqual([4, 0, "pre-line"]);
    await expect(guide.textContent()).resolves.toContain("一、支持对象");
    await screenshots(page, "sme-apply-refused");

    const { body } = await api.get("/api/voucher-applications?programme_id=prg_demohangzhou");
    expect(body.items).toEqual([]);
  });

  const quantity = 8;
  const hours = 4;
  let expected: { gross_fen: number; subsidy_fen: number; copay_fen: number };
  let voucherId: string;
  let face_fen: number;

  it("with the voucher approved, the SME finds capacity, sees every term of the quote, books, and the voucher's hold grows", async () => {
    const { body: applications } = await api.get("/api/voucher-applications?programme_id=prg_demobeijing");
    voucherId = (await approveApplication(product.baseUrl, applications.items[0].id)).voucher.id;
    face_fen = 1_234_567;
    const offering = (await api.get("/api/offerings/off_demoascend")).body;
    const programme = (await api.get("/api/programmes/prg_demobeijing")).body;
    const gross_fen = offering.unit_price_fen * quantity * hours;
    const subsidy_fen = Math.floor((gross_fen * programme.rules.subsidy_ratio_bp) / 10_000);
    expected = { gross_fen, subsidy_fen, copay_fen: gross_fen - subsidy_fen };

    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "我的券" }).click();
    await heading(page, "我的券").waitFor();
    const voucherRow = page.getByRole("row").filter({ hasText: "北京算力券" });
    await voucherRow.waitFor();
    await expect(voucherRow.locator("td.num").allTextContents()).resolves.toEqual([yuan(face_fen), "¥0.00", "¥0.00", yuan(face_fen)]);
    await expect(voucherRow.textContent()).resolves.toMatch(/2026-12-31|还剩/);

    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "找算力" }).click();
    await heading(page, "找算力").waitFor();
    await page.getByLabel("资源类别").selectOption("compute");
    await page.getByLabel("卡数").fill(String(quantity));
    await page.getByLabel("时长（小时）").fill(String(hours));
    await page.getByLabel("最早开始（北京时间）").fill(`${beijingDay(2)}T09:00`);
    await page.getByLabel("最晚结束（北京时间）").fill(`${beijingDay(6)}T18:00`);
    await page.getByRole("button", { name: "搜索" }).click();

    const first = page.getByRole("row").filter({ hasText: "昇腾910B" });
    await first.waitFor();
    const cells = await first.locator("td.num").allTextContents();
    // Second: the demo's Hangzhou Hygon DCU card-hours (¥8, no Beijing subsidy) leave a smaller co-pay.
    expect(cells).toEqual(["2", `${quantity} 张卡`, yuan(expected.gross_fen), yuan(expected.subsidy_fen), yuan(expected.copay_fen)]);
    await expect(first.textContent()).resolves.toContain(`${beijingDay(2)} 09:00–13:00`);
    await screenshots(page, "sme-find-capacity");
    await first.getByRole("link", { name: /选择并报价/ }).click();

    await heading(page, /昇腾910B/).waitFor();
    const quote = page.getByRole("region", { name: "报价" });
    await quote.getByText("所选时段有足够的空闲数量").waitFor();
    await expect(figure(page, "总价")).resolves.toBe(yuan(expected.gross_fen));
    await expect(figure(page, "券补贴")).resolves.toBe(`\u2212${yuan(expected.subsidy_fen)}`);
    await expect(figure(page, "自付")).resolves.toBe(yuan(expected.copay_fen));
    const binding = quote.locator("dl.limits div.binding");
    await expect(binding.textContent()).resolves.toContain("按补贴比例");
    await expect(binding.textContent()).resolves.toContain("决定补贴额");
    const terms = await quote.textContent();
    expect(terms).toContain("企业年度补贴上限剩余");
    expect(terms).toContain(`券可用余额${yuan(face_fen)}`);
    expect(terms).toContain(`可用余额 ${yuan(face_fen)} → ${yuan(face_fen - expected.subsidy_fen)}`);
    expect(terms).toContain(`通用：先向服务商全额支付 ${yuan(expected.gross_fen)}`);
    await expect(page.getByLabel("使用券").inputValue()).resolves.toBe(voucherId);
    await screenshots(page, "sme-offering-quote");

    await page.getByRole("button", { name: "确认预约" }).click();
    const booked = page.locator(".booked");
    await booked.getByText("预约成功，已确认").waitFor();
    await expect(booked.textContent()).resolves.toContain(`自付 ${yuan(expected.copay_fen)}；券冻结 ${yuan(expected.subsidy_fen)}`);
    await screenshots(page, "sme-booked");

    await booked.getByRole("link", { name: "查看券余额" }).click();
    await heading(page, "券详情").waitFor();
    await expect(figure(page, "冻结")).resolves.toBe(`\u2212${yuan(expected.subsidy_fen)}`);
    await expect(figure(page, "可用")).resolves.toBe(yuan(face_fen - expected.subsidy_fen));
    const hold = page.getByRole("row").filter({ hasText: "预约冻结" });
    await expect(hold.locator("td.num").textContent()).resolves.toBe(`\u2212${yuan(expected.subsidy_fen)}`);
    await screenshots(page, "sme-voucher-held");

    const voucher = (await api.get(`/api/vouchers/${voucherId}`)).body;
    expect({ held: voucher.held_fen, available: voucher.available_fen }).toEqual({ held: expected.subsidy_fen, available: face_fen - expected.subsidy_fen });
  });

  /** Opens the offering with a request filled in, as a search option does. */
  async function openQuote(cards: number) {
    await page.goto(`/catalogue?id=off_demoascend&quantity=${cards}&start=${beijingDay(3)}T10:00:00%2B08:00&duration=${hours}&voucher=${voucherId}`);
    await heading(page, /昇腾910B/).waitFor();
    await page.getByRole("region", { name: "报价" }).getByText("所选时段有足够的空闲数量").waitFor();
  }

  const bookingCount = async () => (await api.get("/api/bookings?limit=100")).body.items.length as number;

  it("a booking submitted twice at once, or retried after its answer was lost, is made exactly once", async () => {
    const keys: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === "/api/bookings") keys.push(request.headers()["idempotency-key"] ?? "");
    });

    const before = await bookingCount();
    await openQuote(4);
    // Two clicks in one task, before the page can re-render the button as busy.
    await page.getByRole("button", { name: "确认预约" }).evaluate((button: HTMLButtonElement) => {
      button.click();
      button.click();
    });
    await page.locator(".booked").getByText("预约成功").waitFor();
    // Both clicks reached the server, with one key between them.
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    await expect(bookingCount()).resolves.toBe(before + 1);

    // The server books, but the answer never reaches the browser: the person presses again.
    keys.length = 0;
    await openQuote(2);
    await page.route("**/api/bookings", async (route) => {
      if (route.request().method() !== "POST") return route.fallback();
      await route.fetch();
      await route.abort("connectionreset");
    }, { times: 1 });
    await page.getByRole("button", { name: "确认预约" }).click();
    await page.getByRole("alert").filter({ hasText: "未收到服务器的答复，不确定是否已预约" }).waitFor();
    await screenshots(page, "sme-booking-lost-answer");
    await expect(bookingCount()).resolves.toBe(before + 2);
    await page.getByRole("button", { name: "确认预约" }).click();
    await page.locator(".booked").getByText("预约成功").waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    await expect(bookingCount()).resolves.toBe(before + 2);

    const { items } = (await api.get("/api/bookings?limit=100")).body;
    expect(items.filter((b: { quantity: number }) => b.quantity === 2)).toHaveLength(1);
    expect(items.filter((b: { quantity: number }) => b.quantity === 4)).toHaveLength(1);
  });

  it("cancelling a booking releases its hold back to the voucher", async () => {
    const heldBefore = (await api.get(`/api/vouchers/${voucherId}`)).body.held_fen as number;
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "我的预约" }).click();
    await heading(page, "我的预约").waitFor();
    await screenshots(page, "sme-bookings");
    const newest = (await api.get("/api/bookings?limit=1")).body.items[0];
    await page.getByRole("row").filter({ hasText: `2 张卡` }).getByRole("link").click();

    await heading(page, "预约详情").waitFor();
    await page.getByRole("list", { name: "状态进度" }).getByText("已提交").waitFor();
    // A booking that will take place goes into a calendar; a cancelled one is not offered there (below).
    await expect(page.getByRole("link", { name: "加入日历（.ics）" }).count()).resolves.toBe(1);
    await expect(page.getByRole("region", { name: "取消预约" }).textContent()).resolves.toContain("开始前随时可以取消");
    // One click only asks: it says what will happen, and nothing is cancelled until the second.
    await page.getByRole("button", { name: "取消预约…" }).click();
    const question = page.getByRole("group", { name: /请确认：此操作不能撤回/ });
    await expect(question.textContent()).resolves.toContain(`券冻结的补贴 ${yuan(newest.subsidy_fen)} 作废，退回券的可用余额`);
    await expect(question.textContent()).resolves.toContain(`自付部分 ${yuan(newest.copay_fen)} 不会收取`);
    await expect(page.evaluate(() => document.activeElement?.closest("[role=group]")?.className)).resolves.toBe("confirm-step");
    await screenshots(page, "sme-booking-cancel-confirm");
    expect((await api.get(`/api/bookings/${newest.id}`)).body.status).toBe(newest.status);
    await question.getByRole("button", { name: "确认取消预约" }).click();
    const ended = page.locator("ol.timeline li.ended");
    await ended.getByText("已取消").waitFor();
    await expect(ended.textContent()).resolves.toContain(`券冻结的 ${yuan(newest.subsidy_fen)} 已退回可用余额`);
    await expect(page.getByRole("link", { name: "加入日历（.ics）" }).count()).resolves.toBe(0);
    await screenshots(page, "sme-booking-cancelled");

    const after = (await api.get(`/api/vouchers/${voucherId}`)).body;
    expect(after.held_fen).toBe(heldBefore - newest.subsidy_fen);
    await page.getByRole("link", { name: /北京算力券/ }).first().click();
    await heading(page, "券详情").waitFor();
    await expect(figure(page, "冻结")).resolves.toBe(`\u2212${yuan(after.held_fen)}`);
    await expect(page.getByRole("row").filter({ hasText: "预约取消，解冻" }).locator("td.num").textContent()).resolves.toBe(`+${yuan(newest.subsidy_fen)}`);
  });

  it("a booking inside its offering's cancellation notice says it can no longer be cancelled, and by which rule", async () => {
    // H800 nodes need 12 hours' notice to book and 24 hours' notice to cancel.
    const start_ms = Math.ceil((Date.now() + 13 * 3_600_000) / 3_600_000) * 3_600_000;
    const made = await api.post(
      "/api/bookings",
      { offering_id: "off_demonodes", quantity: 1, starts_at: new Date(start_ms).toISOString(), ends_at: new Date(start_ms + 4 * 3_600_000).toISOString(), voucher_id: voucherId },
      `e2e-late-${start_ms}`,
    );
    expect(made.status).toBe(201);
    await page.goto(`/my-bookings?id=${made.body.id}`);
    await heading(page, "预约详情").waitFor();
    const cancel = page.getByRole("region", { name: "取消预约" });
    await cancel.getByText("已过取消期限，不能取消").waitFor();
    const deadline = new Date(start_ms - 24 * 3_600_000 + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
    await expect(cancel.textContent()).resolves.toContain(`须在开始前24小时以上取消；本预约的取消期限是 ${deadline}（北京时间）`);
    await expect(cancel.getByRole("button").count()).resolves.toBe(0);
    await expect(page.locator("ol.timeline li.current").textContent()).resolves.toContain("服务商须在");
    await screenshots(page, "sme-booking-too-late");
    // The API holds the same line.
    const refused = await api.post(`/api/bookings/${made.body.id}/cancel`, {}, `e2e-cancel-${start_ms}`);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: "cancellation_too_late" } } });
  });
});
