// Changing a booking from its page, in Chromium against the real server with the demo data: the
// SME asks for an extension quote, sees the new total and co-pay before confirming, confirms, and
// the booking, its voucher hold and its status history follow; a reschedule likewise; the page
// offers the calendar file; the catalogue narrows to the offerings a voucher covers.
import { describe, expect, it } from "vitest";
import { smeWithVoucher } from "./support/sme";
import { beijingDay, yuan } from "./support/sme-pages";
import { heading, stage } from "./support/stage";
import { signIn } from "./support/session";

const product = stage();
const tab = product.tab;

describe("changing a booking from its page", () => {
  it("extends with the quote shown first, then reschedules; history, hold and calendar link follow", async () => {
    const sme = await smeWithVoucher(product.baseUrl, 100_000);
    const day = beijingDay(6);
    const made = await sme.api.post(
      "/api/bookings",
      { offering_id: "off_demoascend", quantity: 2, starts_at: `${day}T09:00:00+08:00`, ends_at: `${day}T11:00:00+08:00`, voucher_id: sme.voucherId },
      `e2e-change-${Date.now()}`,
    );
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const id = made.body.id as string;

    const { page } = await tab();
    await page.goto(`/my-bookings?id=${id}`);
    await signIn(page, sme.email, sme.password);
    await heading(page, "预约详情").waitFor();
    await expect(page.getByRole("link", { name: "加入日历（.ics）" }).getAttribute("href")).resolves.toBe(`/api/bookings/${id}/calendar.ics`);

    const extend = page.getByRole("form", { name: "延长预约" });
    await extend.getByLabel("新的结束（北京时间）").fill(`${day}T13:00`);
    await extend.getByRole("button", { name: "查看延长报价" }).click();
    const quote = page.getByRole("region", { name: "新报价" });
    await quote.waitFor();
    // 2 cards × 4 h × ¥12 = ¥96; nothing has changed yet.
    const total = quote.locator("dl.figures div").filter({ has: page.locator("dt", { hasText: "总价" }) }).locator("dd");
    await expect(total.textContent().then((t) => t?.trim())).resolves.toBe(yuan(9_600));
    await expect(sme.api.get(`/api/bookings/${id}`).then((r) => r.body.ends_at)).resolves.toBe(`${day}T11:00:00.000+08:00`);
    await page.getByRole("button", { name: "确认延长" }).click();
    await page.getByText("预约已延长").waitFor();
    const extended = (await sme.api.get(`/api/bookings/${id}`)).body;
    expect(extended).toMatchObject({ ends_at: `${day}T13:00:00.000+08:00`, gross_fen: 9_600 });
    const history = page.getByRole("region", { name: "状态记录" });
    await history.getByText("延长").waitFor();

    const reschedule = page.getByRole("form", { name: "改期" });
    await reschedule.getByLabel("新的开始（北京时间）").fill(`${day}T14:00`);
    await reschedule.getByLabel("新的结束（北京时间）").fill(`${day}T16:00`);
    await reschedule.getByRole("button", { name: "查看改期报价" }).click();
    await page.getByRole("region", { name: "新报价" }).waitFor();
    await page.getByRole("button", { name: "确认改期" }).click();
    await page.getByText("预约已改期").waitFor();
    const moved = (await sme.api.get(`/api/bookings/${id}`)).body;
    expect(moved).toMatchObject({ starts_at: `${day}T14:00:00.000+08:00`, ends_at: `${day}T16:00:00.000+08:00`, gross_fen: 4_800 });
    await history.getByText("改期").waitFor();
    const items = (await sme.api.get(`/api/bookings/${id}/history`)).body.items.map((e: { action: string }) => e.action);
    expect(items).toEqual(["booking.confirmed", "booking.extended", "booking.rescheduled"]);
  });

  it("narrows the catalogue to the offerings a voucher covers", async () => {
    const sme = await smeWithVoucher(product.baseUrl, 50_000);
    const { page } = await tab();
    await page.goto("/catalogue");
    await signIn(page, sme.email, sme.password);
    await heading(page, "资源目录").waitFor();
    const names = () => page.getByRole("table").locator("tbody tr td:first-child a").allTextContents();
    await expect.poll(names).toHaveLength(6);
    await page.getByLabel("我的券可用的资源").selectOption(sme.voucherId);
    await page.getByRole("button", { name: "筛选" }).click();
    await page.waitForURL(`**/catalogue?covered_by_voucher=${sme.voucherId}`);
    const covered = (await sme.api.get(`/api/offerings?covered_by_voucher=${sme.voucherId}`)).body.items.map((o: { name: string }) => o.name);
    expect(covered.length).toBeGreaterThan(0);
    expect(covered.length).toBeLessThan(6);
    await expect.poll(async () => (await names()).sort()).toEqual([...covered].sort());
  });
});
