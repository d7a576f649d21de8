// Setup shared by tests of programmes, applications, vouchers and the ledger: programmes created
// and vouchers issued through the real API, and the invariant check every scenario ends with.
import { expect } from "vitest";
import type { ProgrammeRules } from "../../src/domain/programme-rules";
import { randomBase32 } from "../../src/lib/ids";
import { DAY_MS, shanghaiDate } from "../../src/lib/time";
import { formatReport, verifyLedger } from "../../src/services/verify";
import type { TestClient } from "./client";
import { createAgency, signUpSme, type SignupOverrides } from "./fixtures";
import type { Harness } from "./harness-types";

export const idempotencyKey = (label = "key") => `${label}-${randomBase32(10)}`;

/** Sends a money-moving POST with a fresh Idempotency-Key (or the one given). */
export function moneyPost(client: TestClient, path: string, body: unknown, key = idempotencyKey()) {
  return client.post(path, body, { "Idempotency-Key": key });
}

/** Plain rules a test can vary: Beijing SMEs, 20%, generous caps, a window around the clock. */
export function testRules(harness: Harness, overrides: Partial<ProgrammeRules> = {}): ProgrammeRules {
  return {
    eligible_categories: ["compute"],
    eligible_region_prefixes: ["11"],
    cross_region: false,
    eligible_size_classes: ["micro", "small", "medium"],
    subsidy_ratio_bp: 2000,
    tiers: [],
    per_booking_cap_fen: null,
    annual_issuance_quota_fen: 200_000_000,
    annual_subsidy_cap_fen: 200_000_000,
    full_coverage_threshold_fen: 0,
    max_voucher_fen: 50_000_000,
    validity: { kind: "days_from_issue", days: 365 },
    settlement_mode: "tongdui",
    application_opens_on: shanghaiDate(harness.clock.now - 30 * DAY_MS),
    application_closes_on: shanghaiDate(harness.clock.now + 365 * DAY_MS),
    notice_days: 7,
    exclude_related_parties: true,
    ...overrides,
  };
}

export type Agency = Awaited<ReturnType<typeof createAgency>>;

/** A programme created (and, unless told otherwise, opened) by the agency's admin through the API. */
export async function createProgramme(
  harness: Harness,
  agency: Agency,
  options: { budget_fen?: number; rules?: Partial<ProgrammeRules>; open?: boolean; name?: string; kind?: string } = {},
) {
  const body = {
    name: options.name ?? `测试算力券 Test programme ${randomBase32(4)}`,
    kind: options.kind ?? "compute",
    budget_fen: options.budget_fen ?? 1_000_000_000,
    rules: testRules(harness, options.rules),
  };
  const created = await moneyPost(agency.admin.client, "/api/programmes", body);
  if (created.status !== 201) throw new Error(`programme creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  if (options.open === false) return created.body;
  const opened = await agency.admin.client.post(`/api/programmes/${created.body.id}/open`, {});
  if (opened.status !== 200) throw new Error(`opening failed: ${opened.status} ${JSON.stringify(opened.body)}`);
  return opened.body;
}

/** An SME in Beijing (or as overridden) through sign-up. */
export const beijingSme = (harness: Harness, overrides?: SignupOverrides) => signUpSme(harness, overrides);

/** Applies as the SME and has the agency's reviewer approve; returns the application and voucher. */
export async function issueVoucher(
  agency: Agency,
  sme: { client: TestClient },
  programmeId: string,
  requested_fen: number,
  approved_fen?: number,
) {
  const applied = await sme.client.post("/api/voucher-applications", { programme_id: programmeId, requested_fen, purpose: "模型训练算力 Model training compute" });
  if (applied.status !== 201) throw new Error(`application failed: ${applied.status} ${JSON.stringify(applied.body)}`);
  const approved = await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, approved_fen ? { approved_fen } : {});
  if (approved.status !== 200) throw new Error(`approval failed: ${approved.status} ${JSON.stringify(approved.body)}`);
  return approved.body as { application: any; voucher: any };
}

/** Every ledger invariant holds; on failure the message is the checker's own report. */
export async function expectLedgerConsistent(harness: Harness) {
  const report = await verifyLedger(harness.store);
  expect(report.ok, formatReport(report)).toBe(true);
  return report;
}
