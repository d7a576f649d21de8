// Setup for offering, quote, search and booking tests: offerings published through the API by
// approved providers, bookings made with fresh Idempotency-Keys, and direct reads of the slot
// counters and holds a test asserts on. Model names carry a unique suffix, so searches on a
// database shared with other test files (D1) only match this file's offerings.
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, expect } from "vitest";
import { createHarness } from "#harness";
import { accountIds } from "../../src/db/accounts";
import type { ProgrammeRules } from "../../src/domain/programme-rules";
import type { ApiResponse, TestClient } from "./client";
import { createAgency, signUpProvider, signUpSme, uniqueSuffix, type Approver, type SignedIn, type SignupOverrides } from "./fixtures";
import type { Harness } from "./harness-types";
import { createProgramme, expectLedgerConsistent, issueVoucher, moneyPost, type Agency } from "./programmes";

/** Monday 2 March 2026, 08:00 in Asia/Shanghai: tests pin the clock so weekdays and hours are known. */
export const MONDAY_8AM = Date.parse("2026-03-02T08:00:00+08:00");

/** An instant written as people in China read it: "2026-03-02T10:00" → +08:00. */
export const cst = (local: string) => `${local}:00+08:00`;

/** A booking's range in Beijing time: range("2026-03-03T10:00", "2026-03-03T12:00"). */
export const range = (from: string, to: string) => ({ starts_at: cst(from), ends_at: cst(to) });

/**
 * Where most booking tests start: Monday 08:00 Beijing time, an agency, an approved provider and
 * an SME. The clock goes back to Monday 08:00 before each test; the ledger is checked after it.
 */
export async function bookingScene() {
  const harness = await createHarness();
  harness.clock.now = MONDAY_8AM;
  const agency = await createAgency(harness);
  const provider = await approvedProvider(harness, {}, [agency]);
  const sme = await signUpSme(harness);
  beforeEach(() => {
    harness.clock.now = MONDAY_8AM;
  });
  afterEach(() => expectLedgerConsistent(harness));
  return { harness, agency, provider, sme };
}

export const uniqueModel = (base: string) => `${base} ${uniqueSuffix()}`;

export function computeBody(overrides: Record<string, unknown> = {}) {
  return {
    category: "compute",
    name: `昇腾910B 算力 Ascend 910B cards ${uniqueSuffix()}`,
    unit: "card_hour",
    unit_price_fen: 1_000,
    capacity_units: 8,
    accelerator_model: uniqueModel("Ascend 910B"),
    cards_per_node: 8,
    domestic: true,
    ...overrides,
  };
}

export function datasetBody(overrides: Record<string, unknown> = {}) {
  return {
    category: "dataset",
    name: `医疗影像训练集 Medical imaging set ${uniqueSuffix()}`,
    unit: "seat_day",
    unit_price_fen: 50_000,
    capacity_units: 5,
    licence_terms: "仅限模型训练，不得导出原始数据 / Training only; raw data may not leave the sandbox",
    access_mode: "sandbox",
    sensitivity_level: "sensitive",
    ...overrides,
  };
}

/** A provider approved by these agencies (by default the harness's own approver). */
export async function approvedProvider(harness: Harness, overrides: SignupOverrides = {}, approvedBy?: readonly Approver[]): Promise<SignedIn> {
  return signUpProvider(harness, { approved: true, ...overrides, ...(approvedBy ? { approvedBy } : {}) });
}

/** Publishes through the API; fails the test with the answer if refused. */
export async function publish(provider: SignedIn, body: Record<string, unknown>) {
  const res = await provider.client.post("/api/offerings", body);
  if (res.status !== 201) throw new Error(`publishing failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; [key: string]: any };
}

export interface BookingRequest {
  offering_id: string;
  quantity: number;
  starts_at: string;
  ends_at: string;
  voucher_id?: string;
}

export const book = (client: TestClient, body: BookingRequest & Record<string, unknown>, key?: string) => moneyPost(client, "/api/bookings", body, key);

/** A booking that must succeed; returns it. */
export async function booked(client: TestClient, body: BookingRequest & Record<string, unknown>) {
  const res = await book(client, body);
  if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; [key: string]: any };
}

/** A refusal: the status, and an error code a program can act on with a "中文 / English" message. */
export function expectRefusal(res: ApiResponse, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message).toMatch(/[\u4e00-\u9fff].*\/.*[A-Za-z]/);
}

export interface SlotCounter {
  slot_start_at: number;
  booked_units: number;
  capacity_units: number;
  blocked: number;
}

export function slotCounters(harness: Harness, offeringId: string): Promise<SlotCounter[]> {
  return harness.store.all<SlotCounter>(
    sql`SELECT slot_start_at, booked_units, capacity_units, blocked FROM slot_usage WHERE offering_id = ${offeringId} ORDER BY slot_start_at`,
  );
}

/** The booked units per slot as { "2026-03-02T10:00": 3, … } (Asia/Shanghai), for readable assertions. */
export async function bookedBySlot(harness: Harness, offeringId: string): Promise<Record<string, number>> {
  const rows = await slotCounters(harness, offeringId);
  return Object.fromEntries(
    rows.filter((r) => r.booked_units > 0).map((r) => [new Date(r.slot_start_at + 8 * 3_600_000).toISOString().slice(0, 16), r.booked_units]),
  );
}

/** A voucher's available balance straight from its ledger account. */
export async function voucherAvailableFen(harness: Harness, voucherId: string): Promise<number> {
  const [row] = await harness.store.all<{ available: number }>(
    sql`SELECT credits_posted_fen - debits_posted_fen - debits_pending_fen AS available FROM ledger_accounts WHERE id = ${accountIds.voucher(voucherId)}`,
  );
  return Number(row?.available);
}

export function transfersOf(harness: Harness, bookingId: string) {
  return harness.store.all<{ id: string; kind: string; code: string; amount_fen: number }>(
    sql`SELECT id, kind, code, amount_fen FROM ledger_transfers WHERE subject_id = ${bookingId} ORDER BY created_at, id`,
  );
}

export interface Market {
  agency: Agency;
  programme: { id: string; [key: string]: any };
  sme: SignedIn;
  voucher: { id: string; [key: string]: any };
  provider: SignedIn;
}

/** An agency's open programme, a Beijing SME holding a voucher from it, and an approved Beijing provider. */
export async function voucherMarket(
  harness: Harness,
  options: { agency?: Agency; rules?: Partial<ProgrammeRules>; face_fen?: number; sme?: SignupOverrides; provider?: SignupOverrides } = {},
): Promise<Market> {
  const agency = options.agency ?? (await createAgency(harness));
  const programme = await createProgramme(harness, agency, { rules: { eligible_categories: ["compute", "dataset", "simulation", "platform_service"], ...options.rules } });
  const sme = await signUpSme(harness, options.sme);
  const { voucher } = await issueVoucher(agency, sme, programme.id, options.face_fen ?? 1_000_000);
  const provider = await approvedProvider(harness, options.provider, [agency]);
  return { agency, programme, sme, voucher, provider };
}
