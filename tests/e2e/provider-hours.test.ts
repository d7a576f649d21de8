// Opening hours over bookings, and the booking's history on the provider's desk, end to end: the
// provider narrows an offering's weekly hours past an enterprise's booking; the form names the
// booking in the way (enterprise, time, booking) and changes nothing; after ticking the
// confirmation the danger-styled button forces it, cancelling that booking (hold voided). The
// desk's page for one booking then shows its history by organisation names.
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/seed/demo";
import { apiSession, type ApiSession } from "./support/api";
import { uniqueSuffix } from "./support/data";
import { heading, stage } from "./support/stage";

const e2e = stage();
const DAY_MS = 86_400_000;
const WEEKDAY_LABELS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const EVERY_DAY = Object.fromEntries(["1", "2", "3", "4", "5", "6", "7"].map((d) => [d, [[8, 20]]]));

/** Three days from now at `hour`:00 Beijing time, as an ISO instant. */
function inThreeDays(hour: number): string {
  const date = new Date(Date.now() + 8 * 3_600_000 + 3 * DAY_MS).toISOString().slice(0, 10);
  return new Date(`${date}T${String(hour).padStart(2, "0")}:00:00+08:00`).toISOString();
}

interface BookingRecord {
  id: string;
  status: string;
  status_reason: string | null;
  subsidy_fen: number;
  voucher_id: string | null;
}

describe("opening hours over bookings, and the history on the provider's desk", () => {
  const offeringName = `E2E 开放时间 ${uniqueSuffix()}`;
  let sme: ApiSession;
  let provider: ApiSession;
  let offeringId = "";
  let morning: BookingRecord;
  let afternoon: BookingRecord;

  beforeAll(async () => {
    sme = await apiSession(e2e.product.baseUrl, "qiming@demo.cn", DEMO_PASSWORD);
    provider = await apiSession(e2e.product.baseUrl, "compute@demo.cn", DEMO_PASSWORD);
    const made = await provider.post<{ id: string }>("/api/offerings", {
      category: "compute",
      name: offeringName,
      unit: "card_hour",
      unit_price_fen: 1_000,
      capacity_units: 8,
      accelerator_model: "A800",
      cards_per_node: 8,
      domestic: false,
      weekly_hours: EVERY_DAY,
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    offeringId = made.body.id;
    const book = async (from: number, to: number) => {
      const res = await sme.post<BookingRecord>("/api/bookings", { offering_id: offeringId, quantity: 2, starts_at: inThreeDays(from), ends_at: inThreeDays(to), voucher_id: "vch_demobeijing" }, { "idempotency-key": `e2e-hours-${uniqueSuffix()}` });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };
    morning = await book(9, 11);
    afternoon = await book(14, 16);
    // The enterprise moves its afternoon booking an hour later: a change the history shows.
    const moved = await sme.post<BookingRecord>(`/api/bookings/${afternoon.id}/reschedule`, { starts_at: inThreeDays(15), ends_at: inThreeDays(17) }, { "idempotency-key": `e2e-hours-${uniqueSuffix()}` });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  });

  it("narrower hours are refused naming the booking in the way; forced after confirming, that booking is cancelled", async () => {
    const page = await e2e.signedIn("compute@demo.cn", `/provider/offerings?id=${offeringId}`);
    await heading(page, offeringName).waitFor();
    await page.getByRole("button", { name: "修改资源" }).click();
    const form = page.locator("form.offering-form");
    // Afternoons only: the 09:00–11:00 booking falls outside.
    for (const day of WEEKDAY_LABELS) await form.getByLabel(new RegExp(`^${day}`)).fill("13-20");
    await form.getByRole("button", { name: "保存修改" }).click();
    await form.getByRole("alert").filter({ hasText: "有 1 个预约与此变更冲突" }).waitFor();
    const inTheWay = form.getByRole("region", { name: "冲突的预约" });
    const row = inTheWay.getByRole("row").filter({ hasText: morning.id });
    await row.waitFor();
    // The enterprise by name, the time, the booking; the afternoon booking is not in the way.
    await expect(row.textContent()).resolves.toContain("启明智能科技 Qiming AI");
    await expect(row.textContent()).resolves.toMatch(/09:00/);
    await expect(inTheWay.getByRole("row").filter({ hasText: afternoon.id }).count()).resolves.toBe(0);
    expect((await provider.get<{ weekly_hours: unknown }>(`/api/offerings/${offeringId}`)).weekly_hours).toEqual(EVERY_DAY);
    expect((await provider.get<BookingRecord>(`/api/bookings/${morning.id}`)).status).toBe("confirmed");

    // The forced version only after the confirmation, on a danger-styled button.
    await expect(form.getByRole("button", { name: "强制保存并取消这些预约" }).count()).resolves.toBe(0);
    await inTheWay.getByLabel("我确认取消以上预约并强制执行").check();
    const force = form.getByRole("button", { name: "强制保存并取消这些预约" });
    await expect(force.getAttribute("class")).resolves.toContain("danger");
    await inTheWay.getByLabel("给企业的说明").fill("服务时间调整为下午 Service moves to afternoons");
    await force.click();
    await page.getByRole("status").filter({ hasText: "已保存，并取消了 1 个预约" }).waitFor();

    const cancelled = await provider.get<BookingRecord>(`/api/bookings/${morning.id}`);
    expect(cancelled).toMatchObject({ status: "cancelled", status_reason: "服务时间调整为下午 Service moves to afternoons" });
    expect((await provider.get<BookingRecord>(`/api/bookings/${afternoon.id}`)).status).toBe("confirmed");
    expect((await provider.get<{ weekly_hours: Record<string, number[][]> }>(`/api/offerings/${offeringId}`)).weekly_hours["1"]).toEqual([[13, 20]]);
    // The voucher holds exactly the live bookings' subsidies: the cancelled one's hold was voided.
    const voucher = await sme.get<{ held_fen: number }>("/api/vouchers/vch_demobeijing");
    const mine = await sme.get<{ items: BookingRecord[] }>("/api/bookings?limit=100");
    const live = mine.items.filter((b) => b.voucher_id === "vch_demobeijing" && ["requested", "confirmed", "in_use"].includes(b.status));
    expect(voucher.held_fen).toBe(live.reduce((sum, b) => sum + b.subsidy_fen, 0));
  });

  it("the provider's page for one booking shows its history by names: the reschedule, and the forced cancellation", async () => {
    const page = await e2e.signedIn("compute@demo.cn", `/provider/bookings?offering=${offeringId}&status=all`);
    await heading(page, "预约处理").waitFor();
    await page.getByRole("link", { name: `预约 ${afternoon.id} 的详情与状态记录` }).click();
    const history = page.getByRole("region", { name: "状态记录" });
    await history.getByRole("listitem").filter({ hasText: "改期" }).filter({ hasText: "启明智能科技 Qiming AI" }).waitFor();
    await expect(history.getByRole("listitem").filter({ hasText: "改期" }).textContent()).resolves.toMatch(/14:00.*→.*15:00/);

    await page.goto(`${e2e.product.baseUrl}/provider/bookings?id=${morning.id}`);
    const cancelledHistory = page.getByRole("region", { name: "状态记录" });
    const item = cancelledHistory.getByRole("listitem").filter({ hasText: "服务商取消" });
    await item.waitFor();
    await expect(item.textContent()).resolves.toContain("京算智算中心");
    await expect(item.textContent()).resolves.toContain("服务时间调整为下午");
    // Names, never the organisations' ids.
    await expect(cancelledHistory.textContent()).resolves.not.toMatch(/org_/);
  });
});
