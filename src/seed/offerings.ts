// Demo offerings of the two demo providers, a maintenance window, and a few bookings made the
// way the API makes them (priced by planBooking, written by createBookingStatements), so the
// voucher holds and slot counters are real from the first start.
import { eq } from "drizzle-orm";
import { commitAs } from "../db/atomic";
import { blackouts, offerings, organisations, users, type Offering } from "../db/schema";
import type { Store } from "../db/store";
import { slotFloor } from "../domain/slots";
import type { Actor } from "../lib/context";
import { AppError } from "../lib/errors";
import { DAY_MS, HOUR_MS } from "../lib/time";
import { planBooking, type BookingInput } from "../services/booking-plan";
import { createBookingStatements } from "../services/bookings";
import { blockSlots } from "../services/capacity";
import type { DEMO } from "./demo";

export const DEMO_OFFERINGS = {
  ascend: "off_demoascend",
  nodes: "off_demonodes",
  traffic: "off_demotraffic",
  simulation: "off_demosim",
  /** In Shenzhen (440305): the Shenzhen voucher covers it, so the start-up 60 % tier shows. */
  shenzhen: "off_demoszgpu",
  /** Domestic compute in Hangzhou (330106): the Hangzhou voucher's 30 % domestic tier shows. */
  hangzhou: "off_demohzdcu",
} as const;

const weekdays = (from: number, to: number) => Object.fromEntries(["1", "2", "3", "4", "5"].map((d) => [d, [[from, to]]]));

function demoOfferings(ids: typeof DEMO, now: number): Offering[] {
  const base = { description: "", status: "active" as const, min_duration_units: 1, lead_time_minutes: 0, cancellation_notice_minutes: 0, weekly_hours_json: null, domestic: false, accelerator_model: null, cards_per_node: null, licence_terms: null, access_mode: null, sensitivity_level: null, created_at: now, updated_at: now };
  const hourly = { unit_minutes: 60, slot_minutes: 60, max_duration_units: 24 * 31 };
  return [
    { ...base, ...hourly, id: DEMO_OFFERINGS.ascend, provider_org_id: ids.providerCompute, region_code: "110108", category: "compute", name: "昇腾910B 智算卡时 Ascend 910B card-hours", description: "国产算力，8卡/节点，RoCE 互联 / Domestic accelerators, 8 cards per node, RoCE fabric", unit: "card_hour", unit_price_fen: 1_200, capacity_units: 64, requires_confirmation: false, domestic: true, accelerator_model: "Ascend 910B", cards_per_node: 8 },
    { ...base, ...hourly, id: DEMO_OFFERINGS.nodes, provider_org_id: ids.providerCompute, region_code: "110108", category: "compute", name: "H800 八卡节点 H800 8-card node-hours", unit: "node_hour", unit_price_fen: 16_000, capacity_units: 4, min_duration_units: 4, lead_time_minutes: 12 * 60, cancellation_notice_minutes: 24 * 60, requires_confirmation: true, accelerator_model: "H800", cards_per_node: 8 },
    { ...base, id: DEMO_OFFERINGS.traffic, provider_org_id: ids.providerData, region_code: "330106", category: "dataset", name: "城市交通影像数据集（可用不可见）Urban traffic imagery, sandbox only", description: "在隐私计算沙箱内训练，原始数据不出域 / Train inside the privacy-computing sandbox; raw data never leaves", unit: "seat_day", unit_minutes: 1440, slot_minutes: 1440, max_duration_units: 90, unit_price_fen: 50_000, capacity_units: 10, requires_confirmation: true, licence_terms: "仅限模型训练；不得导出、复制或再识别原始数据 / Model training only; no export, copying or re-identification of raw data", access_mode: "sandbox", sensitivity_level: "sensitive" },
    { ...base, ...hourly, id: DEMO_OFFERINGS.shenzhen, provider_org_id: ids.providerShenzhen, region_code: "440305", category: "compute", name: "A800 训练卡时 A800 training card-hours", description: "深圳南山机房，8卡/节点 / Nanshan, Shenzhen site, 8 cards per node", unit: "card_hour", unit_price_fen: 1_800, capacity_units: 32, requires_confirmation: false, accelerator_model: "A800", cards_per_node: 8 },
    { ...base, ...hourly, id: DEMO_OFFERINGS.hangzhou, provider_org_id: ids.providerData, region_code: "330106", category: "compute", name: "海光 DCU 国产算力卡时 Hygon DCU card-hours (domestic)", description: "杭州西湖机房，国产加速卡 / Hangzhou Xihu site, domestic accelerators", unit: "card_hour", unit_price_fen: 800, capacity_units: 32, requires_confirmation: false, domestic: true, accelerator_model: "Hygon DCU K100", cards_per_node: 8 },
    { ...base, ...hourly, id: DEMO_OFFERINGS.simulation, provider_org_id: ids.providerData, region_code: "330106", category: "simulation", name: "自动驾驶仿真平台 Driving simulation platform", unit: "session_hour", unit_price_fen: 30_000, capacity_units: 4, requires_confirmation: false, weekly_hours_json: JSON.stringify(weekdays(8, 22)) },
  ];
}

