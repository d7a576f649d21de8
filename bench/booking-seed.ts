// Seeding for the booking-throughput benchmark: prepared inserts in one better-sqlite3 transaction
// on a file that openNodeStore already migrated. Many SMEs, each signed in (a session row for a
// known token) and holding a large voucher of one open programme; offerings with room in every
// hour, so each request of the load (one card for one hour, a distinct slot per request) can
// succeed; and `existing` confirmed bookings elsewhere in the calendar, to see whether the size of
// the tables slows a booking down.
import { createHash } from "node:crypto";
import BetterSqlite3 from "better-sqlite3";
import { accountIds } from "../src/db/accounts";
import { SESSION_LIFETIME_MS } from "../src/auth/session";
import { withCheckCharacter } from "../src/domain/credit-code";
import { slotFloor } from "../src/domain/slots";
import { DAY_MS, HOUR_MS } from "../src/lib/time";
import { BENCH_RULES } from "./seed";

export const SMES = 256;
export const PROVIDERS = 10;
export const OFFERINGS = 100;
/** Units per hour of every offering: the load takes one per request, existing bookings up to four. */
const CAPACITY = 64;
const PRICE_FEN = 1_000;
const FACE_VALUE_FEN = 100_000_000;

export interface BookingSeed {
  /** Per SME: its session token (the cookie value) and its voucher. */
  smes: { token: string; voucher_id: string; org_id: string; user_id: string }[];
  offering_ids: string[];
  /** The load books hours from here on; existing bookings lie from 30 days later. */
  first_slot_at: number;
  existing_bookings: number;
}

const hex = (text: string) => createHash("sha256").update(text).digest("hex");
const pad = (n: number, width: number) => String(n).padStart(width, "0");
/** An id the API accepts (`prefix_` and base32 letters): n in base 32 with 0, 1, 8, 9 spelled w, x, y, z. */
export const benchId = (prefix: string, n: number) => `${prefix}_bench${n.toString(32).replace(/[0189]/g, (d) => "wxyz"["0189".indexOf(d)] as string)}`;

function insertParties(db: BetterSqlite3.Database, now: number): BookingSeed["smes"] {
  const org = db.prepare(`INSERT INTO organisations (id, kind, name, credit_code, region_code, size_class, founded_on, provider_status, created_at)
    VALUES (?, ?, ?, ?, ?, 'small', '2020-01-01', ?, ?)`);
  const user = db.prepare("INSERT INTO users (id, org_id, email, display_name, password_hash, role, created_at) VALUES (?, ?, ?, ?, 'x', 'admin', ?)");
  const session = db.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)");
  // Providers are published (active) and approved by the programme's agency (per-agency vetting).
  const vetting = db.prepare("INSERT INTO provider_vettings (agency_org_id, provider_org_id, status, decided_at, created_at, updated_at) VALUES ('org_agency', ?, 'approved', ?, ?, ?)");
  org.run("org_agency", "agency", "科技局", withCheckCharacter("11110000MB0000002"), "110000", null, now);
  for (let p = 0; p < PROVIDERS; p++) {
    org.run(`org_prov${p}`, "provider", `算力服务商 ${p}`, withCheckCharacter(`911101080000${pad(p, 5)}`), "110108", "active", now);
    vetting.run(`org_prov${p}`, now, now, now);
  }
  const smes: BookingSeed["smes"] = [];
  for (let s = 0; s < SMES; s++) {
    const org_id = benchId("org", s);
    const user_id = benchId("usr", s);
    const token = `benchsession${pad(s, 8)}`;
    org.run(org_id, "sme", `企业 ${s}`, withCheckCharacter(`91110108MA${pad(s, 7)}`), "110108", null, now);
    user.run(user_id, org_id, `sme${s}@bench.cn`, `SME ${s}`, now);
    session.run(hex(token), user_id, now + SESSION_LIFETIME_MS, now);
    smes.push({ token, voucher_id: benchId("vch", s), org_id, user_id });
  }
  return smes;
}

