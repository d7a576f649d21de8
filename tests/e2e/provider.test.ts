// The provider's pages end to end, with an enterprise booking through the API meanwhile: publish
// a compute offering, maintenance that collides with bookings (refused, then forced), and the
// booking desk from confirmation to delivery. The server's clock moves forward so a booking
// made for the next hour can start; the agency meanwhile cannot revoke the voucher it draws on.
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/seed/demo";
import { apiSession, type ApiSession } from "./support/api";
import { MOBILE, screenshots } from "./support/browser";
import { startClockedProduct } from "./support/clock";
import { uniqueSuffix } from "./support/data";
import { beijingMinutes } from "./support/session";
import { heading, stage } from "./support/stage";

const e2e = stage(startClockedProduct);

const HOUR_MS = 3_600_000;
/** "2026-11-23T09:00", the value a datetime-local field takes, in Beijing time. */
const beijingLocal = (at_ms: number) => new Date(at_ms + 8 * HOUR_MS).toISOString().slice(0, 16);
/** The Shanghai calendar days [from, to) touches (UTC+8, no daylight saving). */
const shanghaiDays = (from: number, to: number) => Math.floor((to - 1 + 8 * HOUR_MS) / (24 * HOUR_MS)) - Math.floor((from + 8 * HOUR_MS) / (24 * HOUR_MS)) + 1;

interface BookingRecord {
  id: string;
  status: string;
  status_reason: string | null;
  starts_at: string;
  gross_fen: number;
  subsidy_fen: number;
  delivered_subsidy_fen: number | null;
  delivered_gross_fen: number | null;
  delivered_copay_fen: number | null;
  confirmation_state: string | null;
}

