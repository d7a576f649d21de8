// Drives the ledger through the services, without HTTP, the way request handlers do: read,
// compute, commit guarded statements, re-read and retry when a guard fails. The hold race test
// and the property tests use it; holds here stand for bookings (no booking rows are written).
import { eq } from "drizzle-orm";
import { commitAs, retryOnGuard } from "../../src/db/atomic";
import { ledger_transfers, organisations, voucher_applications, type Organisation } from "../../src/db/schema";
import type { Store } from "../../src/db/store";
import { availableFen } from "../../src/domain/ledger";
import type { ProgrammeRules } from "../../src/domain/programme-rules";
import { conflict } from "../../src/lib/errors";
import { newId, randomBase32 } from "../../src/lib/ids";
import { operatorVerified } from "../../src/services/verification-facts";
import { shanghaiDate, shanghaiYear } from "../../src/lib/time";
import { holdTransferId, placeHold, releaseHold, settleHold } from "../../src/services/holds";
import { createProgrammeStatements, readProgramme, readRules, topUpStatements } from "../../src/services/programmes";
import { endVoucher } from "../../src/services/voucher-end";
import { applicationRow, assessEligibility } from "../../src/services/voucher-applications";
import { issueVoucherStatements, readVoucherWithBalance } from "../../src/services/vouchers";
import { uniqueCreditCode } from "./fixtures";

const meta = (now: number) => ({ at: now, request_id: `test-${randomBase32(6)}`, actor_user_id: null, actor_org_id: null });

export interface World {
  agency_org_id: string;
  programme_id: string;
  smes: Organisation[];
  provider_org_id: string;
}

/** Plain rules with the caps a test chooses; every region and size, a window around `now`. */
export function driverRules(now: number, overrides: Partial<ProgrammeRules> = {}): ProgrammeRules {
  const year = Number(shanghaiDate(now).slice(0, 4));
  return {
    eligible_categories: ["compute"], eligible_region_prefixes: [], cross_region: true, eligible_size_classes: ["micro", "small", "medium", "large"],
    subsidy_ratio_bp: 5000, tiers: [], per_booking_cap_fen: null, annual_issuance_quota_fen: 1_000_000, annual_subsidy_cap_fen: 1_000_000, full_coverage_threshold_fen: 0, max_voucher_fen: 1_000_000,
    validity: { kind: "days_from_issue", days: 30 }, settlement_mode: "tongdui",
    application_opens_on: `${year - 1}-01-01`, application_closes_on: `${year + 1}-12-31`, notice_days: 0, exclude_related_parties: false,
    ...overrides,
  };
}

/** An agency with an open programme and `smeCount` enterprises, written straight to the store. */
export async function createWorld(store: Store, now: number, options: { budget_fen: number; smeCount: number; rules?: Partial<ProgrammeRules> }): Promise<World> {
  const org = (kind: Organisation["kind"]): Organisation => ({
    id: newId("org"), kind, name: `${kind} ${randomBase32(4)}`, credit_code: uniqueCreditCode(), region_code: "110108", size_class: kind === "sme" ? "small" : "large",
    founded_on: "2020-01-01", credit_status: "good", address: null, legal_representative: null, contact_phone: null, provider_status: kind === "provider" ? "active" : null, provider_status_reason: null, ...operatorVerified(now), created_at: now,
  });
  const agency = org("agency");
  const provider = org("provider");
  const smes = Array.from({ length: options.smeCount }, () => org("sme"));
  const programme = createProgrammeStatements(
    store,
    { id: newId("prg"), agency_org_id: agency.id, name: "driver programme", kind: "compute", budget_fen: options.budget_fen, rules: driverRules(now, options.rules), status: "open", created_by: "test" },
    now,
  );
  const inserts = [agency, provider, ...smes].map((o) => store.db.insert(organisations).values(o));
  await commitAs(store, meta(now), [...inserts, ...programme.statements], programme.events);
  return { agency_org_id: agency.id, programme_id: programme.row.id, smes, provider_org_id: provider.id };
}