function insertVouchers(db: BetterSqlite3.Database, smes: BookingSeed["smes"], now: number) {
  const pool = accountIds.programmePool("prg_bench");
  db.prepare("INSERT INTO programmes (id, agency_org_id, name, kind, status, current_version, budget_fen, pool_account_id, created_at) VALUES ('prg_bench', 'org_agency', '算力券', 'compute', 'open', 1, ?, ?, ?)").run(FACE_VALUE_FEN * SMES * 2, pool, now);
  db.prepare("INSERT INTO programme_versions (programme_id, version, rules_json, created_by, created_at) VALUES ('prg_bench', 1, ?, ?, ?)").run(JSON.stringify(BENCH_RULES), smes[0]?.user_id, now);
  const account = db.prepare(`INSERT INTO ledger_accounts (id, kind, programme_id, org_id, credits_posted_fen, debits_posted_fen, debits_must_not_exceed_credits, credits_must_not_exceed_debits, created_at)
    VALUES (?, ?, 'prg_bench', ?, ?, ?, 1, 0, ?)`);
  const voucher = db.prepare(`INSERT INTO vouchers (id, programme_id, programme_version, sme_org_id, application_id, account_id, face_value_fen, issued_at, expires_at, status, created_at)
    VALUES (?, 'prg_bench', 1, ?, ?, ?, ?, ?, ?, 'active', ?)`);
  account.run(pool, "programme_pool", "org_agency", FACE_VALUE_FEN * SMES * 2, FACE_VALUE_FEN * SMES, now);
  for (const sme of smes) {
    account.run(accountIds.voucher(sme.voucher_id), "voucher", sme.org_id, FACE_VALUE_FEN, 0, now);
    voucher.run(sme.voucher_id, sme.org_id, `app_${sme.voucher_id.slice(4)}`, accountIds.voucher(sme.voucher_id), FACE_VALUE_FEN, now, now + 365 * DAY_MS, now);
  }
}

function insertOfferings(db: BetterSqlite3.Database, now: number): string[] {
  const insert = db.prepare(`INSERT INTO offerings (id, provider_org_id, category, name, region_code, status, unit, unit_minutes, unit_price_fen, slot_minutes,
      capacity_units, min_duration_units, max_duration_units, lead_time_minutes, cancellation_notice_minutes, requires_confirmation, weekly_hours_json,
      domestic, accelerator_model, cards_per_node, created_at, updated_at)
    VALUES (?, ?, 'compute', ?, '110108', 'active', 'card_hour', 60, ?, 60, ?, 1, 744, 0, 0, 0, NULL, 1, 'Ascend 910B', 8, ?, ?)`);
  const ids: string[] = [];
  for (let i = 0; i < OFFERINGS; i++) {
    const id = benchId("off", i);
    insert.run(id, `org_prov${i % PROVIDERS}`, `Ascend 910B ${i}`, PRICE_FEN, CAPACITY, now, now);
    ids.push(id);
  }
  return ids;
}

/** Confirmed bookings without subsidy, 1–4 cards for 1–4 hours, from `from` on, with matching slot_usage rows. */
function insertExisting(db: BetterSqlite3.Database, offeringIds: readonly string[], count: number, from: number, now: number) {
  const booking = db.prepare(`INSERT INTO bookings (id, offering_id, provider_org_id, sme_org_id, created_by, quantity, starts_at, ends_at, status, gross_fen, subsidy_fen, copay_fen, quote_json, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'confirmed', ?, 0, ?, '{}', ?, ?)`);
  const slot = db.prepare("INSERT INTO slot_usage (offering_id, slot_start_at, booked_units, capacity_units, blocked) VALUES (?, ?, ?, ?, 0)");
  // Each offering gets its bookings back to back, so every slot row belongs to one booking.
  const perOffering = Math.ceil(count / offeringIds.length);
  let made = 0;
  for (const [index, offeringId] of offeringIds.entries()) {
    let start = from;
    for (let b = 0; b < perOffering && made < count; b++, made++) {
      const hours = 1 + (made % 4);
      const quantity = 1 + ((made >> 2) % 4);
      const gross = PRICE_FEN * quantity * hours;
      booking.run(benchId("bkgold", made), offeringId, `org_prov${index % PROVIDERS}`, benchId("org", made % SMES), benchId("usr", made % SMES), quantity, start, start + hours * HOUR_MS, gross, gross, now, now);
      for (let h = 0; h < hours; h++) slot.run(offeringId, start + h * HOUR_MS, quantity, CAPACITY);
      start += hours * HOUR_MS;
    }
  }
}

/**
 * `wal: false` leaves the file's journal mode alone: for a local D1 database (wrangler's own
 * SQLite file under --persist-to, migrated by `wrangler d1 migrations apply --local`).
 */
export function seedBookingBench(path: string, now: number, existing: number, options: { wal?: boolean } = {}): BookingSeed {
  const wal = options.wal ?? true;
  const db = new BetterSqlite3(path);
  if (wal) db.pragma("journal_mode = WAL");
  const first_slot_at = slotFloor(now, 1440) + DAY_MS;
  let seeded: BookingSeed | undefined;
  db.transaction(() => {
    const smes = insertParties(db, now);
    insertVouchers(db, smes, now);
    const offering_ids = insertOfferings(db, now);
    insertExisting(db, offering_ids, existing, first_slot_at + 30 * DAY_MS, now);
    seeded = { smes, offering_ids, first_slot_at, existing_bookings: existing };
  })();
  db.pragma("optimize");
  if (wal) db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return seeded as BookingSeed;
}
