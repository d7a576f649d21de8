// Report generation at scale: 100,000 bookings and 1,000,000 ledger transfers, then one
// programme's full report (programmeReport: every figure the agency's report page shows) timed
// beside a baseline in the same run, a full scan of ledger_transfers (sum of one column over
// every row). Target: ≤ 1.5 s per programme report.
//
// The ledger: 10 programmes of one agency. The programme reported on has 10,000 vouchers (one
// issue transfer each) and all 100,000 bookings, each with a hold, then a settlement (70 %), a
// release (25 %) or still held (5 %), and a dispute reversal on every 50th delivery; the other
// nine programmes' transfers fill the table to 1,000,000, so the report must find its own among
// them, as it would in a region running many programmes.
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { eq, sql } from "drizzle-orm";
import { accountIds } from "../src/db/accounts";
import { openNodeStore } from "../src/db/node";
import { programmes } from "../src/db/schema";
import { withCheckCharacter } from "../src/domain/credit-code";
import { DAY_MS, HOUR_MS } from "../src/lib/time";
import { programmeReport } from "../src/services/reports";
import { benchId } from "./booking-seed";
import { BENCH_RULES } from "./seed";

export const REPORT_BOOKINGS = 100_000;
export const REPORT_TRANSFERS = 1_000_000;
const VOUCHERS = 10_000;
const PROGRAMMES = 10;
const PROVIDERS = 20;
const OFFERINGS = 200;

export interface ReportResult {
  bookings: number;
  transfers: number;
  seed_s: number;
  scan_ms: number;
  report_ms: number[];
  report_p50_ms: number;
  report_over_scan: number;
}