/** Applies and approves in one go (eligibility as the API checks it); returns the voucher id. */
export async function issue(store: Store, world: World, sme: Organisation, amountFen: number, now: number): Promise<string> {
  return retryOnGuard(
    async () => {
      const programme = await readProgramme(store, world.programme_id);
      if (!programme) throw new Error("no programme");
      const rules = await readRules(store, programme.id, programme.current_version);
      const eligibility = await assessEligibility(store, programme, rules, sme, amountFen, now);
      if (!eligibility.eligible) throw conflict("not_eligible", eligibility.criteria.filter((c) => !c.ok).map((c) => c.name).join(","));
      const application = applicationRow({ id: newId("app"), programme_id: programme.id, sme_org_id: sme.id, applicant_user_id: "test", requested_fen: amountFen, purpose: "test", eligibility }, now);
      const issued = issueVoucherStatements(store, { application, programme, rules, approved_fen: amountFen, voucher_id: newId("vch"), decided_by: "test", note: null }, now);
      await commitAs(store, meta(now), [store.db.insert(voucher_applications).values(application), ...issued.statements], issued.events);
      return issued.voucher.id;
    },
    (violation) => conflict("issue_refused", violation.name),
  );
}

export interface HoldRef {
  booking_id: string;
  voucher_id: string;
  year: number;
}

/**
 * A booking's subsidy hold on a voucher for exactly `amountFen`: refused (409) when the voucher
 * no longer covers it. Reads the balance, commits placeHold, retries when the guard fails.
 */
export async function hold(store: Store, world: World, voucherId: string, amountFen: number, now: number): Promise<HoldRef> {
  const booking_id = `bkg_${randomBase32(10)}`;
  return retryOnGuard(
    async () => {
      const row = await readVoucherWithBalance(store, voucherId);
      if (!row || row.voucher.status !== "active" || row.voucher.expires_at <= now) throw conflict("voucher_not_active", "创新券不可用 / The voucher is not usable");
      const available = availableFen(row.account);
      if (available < amountFen) throw conflict("insufficient_voucher_balance", `创新券余额${available}分不足 / The voucher has only ${available} fen left`);
      const rules = await readRules(store, world.programme_id, row.voucher.programme_version);
      const year = shanghaiYear(now);
      const input = { booking_id, programme_id: world.programme_id, voucher_id: voucherId, provider_org_id: world.provider_org_id, payable_org_id: world.provider_org_id, sme_org_id: row.voucher.sme_org_id, subsidy_fen: amountFen, year, annual_subsidy_cap_fen: rules.rules.annual_subsidy_cap_fen };
      await commitAs(store, meta(now), placeHold(store, input, now), []);
      return { booking_id, voucher_id: voucherId, year };
    },
    (violation) =>
      violation.name === "annual_cap_exceeded"
        ? conflict("annual_cap_reached", "超出年度补贴上限 / Over the annual subsidy cap")
        : conflict("insufficient_voucher_balance", "创新券余额不足 / The voucher no longer covers this hold"),
  );
}

async function heldBooking(store: Store, world: World, ref: HoldRef) {
  const [pending] = await store.db.select().from(ledger_transfers).where(eq(ledger_transfers.id, holdTransferId(ref.booking_id)));
  const row = await readVoucherWithBalance(store, ref.voucher_id);
  if (!pending || !row) throw new Error(`hold ${ref.booking_id} not found`);
  const rules = await readRules(store, world.programme_id, row.voucher.programme_version);
  return { pending, held: { booking_id: ref.booking_id, programme_id: world.programme_id, sme_org_id: row.voucher.sme_org_id, year: ref.year, annual_subsidy_cap_fen: rules.rules.annual_subsidy_cap_fen } };
}

/** Delivers: posts `amountFen` (≤ held) of the hold; the rest returns to the voucher. */
export async function settle(store: Store, world: World, ref: HoldRef, amountFen: number, now: number): Promise<void> {
  const { pending, held } = await heldBooking(store, world, ref);
  await commitAs(store, meta(now), settleHold(store, pending, held, amountFen, now), []);
}

/** Cancels: voids the hold. */
export async function release(store: Store, world: World, ref: HoldRef, now: number): Promise<void> {
  const { pending, held } = await heldBooking(store, world, ref);
  await commitAs(store, meta(now), releaseHold(store, pending, held, "cancelled", now), []);
}

/** Revokes through the same service the API uses; "inactive" when it had already ended. */
export async function revoke(store: Store, voucherId: string, now: number) {
  return endVoucher(store, voucherId, { status: "revoked", reason: "test" }, now, async (step) => {
    await commitAs(store, meta(now), step.statements, step.events);
  });
}

/** Adds budget to the programme's pool. */
export async function topUp(store: Store, world: World, amountFen: number, now: number): Promise<void> {
  const programme = await readProgramme(store, world.programme_id);
  if (!programme) throw new Error("no programme");
  await commitAs(store, meta(now), topUpStatements(store, programme, amountFen, now).statements, []);
}
