// Quoting and browsing as an enterprise, in Chromium against the real server with the demo
// data: a voucher the rules refuse is explained on the quote (and booking without it stays
// open), the quote reads in English, the catalogue filters, and a dataset's seats show by day.
import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/seed/demo";
import { MOBILE, screenshots } from "./support/browser";
import { Caller, smeWithVoucher } from "./support/sme";
import { beijingDay, figure, yuan } from "./support/sme-pages";
import { heading, stage } from "./support/stage";
import { signIn } from "./support/session";

const product = stage();
const tab = product.tab;

describe("refusals while booking", () => {
  it("a voucher refused for a related party is explained on the quote, and booking without it quotes full price", async () => {
    const sme = await smeWithVoucher(product.baseUrl, 100_000);
    const me = (await sme.api.get("/api/me")).body;
    const declared = await sme.api.post(`/api/organisations/${me.organisation.id}/related-parties`, { relation: "affiliate", party_name: "京算智算中心 Jingsuan AI Compute Centre" });
    expect(declared.status).toBe(201);

    const { page } = await tab(MOBILE);
    await page.goto(`/catalogue?id=off_demoascend&quantity=2&start=${beijingDay(4)}T09:00:00%2B08:00&duration=2&voucher=${sme.voucherId}`);
    await signIn(page, sme.email, sme.password);
    await heading(page, /昇腾910B/).waitFor();
    const refusal = page.getByRole("region", { name: "报价" }).getByRole("alert");
    await expect(refusal.textContent()).resolves.toContain("你与该服务商是关联方：你方申报其为关联方（京算智算中心 Jingsuan AI Compute Centre）");
    await screenshots(page, "sme-quote-related-party");
    const before = (await sme.api.get("/api/bookings")).body.items.length;
    await page.getByRole("button", { name: "确认预约" }).click();
    await page.locator(".form-failure").getByText("本项目的券不能用于关联方交易").waitFor();
    await expect(sme.api.get("/api/bookings").then((r) => r.body.items.length)).resolves.toBe(before);

    await page.getByLabel("使用券").selectOption("");
    await page.getByRole("region", { name: "报价" }).getByText("未使用券：按全价支付").waitFor();
    await expect(figure(page, "自付")).resolves.toBe(await figure(page, "总价"));

    // A free cell of the availability grid chooses the start, and the quote follows.
    const day = beijingDay(5);
    await page.getByRole("region", { name: "空闲情况" }).getByRole("button", { name: new RegExp(`^${day} 15:00：可预约`) }).click();
    await expect(page.getByLabel("开始日期（北京时间）").inputValue()).resolves.toBe(day);
    await expect(page.getByLabel("开始时间").inputValue()).resolves.toBe("15");
    await page.getByRole("button", { name: new RegExp(`^${day} 16:00：可预约`), pressed: true }).waitFor();
    await page.getByText(`可在 ${day} 15:00 前取消（北京时间）`).waitFor();
  });

  it("the quote and its terms read in English after the language toggle", async () => {
    const sme = await smeWithVoucher(product.baseUrl, 50_000);
    const { page } = await tab();
    await page.goto(`/catalogue?id=off_demoascend&quantity=1&start=${beijingDay(5)}T09:00:00%2B08:00&duration=3&voucher=${sme.voucherId}`);
    await signIn(page, sme.email, sme.password);
    await heading(page, /昇腾910B/).waitFor();
    await page.getByRole("button", { name: "English" }).click();
    const quote = page.getByRole("region", { name: "Quote" });
    await quote.getByText("The chosen range has enough free units.").waitFor();
    await expect(quote.textContent()).resolves.toContain("By the subsidy ratio");
    await expect(page.getByRole("region", { name: "Availability" }).getByRole("button", { name: /free$/ }).first().isVisible()).resolves.toBe(true);
    await screenshots(page, "sme-offering-english");
    await page.getByRole("button", { name: "中文" }).click();
  });
});

describe("browsing the catalogue", () => {
  it("filters offerings by category and domestic compute, and shows a dataset's free seats day by day", async () => {
    const { page } = await tab();
    await page.goto("/catalogue");
    await signIn(page, "xihu@demo.cn", DEMO_PASSWORD);
    await heading(page, "资源目录").waitFor();
    const names = () => page.getByRole("table").locator("tbody tr td:first-child a").allTextContents();
    // The demo's six: Ascend and H800 (Beijing), A800 (Shenzhen), Hygon DCU, traffic dataset and simulation (Hangzhou).
    await expect.poll(names).toHaveLength(6);

    await page.getByLabel("只看国产算力").check();
    await page.getByRole("button", { name: "筛选" }).click();
    await page.waitForURL("**/catalogue?domestic=true");
    await expect.poll(async () => (await names()).sort()).toEqual(["昇腾910B 智算卡时 Ascend 910B card-hours", "海光 DCU 国产算力卡时 Hygon DCU card-hours (domestic)"].sort());

    await page.getByLabel("只看国产算力").uncheck();
    await page.getByLabel("类别").selectOption("dataset");
    await page.getByRole("button", { name: "筛选" }).click();
    await page.waitForURL("**/catalogue?category=dataset");
    await expect.poll(names).toEqual(["城市交通影像数据集（可用不可见）Urban traffic imagery, sandbox only"]);
    await expect(page.getByRole("row").filter({ hasText: "城市交通" }).textContent()).resolves.toContain("可用不可见");
    await screenshots(page, "sme-catalogue");

    await page.getByRole("link", { name: /城市交通影像数据集/ }).click();
    await heading(page, /城市交通影像数据集/).waitFor();
    await expect(page.getByRole("region", { name: "资源信息" }).textContent()).resolves.toContain("沙箱内使用，可用不可见");
    const day = beijingDay(3);
    // The cell's name begins with what it shows: the day of the month, the weekday, the free count.
    await page.getByRole("region", { name: "空闲情况" }).getByRole("button", { name: new RegExp(`^${Number(day.slice(8))} 周. (\\d+)：${day} 可预约，空闲 \\1$`) }).click();
    await expect(page.getByLabel("开始日期（北京时间）").inputValue()).resolves.toBe(day);
    await expect(page.getByLabel("时长（天）").inputValue()).resolves.toBe("1");
    await page.getByRole("region", { name: "报价" }).getByText(`可在 ${day} 00:00 前取消（北京时间）`).waitFor();
    await page.getByRole("region", { name: "报价" }).getByText("未使用券：按全价支付").waitFor();
    const dataset = (await (await Caller.signIn(product.baseUrl, "xihu@demo.cn")).get("/api/offerings/off_demotraffic")).body;
    await expect(figure(page, "总价")).resolves.toBe(yuan(dataset.unit_price_fen));
    await screenshots(page, "sme-dataset-days");
  });
});