async function actorFor(store: Store, orgId: string): Promise<Actor> {
  const [org] = await store.db.select().from(organisations).where(eq(organisations.id, orgId));
  const [user] = await store.db.select().from(users).where(eq(users.org_id, orgId)).limit(1);
  if (!org || !user) throw new Error(`demo organisation ${orgId} has no user`);
  return { org, user, sessionId: "seed", sessionExpiresAt: 0 };
}

/** Books as the API would; a voucher that cannot pay (e.g. expiring before the booking ends) is left out. */
async function seedBooking(store: Store, who: Actor, input: BookingInput, id: string, now: number) {
  const plan = await planBooking(store, who, input, now).catch((error: unknown) => {
    if (error instanceof AppError && input.voucher_id) return planBooking(store, who, { ...input, voucher_id: null }, now);
    throw error;
  });
  const made = createBookingStatements(store, plan, input, { user_id: who.user.id, org_id: who.org.id }, id, now);
  await commitAs(store, { at: now, request_id: "seed", actor_user_id: who.user.id, actor_org_id: who.org.id }, made.statements, made.events);
}

export async function seedDemoOfferings(store: Store, ids: typeof DEMO, vouchers: { beijing: string }, now: number): Promise<void> {
  const meta = { at: now, request_id: "seed", actor_user_id: null, actor_org_id: null };
  const rows = demoOfferings(ids, now);
  const tomorrow = slotFloor(now, 1440) + DAY_MS;
  // H800 maintenance: a week from today, 02:00–06:00 Asia/Shanghai.
  const maintenance = { id: "blk_demonodes", offering_id: DEMO_OFFERINGS.nodes, starts_at: tomorrow + 6 * DAY_MS + 2 * HOUR_MS, ends_at: tomorrow + 6 * DAY_MS + 6 * HOUR_MS, reason: "季度维护 Quarterly maintenance", created_at: now };
  await commitAs(
    store,
    meta,
    [...rows.map((row) => store.db.insert(offerings).values(row)), store.db.insert(blackouts).values(maintenance), blockSlots(maintenance.offering_id, maintenance.starts_at, maintenance.ends_at, 60)],
    rows.map((row) => ({ action: "offering.seeded", subject_type: "offering", subject_id: row.id, after: row })),
  );
  const qiming = await actorFor(store, ids.smeBeijing);
  const xihu = await actorFor(store, ids.smeHangzhou);
  await seedBooking(store, qiming, { offering_id: DEMO_OFFERINGS.ascend, quantity: 16, starts_at: tomorrow + 9 * HOUR_MS, ends_at: tomorrow + 17 * HOUR_MS, voucher_id: vouchers.beijing }, "bkg_demoascend", now);
  await seedBooking(store, qiming, { offering_id: DEMO_OFFERINGS.nodes, quantity: 2, starts_at: tomorrow + DAY_MS + 9 * HOUR_MS, ends_at: tomorrow + DAY_MS + 13 * HOUR_MS, voucher_id: vouchers.beijing }, "bkg_demonodes", now);
  await seedBooking(store, xihu, { offering_id: DEMO_OFFERINGS.traffic, quantity: 2, starts_at: tomorrow, ends_at: tomorrow + 3 * DAY_MS, voucher_id: null }, "bkg_demotraffic", now);
}