export function seedReport(path: string, now: number): number {
  const db = new BetterSqlite3(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const org = db.prepare("INSERT INTO organisations (id, kind, name, credit_code, region_code, size_class, founded_on, provider_status, created_at) VALUES (?, ?, ?, ?, ?, 'small', '2020-01-01', ?, ?)");
  const insertAccount = db.prepare(`INSERT INTO ledger_accounts (id, kind, programme_id, org_id, credits_posted_fen, debits_posted_fen, debits_pending_fen, debits_must_not_exceed_credits, credits_must_not_exceed_debits, created_at)
    VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, ?)`);
  const programmeOfAccount = new Map<string, string | null>();
  const account = {
    run: (id: string, kind: string, programmeId: string | null, orgId: string, at: number) => {
      programmeOfAccount.set(id, programmeId);
      return insertAccount.run(id, kind, programmeId, orgId, at);
    },
  };
  // programme_id as src/db/ledger.ts writes it: the programme of the transfer's accounts.
  const insertTransfer = db.prepare("INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount_fen, kind, pending_id, code, subject_id, created_at, programme_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const transfer = { run: (id: string, debit: string, credit: string, amount: number, kind: string, pendingId: string | null, code: string, subject: string, at: number) => insertTransfer.run(id, debit, credit, amount, kind, pendingId, code, subject, at, programmeOfAccount.get(debit) ?? programmeOfAccount.get(credit) ?? null) };
  const booking = db.prepare(`INSERT INTO bookings (id, offering_id, provider_org_id, sme_org_id, created_by, quantity, starts_at, ends_at, status, gross_fen, subsidy_fen, copay_fen,
      voucher_id, programme_id, programme_version, hold_transfer_id, cap_year, quote_json, delivered_subsidy_fen, delivered_gross_fen, delivered_copay_fen, delivered_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, 'usr_report', ?, ?, ?, ?, ?, ?, ?, ?, 'prg_rep0', 1, ?, 2026, '{}', ?, ?, ?, ?, ?, ?)`);
  const from = now - 365 * DAY_MS;
  let transfers = 0;
  db.transaction(() => {
    org.run("org_repagency", "agency", "科技局", withCheckCharacter("11110000MB0000010"), "110000", null, from);
    account.run("src:org_repagency", "budget_source", null, "org_repagency", from);
    db.prepare("INSERT INTO users (id, org_id, email, display_name, password_hash, role, created_at) VALUES ('usr_report', 'org_repagency', 'report@bench.cn', 'Report', 'x', 'admin', ?)").run(from);
    for (let p = 0; p < PROVIDERS; p++) {
      org.run(`org_repprov${p}`, "provider", `算力服务商 ${p}`, withCheckCharacter(`911101090000${String(p).padStart(5, "0")}`), `1101${String(p % 9).padStart(2, "0")}`, "active", from);
    }
    const offering = db.prepare(`INSERT INTO offerings (id, provider_org_id, category, name, region_code, status, unit, unit_minutes, unit_price_fen, slot_minutes, capacity_units,
        min_duration_units, max_duration_units, lead_time_minutes, cancellation_notice_minutes, requires_confirmation, domestic, accelerator_model, cards_per_node, created_at, updated_at)
      VALUES (?, ?, ?, ?, '110108', 'active', 'card_hour', 60, 1000, 60, 64, 1, 744, 0, 0, 0, 1, 'Ascend 910B', 8, ?, ?)`);
    for (let o = 0; o < OFFERINGS; o++) offering.run(benchId("offrep", o), `org_repprov${o % PROVIDERS}`, o % 4 === 0 ? "storage" : "compute", `Offering ${o}`, from, from);
    const programme = db.prepare("INSERT INTO programmes (id, agency_org_id, name, kind, status, current_version, budget_fen, pool_account_id, created_at) VALUES (?, 'org_repagency', ?, 'compute', 'open', 1, ?, ?, ?)");
    const version = db.prepare("INSERT INTO programme_versions (programme_id, version, rules_json, created_by, created_at) VALUES (?, 1, ?, 'usr_report', ?)");
    for (let p = 0; p < PROGRAMMES; p++) {
      const id = `prg_rep${p}`;
      programme.run(id, `算力券 ${p}`, 1e12, accountIds.programmePool(id), from);
      version.run(id, JSON.stringify(BENCH_RULES), from);
      account.run(accountIds.programmePool(id), "programme_pool", id, "org_repagency", from);
      transfer.run(`budget:${id}`, "src:org_repagency", accountIds.programmePool(id), 1e12, "posted", null, "budget", id, from);
      transfers++;
      for (let q = 0; q < PROVIDERS; q++) account.run(accountIds.providerPayable(id, `org_repprov${q}`), "provider_payable", id, `org_repprov${q}`, from);
    }
    // The reported programme: vouchers, each with an SME and an issue transfer.
    const voucher = db.prepare(`INSERT INTO vouchers (id, programme_id, programme_version, sme_org_id, application_id, account_id, face_value_fen, issued_at, expires_at, status, created_at)
      VALUES (?, 'prg_rep0', 1, ?, ?, ?, 100000000, ?, ?, 'active', ?)`);
    const pool0 = accountIds.programmePool("prg_rep0");
    for (let v = 0; v < VOUCHERS; v++) {
      const sme = benchId("orgrep", v);
      org.run(sme, "sme", `企业 ${v}`, withCheckCharacter(`91110108MB${String(v).padStart(7, "0")}`), "110108", null, from);
      const id = benchId("vchrep", v);
      account.run(accountIds.voucher(id), "voucher", "prg_rep0", sme, from);
      const at = from + Math.floor((v * 300 * DAY_MS) / VOUCHERS);
      voucher.run(id, sme, `app_rep${v}`, accountIds.voucher(id), at, at + 365 * DAY_MS, at);
      transfer.run(`issue:${id}`, pool0, accountIds.voucher(id), 100_000_000, "posted", null, "issue", id, at);
      transfers++;
    }
    // 100,000 bookings with their holds, settlements, releases and reversals.
    for (let b = 0; b < REPORT_BOOKINGS; b++) {
      const v = b % VOUCHERS;
      const voucherId = benchId("vchrep", v);
      const o = b % OFFERINGS;
      const provider = `org_repprov${o % PROVIDERS}`;
      const payable = accountIds.providerPayable("prg_rep0", provider);
      const at = from + Math.floor((b * 330 * DAY_MS) / REPORT_BOOKINGS);
      const quantity = 1 + (b % 4);
      const gross = 1000 * quantity * 4;
      const subsidy = gross / 2;
      const id = benchId("bkgrep", b);
      const fate = b % 20; // 0–13 delivered, 14–18 released, 19 still held
      const status = fate < 14 ? "delivered" : fate < 19 ? "cancelled" : "confirmed";
      const delivered = fate < 14;
      booking.run(id, benchId("offrep", o), provider, benchId("orgrep", v), quantity, at + DAY_MS, at + DAY_MS + 4 * HOUR_MS, status, gross, subsidy, gross - subsidy,
        voucherId, `hold:${id}`, delivered ? subsidy : null, delivered ? gross : null, delivered ? gross - subsidy : null, delivered ? at + 2 * DAY_MS : null, at, at);
      transfer.run(`hold:${id}`, accountIds.voucher(voucherId), payable, subsidy, "pending", null, "hold", id, at);
      transfers++;
      if (delivered) {
        transfer.run(`settle:${id}`, accountIds.voucher(voucherId), payable, subsidy, "post_pending", `hold:${id}`, "deliver", id, at + 2 * DAY_MS);
        transfers++;
        if (b % 50 === 0) {
          transfer.run(`reverse:${id}`, payable, accountIds.voucher(voucherId), subsidy, "posted", null, "dispute_reversal", id, at + 3 * DAY_MS);
          transfers++;
        }
      } else if (fate < 19) {
        transfer.run(`release:${id}`, accountIds.voucher(voucherId), payable, subsidy, "void_pending", `hold:${id}`, "cancel", id, at + DAY_MS / 2);
        transfers++;
      }
    }
    // The other programmes' activity fills the ledger to 1,000,000 transfers.
    for (let n = 0; transfers < REPORT_TRANSFERS; n++) {
      const p = 1 + (n % (PROGRAMMES - 1));
      const id = `prg_rep${p}`;
      const payable = accountIds.providerPayable(id, `org_repprov${n % PROVIDERS}`);
      transfer.run(`other:${n}`, accountIds.programmePool(id), payable, 1_000, "posted", null, "issue", `other_${n}`, from + Math.floor((n * 330 * DAY_MS) / REPORT_TRANSFERS));
      transfers++;
    }
  })();
  db.pragma("optimize");
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return transfers;
}

export async function measureReport(dir: string, now: number, runs = 3): Promise<ReportResult> {
  const path = join(dir, "report.sqlite");
  openNodeStore(path).close();
  let started = performance.now();
  const transfers = seedReport(path, now);
  const seed_s = (performance.now() - started) / 1000;
  const store = openNodeStore(path);
  const [programme] = await store.db.select().from(programmes).where(eq(programmes.id, "prg_rep0"));
  if (!programme) throw new Error("the report seed made no programme");

  // Baseline: every row of ledger_transfers read once (the table, not an index).
  const scan = async () => {
    const s = performance.now();
    const [row] = await store.all<{ n: number; total: number }>(sql`SELECT count(*) AS n, sum(amount_fen + length(code)) AS total FROM ledger_transfers NOT INDEXED`);
    if (Number(row?.n) !== transfers) throw new Error(`the scan saw ${row?.n} transfers, not ${transfers}`);
    return performance.now() - s;
  };
  await scan();
  const scans = [await scan(), await scan(), await scan()].sort((a, b) => a - b);
  const scan_ms = scans[1] as number;

  const report_ms: number[] = [];
  let report: Awaited<ReturnType<typeof programmeReport>> | undefined;
  for (let i = 0; i < runs; i++) {
    started = performance.now();
    report = await programmeReport(store, programme, {}, now);
    report_ms.push(performance.now() - started);
  }
  store.close();
  // The figures must be the seed's: every delivery counted, every hold placed.
  const delivered = Math.ceil(REPORT_BOOKINGS * (14 / 20));
  if (report?.delivered.bookings !== delivered) throw new Error(`the report counts ${report?.delivered.bookings} deliveries, not ${delivered}`);
  if (report.ledger.holds_placed_fen <= 0) throw new Error("the report found no holds");
  const sorted = [...report_ms].sort((a, b) => a - b);
  const report_p50_ms = sorted[Math.floor(sorted.length / 2)] as number;
  return { bookings: REPORT_BOOKINGS, transfers, seed_s, scan_ms, report_ms, report_p50_ms, report_over_scan: report_p50_ms / scan_ms };
}
