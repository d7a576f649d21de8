// Fast seeding for the benchmark: prepared inserts in one better-sqlite3 transaction on the same
// file the store opened. 1,000 compute offerings from 50 approved providers; 100,000 confirmed
// bookings spread over the next 60 days, never over capacity, with slot_usage rows that match;
// one SME holding two vouchers, so searches price subsidies as they would for a real caller, and
// 2,000 other SMEs holding the rest of 10,000 vouchers, so the voucher tables have a real size.
import BetterSqlite3 from "better-sqlite3";
import { eq } from "drizzle-orm";
import { accountIds } from "../src/db/accounts";
import type { ProgrammeRules } from "../src/domain/programme-rules";
import { slotFloor } from "../src/domain/slots";
import { withCheckCharacter } from "../src/domain/credit-code";
import { DAY_MS, HOUR_MS } from "../src/lib/time";
import { organisations, users } from "../src/db/schema";
import type { Store } from "../src/db/store";

export const PROVIDERS = 50;
export const OFFERINGS = 1_000;
export const BOOKINGS = 100_000;
/** Vouchers in the database: the measured SME's two and 9,998 held by 2,000 other SMEs (five each, the last four). */
export const VOUCHERS = 10_000;
const OTHER_SMES = 2_000;
const HORIZON_DAYS = 60;
const MODELS = ["Ascend 910B", "H800", "A800", "Kunlun P800", "MLU370"];