describe("provider pages", () => {
  const offeringName = `E2E A800 卡时 ${uniqueSuffix()}`;
  // The next whole hour: the enterprise books from then, so the booking can start within the test.
  const startsAt = Math.ceil(Date.now() / HOUR_MS) * HOUR_MS;
  let offeringId = "";
  let sme: ApiSession;
  let provider: ApiSession;
  let soon: BookingRecord;
  let later: BookingRecord;

  beforeAll(async () => {
    sme = await apiSession(e2e.product.baseUrl, "qiming@demo.cn", DEMO_PASSWORD);
    provider = await apiSession(e2e.product.baseUrl, "compute@demo.cn", DEMO_PASSWORD);
  });

  const book = async (fromMs: number, hours: number) => {
    const body = { offering_id: offeringId, quantity: 4, starts_at: new Date(fromMs).toISOString(), ends_at: new Date(fromMs + hours * HOUR_MS).toISOString(), voucher_id: "vch_demobeijing" };
    const made = await sme.post<BookingRecord>("/api/bookings", body, { "idempotency-key": `e2e-book-${uniqueSuffix()}` });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body;
  };

  it("a provider publishes a compute offering with its accelerator and price in yuan", async () => {
    const page = await e2e.signedIn("compute@demo.cn", "/provider/offerings");
    await heading(page, "我的资源").waitFor();
    await page.getByRole("link", { name: "发布新资源" }).click();
    await heading(page, "发布新资源").waitFor();
    await page.getByLabel("名称", { exact: true }).fill(offeringName);
    await page.getByLabel("加速卡型号").fill("A800");
    await page.getByLabel("每节点卡数").fill("8");
    await page.getByLabel(/^单价/).fill("10.5");
    await page.getByLabel(/^同时可用数量/).fill("8");
    await page.getByLabel(/^最长预约/).fill("72");
    await screenshots(page, "provider-offering-form");
    await page.getByRole("button", { name: "发布资源" }).click();

    await heading(page, offeringName).waitFor();
    await page.getByRole("status").filter({ hasText: "资源已发布" }).waitFor();
    offeringId = new URL(page.url()).searchParams.get("id") as string;
    const published = await provider.get<{ unit: string; unit_price_fen: number; capacity_units: number; accelerator_model: string; cards_per_node: number; domestic: boolean; requires_confirmation: boolean }>(`/api/offerings/${offeringId}`);
    expect(published).toMatchObject({ unit: "card_hour", unit_price_fen: 1050, capacity_units: 8, accelerator_model: "A800", cards_per_node: 8, domestic: false, requires_confirmation: true });
  });

  it("maintenance over a booking is refused naming it; forced, it cancels that booking and voids its hold", async () => {
    soon = await book(startsAt, 2);
    later = await book(startsAt + 48 * HOUR_MS, 2);
    expect([soon.status, soon.gross_fen, soon.subsidy_fen]).toEqual(["requested", 8400, 1680]);

    const page = await e2e.signedIn("compute@demo.cn", `/provider/offerings?id=${offeringId}`);
    const maintenance = page.getByRole("form", { name: "安排维护" });
    await maintenance.getByLabel("开始时间").fill(beijingLocal(startsAt + HOUR_MS));
    await maintenance.getByLabel("结束时间").fill(beijingLocal(startsAt + 2 * HOUR_MS));
    await maintenance.getByLabel("原因").fill("更换交换机 Switch replacement");
    await maintenance.getByRole("button", { name: "安排维护" }).click();
    await maintenance.getByRole("alert").filter({ hasText: "有 1 个预约与此变更冲突" }).waitFor();
    const inTheWay = maintenance.getByRole("region", { name: "冲突的预约" });
    await expect(inTheWay.getByRole("row").filter({ hasText: soon.id }).count()).resolves.toBe(1);
    await inTheWay.getByText("强制执行将取消以上全部预约").waitFor();
    await screenshots(page, "provider-blackout-in-the-way");

    // Not forced: the booking stands. Maintenance over the later booking is forced through.
    await maintenance.getByLabel("开始时间").fill(beijingLocal(startsAt + 48 * HOUR_MS));
    await maintenance.getByLabel("结束时间").fill(beijingLocal(startsAt + 49 * HOUR_MS));
    await maintenance.getByRole("button", { name: "安排维护" }).click();
    await inTheWay.getByRole("row").filter({ hasText: later.id }).waitFor();
    // The enterprise by name, not its id.
    await expect(inTheWay.getByRole("row").filter({ hasText: later.id }).textContent()).resolves.toContain("启明智能科技 Qiming AI");
    await maintenance.getByLabel("我确认取消以上预约并强制执行").check();
    await maintenance.getByLabel("给企业的说明").fill("机房电力检修，敬请谅解 Power maintenance, sorry");
    await maintenance.getByRole("button", { name: "强制执行并取消这些预约" }).click();
    // The outcome is said above the list of windows (the form itself resets).
    await page.getByRole("region", { name: "停机维护" }).getByRole("status").filter({ hasText: "已安排维护，期间不接受预约，并取消了 1 个预约" }).waitFor();
    await page.getByRole("region", { name: "停机维护" }).getByRole("row").filter({ hasText: "更换交换机" }).waitFor();

    const [stands, cancelled] = await Promise.all([soon, later].map((b) => provider.get<BookingRecord>(`/api/bookings/${b.id}`)));
    expect(stands?.status).toBe("requested");
    expect(cancelled).toMatchObject({ status: "cancelled", status_reason: "机房电力检修，敬请谅解 Power maintenance, sorry" });
    const voucher = await sme.get<{ held_fen: number }>("/api/vouchers/vch_demobeijing");
    const holds = await sme.get<{ items: { status: string; subsidy_fen: number; voucher_id: string | null }[] }>("/api/bookings?limit=100");
    const live = holds.items.filter((b) => b.voucher_id === "vch_demobeijing" && ["requested", "confirmed", "in_use"].includes(b.status));
    expect(voucher.held_fen).toBe(live.reduce((sum, b) => sum + b.subsidy_fen, 0));
  });

  it("the provider confirms and starts a booking, uploads its usage, and delivers it settled on what was metered; the agency cannot revoke its voucher meanwhile", { timeout: 150_000 }, async () => {
    const page = await e2e.signedIn("compute@demo.cn", "/provider/bookings", MOBILE);
    await heading(page, "预约处理").waitFor();
    await page.getByRole("button", { name: `确认 ${soon.id}` }).click();
    // What the desk says it did names the booking as its row does (offering, enterprise, start), not by its id.
    const named = `${offeringName}（启明智能科技 Qiming AI，${beijingMinutes(soon.starts_at)} 开始）`;
    const confirmed = page.getByRole("status").filter({ hasText: `已确认预约：${named}` });
    await confirmed.waitFor();
    await expect(confirmed.textContent()).resolves.not.toContain(soon.id);

    await page.getByRole("navigation", { name: "按状态筛选" }).getByRole("link", { name: "已确认" }).click();
    // Before its start the desk offers no "mark in use", and says from when it will.
    const row = page.getByRole("row").filter({ hasText: soon.id });
    await row.getByText("开始时间到后可标记使用中").waitFor();
    await expect(row.getByRole("button", { name: `开始使用 ${soon.id}` }).count()).resolves.toBe(0);

    await e2e.product.advance(startsAt - Date.now() + 60_000);
    await page.reload();
    await page.getByRole("button", { name: `开始使用 ${soon.id}` }).click();
    await page.getByRole("status").filter({ hasText: `已开始使用：${named}` }).waitFor();

    const agency = await e2e.signedIn("reviewer@demo.cn", "/agency/vouchers?id=vch_demobeijing");
    await agency.getByLabel("撤销原因").fill("抽查发现材料不实 Spot check found false documents");
    await agency.getByRole("button", { name: "撤销此券…" }).click();
    await agency.getByRole("group", { name: /请确认/ }).getByText("尚未开始的预约将被取消").waitFor();
    await agency.getByRole("button", { name: "确认撤销此券" }).click();
    await agency.getByRole("alert").filter({ hasText: "交付后才能撤销" }).waitFor();
    await agency.getByRole("table", { name: /正在使用此券的预约/ }).getByRole("row").filter({ hasText: soon.id }).waitFor();
    await screenshots(agency, "agency-revoke-refused-in-service");

    // An hour of service passes; the provider reports it through the usage page, first with a
    // file whose second row is wrong (nothing recorded, that line named), then the right file.
    await e2e.product.advance(HOUR_MS);
    const usagePage = await e2e.signedIn("compute@demo.cn", "/provider/usage");
    await heading(usagePage, "用量上报").waitFor();
    const period = `${new Date(startsAt).toISOString()},${new Date(startsAt + HOUR_MS).toISOString()}`;
    const csv = (rows: string[]) => ({ name: "usage.csv", mimeType: "text/csv", buffer: Buffer.from(["event_id,booking_id,period_start,period_end,quantity", ...rows].join("\n")) });
    const upload = usagePage.getByRole("form", { name: "上传用量文件" });
    await upload.getByLabel("用量文件").setInputFiles(csv([`job-${soon.id}-a,${soon.id},${period},2.5`, `job-${soon.id}-b,${soon.id},${period},1.2345`]));
    await upload.getByRole("button", { name: "上传" }).click();
    await usagePage.getByRole("alert").filter({ hasText: "未记录任何用量" }).waitFor();
    const badRows = usagePage.getByRole("table", { name: /有误的行/ });
    await badRows.getByRole("row").filter({ hasText: "3" }).filter({ hasText: "quantity" }).waitFor();
    await screenshots(usagePage, "provider-usage-bad-file");
    expect((await provider.get<{ metered_milli: number }>(`/api/bookings/${soon.id}/usage`)).metered_milli).toBe(0);

    await upload.getByLabel("格式").selectOption("csv");
    await upload.getByLabel("用量文件").setInputFiles(csv([`job-${soon.id}-a,${soon.id},${period},2.5`, `job-${soon.id}-b,${soon.id},${period},1.5`]));
    await upload.getByRole("button", { name: "上传" }).click();
    await usagePage.getByRole("status").filter({ hasText: "新记录 2 条，重复 0 条，拒绝 0 条" }).waitFor();
    await screenshots(usagePage, "provider-usage-uploaded");
    const metered = await provider.get<{ metered_milli: number; days: { metered_milli: number }[] }>(`/api/bookings/${soon.id}/usage`);
    // All of it on the Shanghai day the booking started (the usage is in its first hour); a booking
    // that runs past midnight there lists its second day too, with nothing metered on it.
    expect(metered.metered_milli).toBe(4000);
    expect(metered.days.map((d) => d.metered_milli)).toEqual([4000, ...metered.days.slice(1).map(() => 0)]);
    expect(metered.days.length).toBe(shanghaiDays(startsAt, startsAt + 2 * HOUR_MS));

    // Delivery settles on the 4 card-hours metered: ¥42 at ¥10.50, a 20% subsidy of ¥8.40.
    await page.getByRole("navigation", { name: "按状态筛选" }).getByRole("link", { name: "使用中" }).click();
    await page.getByRole("button", { name: `交付 ${soon.id}` }).click();
    const delivery = page.getByRole("form", { name: `确认交付 ${soon.id}` });
    await delivery.getByText("计量用量 4 卡时，预约 8 卡时").waitFor();
    await delivery.getByText("按计量用量结算：总价 ¥42.00，补贴 ¥8.40，退回券内 ¥8.40，企业应付 ¥33.60").waitFor();
    await screenshots(page, "provider-deliver");
    await delivery.getByRole("button", { name: "确认交付" }).click();
    await page.getByRole("status").filter({ hasText: `已交付：${named}；补贴结算 ¥8.40` }).waitFor();

    const delivered = await provider.get<BookingRecord>(`/api/bookings/${soon.id}`);
    expect([delivered.status, delivered.delivered_gross_fen, delivered.delivered_subsidy_fen, delivered.delivered_copay_fen]).toEqual(["delivered", 4200, 840, 3360]);
    await page.getByRole("navigation", { name: "按状态筛选" }).getByRole("link", { name: "已交付" }).click();
    await page.getByRole("row").filter({ hasText: soon.id }).filter({ hasText: "¥8.40" }).waitFor();
    await screenshots(page, "provider-desk-delivered");
  });

  it("the enterprise sees the delivery beside its quote and the metered usage by day, and confirms it", async () => {
    const page = await e2e.signedIn("qiming@demo.cn", `/my-bookings?id=${soon.id}`);
    const section = page.getByRole("region", { name: "用量与交付" });
    const compared = section.getByRole("table", { name: "报价与交付对比" });
    await compared.getByRole("row").filter({ hasText: "总价" }).filter({ hasText: "¥84.00" }).filter({ hasText: "¥42.00" }).waitFor();
    await compared.getByRole("row").filter({ hasText: "券补贴" }).filter({ hasText: "¥16.80" }).filter({ hasText: "¥8.40" }).waitFor();
    await compared.getByRole("row").filter({ hasText: "自付" }).filter({ hasText: "¥67.20" }).filter({ hasText: "¥33.60" }).waitFor();
    await section.getByRole("table", { name: /每日用量/ }).getByRole("row").filter({ hasText: "4" }).first().waitFor();
    await section.getByText("待确认").waitFor();
    await screenshots(page, "sme-delivery-confirm");
    await section.getByRole("button", { name: "确认交付无误" }).click();
    await section.getByText("已确认", { exact: true }).waitFor();
    const confirmed = await sme.get<BookingRecord>(`/api/bookings/${soon.id}`);
    expect(confirmed.confirmation_state).toBe("confirmed");
  });
});