/** A small deterministic generator, so runs are comparable. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface Seeded {
  sme_org_id: string;
  sme_user_id: string;
  offering_ids: string[];
  slot_rows: number;
}

export const BENCH_RULES: ProgrammeRules = {
  eligible_categories: ["compute"],
  eligible_region_prefixes: ["11"],
  cross_region: true,
  eligible_size_classes: ["micro", "small", "medium"],
  subsidy_ratio_bp: 2_000,
  tiers: [{ kind: "domestic_compute", name: "国产算力", ratio_bp: 3_000 }],
  per_booking_cap_fen: null,
  annual_issuance_quota_fen: 2_000_000_00,
  annual_subsidy_cap_fen: 2_000_000_00,
  full_coverage_threshold_fen: 0,
  max_voucher_fen: 2_000_000_00,
  validity: { kind: "days_from_issue", days: 365 },
  settlement_mode: "tongdui",
  application_opens_on: "2000-01-01",
  application_closes_on: "2100-12-31",
  notice_days: 7,
  exclude_related_parties: true,
};

function insertOrganisations(db: BetterSqlite3.Database, now: number) {
  const org = db.prepare("INSERT INTO organisations (id, kind, name, credit_code, region_code, size_class, founded_on, provider_status, created_at) VALUES (?, ?, ?, ?, ?, 'medium', '2020-01-01', ?, ?)");
  org.run("org_agency", "agency", "科技局", withCheckCharacter("11110000MB0000002"), "110000", null, now);
  // Published providers: active, and approved by the programme's agency (per-agency vetting).
  const vetting = db.prepare("INSERT INTO provider_vettings (agency_org_id, provider_org_id, status, decided_at, created_at, updated_at) VALUES ('org_agency', ?, 'approved', ?, ?, ?)");
  for (let p = 0; p < PROVIDERS; p++) {
    org.run(`org_prov${p}`, "provider", `算力服务商 ${p}`, withCheckCharacter(`911101080000${String(p).padStart(5, "0")}`), "110108", "active", now);
    vetting.run(`org_prov${p}`, now, now, now);
  }
  org.run("org_sme", "sme", "启明 Qiming", withCheckCharacter("91110108MA0000005"), "110108", null, now);
  db.prepare("INSERT INTO users (id, org_id, email, display_name, password_hash, role, created_at) VALUES ('usr_sme', 'org_sme', 'sme@bench.cn', 'SME', 'x', 'admin', ?)").run(now);
}

function insertVouchers(db: BetterSqlite3.Database, now: number) {
  db.prepare("INSERT INTO programmes (id, agency_org_id, name, kind, status, current_version, budget_fen, pool_account_id, created_at) VALUES ('prg_bench', 'org_agency', '算力券', 'compute', 'open', 1, 100000000000, ?, ?)").run(accountIds.programmePool("prg_bench"), now);
  db.prepare("INSERT INTO programme_versions (programme_id, version, rules_json, created_by, created_at) VALUES ('prg_bench', 1, ?, 'usr_sme', ?)").run(JSON.stringify(BENCH_RULES), now);
  const account = db.prepare("INSERT INTO ledger_accounts (id, kind, programme_id, org_id, credits_posted_fen, debits_posted_fen, debits_must_not_exceed_credits, credits_must_not_exceed_debits, created_at) VALUES (?, ?, 'prg_bench', ?, ?, ?, ?, 0, ?)");
  account.run(accountIds.programmePool("prg_bench"), "programme_pool", "org_agency", 100_000_000_000, 2_000_000, 1, now);
  for (const [id, face] of [["vch_benchone", 500_000], ["vch_benchtwo", 1_500_000]] as const) {
    account.run(accountIds.voucher(id), "voucher", "org_sme", face, 0, 1, now);
    db.prepare("INSERT INTO vouchers (id, programme_id, programme_version, sme_org_id, application_id, account_id, face_value_fen, issued_at, expires_at, status, created_at) VALUES (?, 'prg_bench', 1, 'org_sme', ?, ?, ?, ?, ?, 'active', ?)").run(
      id, `app_${id.slice(4)}`, accountIds.voucher(id), face, now, now + 365 * DAY_MS, now,
    );
  }
  const org = db.prepare("INSERT INTO organisations (id, kind, name, credit_code, region_code, size_class, founded_on, created_at) VALUES (?, 'sme', ?, ?, '110108', 'small', '2020-01-01', ?)");
  const voucher = db.prepare("INSERT INTO vouchers (id, programme_id, programme_version, sme_org_id, application_id, account_id, face_value_fen, issued_at, expires_at, status, created_at) VALUES (?, 'prg_bench', 1, ?, ?, ?, 500000, ?, ?, 'active', ?)");
  const base32 = (n: number) => n.toString(32).replace(/[0189]/g, (d) => "wxyz"["0189".indexOf(d)] as string);
  for (let v = 0; v < VOUCHERS - 2; v++) {
    const s = v % OTHER_SMES;
    const orgId = `org_vsme${base32(s)}`;
    if (v < OTHER_SMES) org.run(orgId, `企业 ${s}`, withCheckCharacter(`91110108MB${String(s).padStart(7, "0")}`), now);
    const id = `vch_bench${base32(v)}`;
    account.run(accountIds.voucher(id), "voucher", orgId, 500_000, 0, 1, now);
    voucher.run(id, orgId, `app_bench${base32(v)}`, accountIds.voucher(id), now, now + 365 * DAY_MS, now);
  }
}

interface BenchOffering {
  id: string;
  capacity: number;
}

function insertOfferings(db: BetterSqlite3.Database, next: () => number, now: number): BenchOffering[] {
  const insert = db.prepare(`INSERT INTO offerings (id, provider_org_id, category, name, region_code, status, unit, unit_minutes, unit_price_fen, slot_minutes,
      capacity_units, min_duration_units, max_duration_units, lead_time_minutes, cancellation_notice_minutes, requires_confirmation, weekly_hours_json,
      domestic, accelerator_model, cards_per_node, created_at, updated_at)
    VALUES (?, ?, 'compute', ?, '110108', 'active', ?, 60, ?, 60, ?, 1, 744, 0, 0, 0, ?, ?, ?, 8, ?, ?)`);
  const made: BenchOffering[] = [];
  for (let i = 0; i < OFFERINGS; i++) {
    const nodes = i % 5 === 0;
    const model = MODELS[i % MODELS.length] as string;
    const capacity = nodes ? 4 + Math.floor(next() * 8) : 16 + Math.floor(next() * 48);
    const price = nodes ? 8_000 + Math.floor(next() * 10_000) : 500 + Math.floor(next() * 2_500);
    const hours = i % 3 === 0 ? JSON.stringify({ "1": [[8, 22]], "2": [[8, 22]], "3": [[8, 22]], "4": [[8, 22]], "5": [[8, 22]] }) : null;
    const id = `off_bench${i.toString(32)}`.replace(/[0189]/g, (d) => "wxyz"["0189".indexOf(d)] as string);
    insert.run(id, `org_prov${i % PROVIDERS}`, `${model} ${i}`, nodes ? "node_hour" : "card_hour", price, capacity, hours, model === "Ascend 910B" || model === "Kunlun P800" ? 1 : 0, model, now, now);
    made.push({ id, capacity });
  }
  return made;
}

function insertBookings(db: BetterSqlite3.Database, list: BenchOffering[], next: () => number, now: number): number {
  const booking = db.prepare(`INSERT INTO bookings (id, offering_id, provider_org_id, sme_org_id, created_by, quantity, starts_at, ends_at, status, gross_fen, subsidy_fen, copay_fen, quote_json, created_at, updated_at)
    VALUES (?, ?, ?, 'org_sme', 'usr_sme', ?, ?, ?, 'confirmed', ?, 0, ?, '{}', ?, ?)`);
  const slot = db.prepare("INSERT INTO slot_usage (offering_id, slot_start_at, booked_units, capacity_units, blocked) VALUES (?, ?, ?, ?, 0)");
  const first = slotFloor(now, 1440) + DAY_MS;
  const perOffering = BOOKINGS / list.length;
  let slotRows = 0;
  let serial = 0;
  for (const [index, o] of list.entries()) {
    const booked = new Map<number, number>();
    for (let made = 0; made < perOffering; ) {
      const start = first + Math.floor(next() * HORIZON_DAYS * 24) * HOUR_MS;
      const hours = 1 + Math.floor(next() * 8);
      const quantity = 1 + Math.floor(next() * Math.max(1, o.capacity / 4));
      const slots = Array.from({ length: hours }, (_, h) => start + h * HOUR_MS);
      if (slots.some((s) => (booked.get(s) ?? 0) + quantity > o.capacity)) continue;
      for (const s of slots) booked.set(s, (booked.get(s) ?? 0) + quantity);
      const gross = quantity * hours * 1_000;
      booking.run(`bkg_bench${(serial++).toString(32)}`.replace(/[0189]/g, (d) => "wxyz"["0189".indexOf(d)] as string), o.id, `org_prov${index % PROVIDERS}`, quantity, start, start + hours * HOUR_MS, gross, gross, now, now);
      made++;
    }
    for (const [start, units] of booked) slot.run(o.id, start, units, o.capacity);
    slotRows += booked.size;
  }
  return slotRows;
}

export function seedBench(path: string, now: number): Seeded {
  const db = new BetterSqlite3(path);
  db.pragma("journal_mode = WAL");
  const next = random(20_260_302);
  let result: Seeded | undefined;
  db.transaction(() => {
    insertOrganisations(db, now);
    insertVouchers(db, now);
    const list = insertOfferings(db, next, now);
    const slot_rows = insertBookings(db, list, next, now);
    result = { sme_org_id: "org_sme", sme_user_id: "usr_sme", offering_ids: list.map((o) => o.id), slot_rows };
  })();
  db.pragma("optimize");
  db.close();
  return result as Seeded;
}

/** The seeded SME as a signed-in caller, for calling the services directly. */
export async function benchSme(store: Store, seeded: Seeded, now: number) {
  const [org] = await store.db.select().from(organisations).where(eq(organisations.id, seeded.sme_org_id));
  const [user] = await store.db.select().from(users).where(eq(users.id, seeded.sme_user_id));
  if (!org || !user) throw new Error("seeding did not create the SME");
  return { org, user, sessionId: "bench", sessionExpiresAt: now + DAY_MS };
}

/** The bench's capacity search: `quantity` compute units for `hours` hours within the next month, cheapest first. */
export function benchNeed(now: number, quantity = 8, hours = 4) {
  return {
    category: "compute",
    accelerator_model: null,
    quantity,
    duration_hours: hours,
    domestic_only: false,
    max_unit_price_fen: null,
    earliest_start_at: now + DAY_MS,
    latest_end_at: now + 31 * DAY_MS,
    sort: "cheapest" as const,
    limit: 20,
  };
}
