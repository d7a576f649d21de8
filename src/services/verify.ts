// The invariant checker (DESIGN §4), one function for the CLI (`npm run cli -- verify`), the
// tests (after every scenario) and, later, GET /api/audit/verify. Each check is ONE read-only
// SQL statement, so it sees one consistent snapshot even while requests commit, and the database
// does the summing: memory stays bounded however large the ledger grows. A check returns the
// number of offending rows and the first of them, so a person can see exactly where it breaks.
//
// To add a check (slot capacity, audit chain …), append an InvariantCheck to `invariantChecks`.
import { sql, type SQL } from "drizzle-orm";
import type { Store } from "../db/store";
import { bookingsMatchHolds, slotsMatchBookings } from "./verify-bookings";
import { paidOutMatchesPaidClaims, payablesMatchClaims } from "./verify-claims";
import { deliveriesMatchUsage, usageCountersMatchEvents } from "./verify-usage";

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  first_failure: Record<string, unknown> | null;
}

export interface VerifyReport {
  ok: boolean;
  checks: CheckResult[];
}

export interface InvariantCheck {
  name: string;
  run(store: Store): Promise<Omit<CheckResult, "name">>;
}

/** The year (Asia/Shanghai) of an instant column, in SQL. */
const shanghaiYearOf = (column: SQL) => sql`CAST(strftime('%Y', (${column} + 28800000) / 1000, 'unixepoch') AS INTEGER)`;

/**
 * Runs a query selecting offending rows with a `failures` column (count(*) OVER ()), ordered so
 * the first is the one to report, and turns it into a check result.
 */
export function offendingRows(description: string, query: SQL): InvariantCheck["run"] {
  return async (store) => {
    const [first] = await store.all<Record<string, unknown>>(sql`${query} LIMIT 1`);
    if (!first) return { ok: true, detail: description, first_failure: null };
    const { failures, ...row } = first;
    return { ok: false, detail: `${Number(failures)} violation(s): ${description}`, first_failure: row };
  };
}

const balanced: InvariantCheck = {
  name: "balanced",
  async run(store) {
    const [row] = await store.all<{ net_posted_fen: number; debits_pending_fen: number; credits_pending_fen: number; accounts: number }>(sql`
      SELECT coalesce(sum(credits_posted_fen - debits_posted_fen), 0) AS net_posted_fen,
             coalesce(sum(debits_pending_fen), 0) AS debits_pending_fen,
             coalesce(sum(credits_pending_fen), 0) AS credits_pending_fen,
             count(*) AS accounts
      FROM ledger_accounts`);
    const r = row ?? { net_posted_fen: 0, debits_pending_fen: 0, credits_pending_fen: 0, accounts: 0 };
    const ok = Number(r.net_posted_fen) === 0 && Number(r.debits_pending_fen) === Number(r.credits_pending_fen);
    const detail = `Σ(credits_posted − debits_posted) = ${r.net_posted_fen} fen over ${r.accounts} accounts; pending debits ${r.debits_pending_fen} fen, pending credits ${r.credits_pending_fen} fen`;
    return { ok, detail, first_failure: ok ? null : r };
  },
};

const accountsMatchTransfers: InvariantCheck = {
  name: "accounts_match_transfers",
  run: offendingRows(
    "every account's four columns equal what its transfers sum to",
    sql`
      WITH live AS (
        SELECT t.*, CASE WHEN t.kind = 'pending' AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id) THEN 1 ELSE 0 END AS unresolved
        FROM ledger_transfers t
      ), legs AS (
        SELECT debit_account_id AS account_id,
               CASE WHEN kind IN ('posted', 'post_pending') THEN amount_fen ELSE 0 END AS dp,
               CASE WHEN unresolved = 1 THEN amount_fen ELSE 0 END AS dpe, 0 AS cp, 0 AS cpe
        FROM live
        UNION ALL
        SELECT credit_account_id, 0, 0,
               CASE WHEN kind IN ('posted', 'post_pending') THEN amount_fen ELSE 0 END,
               CASE WHEN unresolved = 1 THEN amount_fen ELSE 0 END
        FROM live
      ), sums AS (
        SELECT account_id, sum(dp) AS dp, sum(dpe) AS dpe, sum(cp) AS cp, sum(cpe) AS cpe FROM legs GROUP BY account_id
      )
      SELECT a.id AS account_id,
             a.debits_pending_fen, coalesce(s.dpe, 0) AS transfers_debits_pending_fen,
             a.debits_posted_fen, coalesce(s.dp, 0) AS transfers_debits_posted_fen,
             a.credits_pending_fen, coalesce(s.cpe, 0) AS transfers_credits_pending_fen,
             a.credits_posted_fen, coalesce(s.cp, 0) AS transfers_credits_posted_fen,
             count(*) OVER () AS failures
      FROM ledger_accounts a LEFT JOIN sums s ON s.account_id = a.id
      WHERE a.debits_pending_fen <> coalesce(s.dpe, 0) OR a.debits_posted_fen <> coalesce(s.dp, 0)
         OR a.credits_pending_fen <> coalesce(s.cpe, 0) OR a.credits_posted_fen <> coalesce(s.cp, 0)
      ORDER BY a.id`,
  ),
};

const noOverdraft: InvariantCheck = {
  name: "no_overdraft",
  run: offendingRows(
    "no pool, voucher or payable is debited past its credits (and each carries that limit)",
    sql`
      SELECT id AS account_id, kind, debits_pending_fen, debits_posted_fen, credits_pending_fen, credits_posted_fen,
             debits_must_not_exceed_credits, count(*) OVER () AS failures
      FROM ledger_accounts
      WHERE min(debits_pending_fen, debits_posted_fen, credits_pending_fen, credits_posted_fen) < 0
         OR (kind IN ('programme_pool', 'voucher', 'provider_payable') AND NOT debits_must_not_exceed_credits)
         OR (debits_must_not_exceed_credits AND debits_pending_fen + debits_posted_fen > credits_posted_fen)
         OR (credits_must_not_exceed_debits AND credits_pending_fen + credits_posted_fen > debits_posted_fen)
      ORDER BY id`,
  ),
};

const poolsWithinBudget: InvariantCheck = {
  name: "pools_within_budget",
  run: offendingRows(
    "every programme's pool was funded with exactly its budget, and has issued no more than it holds",
    sql`
      WITH pools AS (
        SELECT p.id AS programme_id, p.budget_fen, a.id AS pool_account_id,
               coalesce((SELECT sum(t.amount_fen) FROM ledger_transfers t WHERE t.credit_account_id = p.pool_account_id AND t.code = 'budget'), 0) AS funded_fen,
               a.credits_posted_fen, a.debits_posted_fen, a.debits_pending_fen
        FROM programmes p
        LEFT JOIN ledger_accounts a ON a.id = p.pool_account_id AND a.kind = 'programme_pool' AND a.programme_id = p.id
      )
      SELECT *, count(*) OVER () AS failures FROM pools
      WHERE pool_account_id IS NULL OR funded_fen <> budget_fen
         OR debits_posted_fen + debits_pending_fen > credits_posted_fen
         OR credits_posted_fen - funded_fen > debits_posted_fen
      ORDER BY programme_id`,
  ),
};

const vouchersMatchAccounts: InvariantCheck = {
  name: "vouchers_match_accounts",
  run: offendingRows(
    "each voucher's account was credited exactly its face value (plus subsidy reversed to it by upheld disputes), and an ended voucher holds nothing",
    sql`
      SELECT v.id AS voucher_id, v.status, v.face_value_fen, a.id AS account_id, a.kind,
             a.credits_posted_fen, a.credits_pending_fen, a.debits_posted_fen, a.debits_pending_fen,
             count(*) OVER () AS failures
      FROM vouchers v LEFT JOIN ledger_accounts a ON a.id = v.account_id
      WHERE a.id IS NULL OR a.kind <> 'voucher' OR a.programme_id IS NOT v.programme_id OR a.org_id IS NOT v.sme_org_id
         OR a.credits_posted_fen <> v.face_value_fen + coalesce((SELECT sum(t.amount_fen) FROM ledger_transfers t WHERE t.credit_account_id = a.id AND t.code IN ('dispute_reversal', 'claim_reversal')), 0)
         OR a.credits_pending_fen <> 0
         OR (v.status <> 'active' AND (a.debits_pending_fen <> 0 OR a.debits_posted_fen <> a.credits_posted_fen))
      ORDER BY v.id`,
  ),
};

const annualSubsidyWithinCap: InvariantCheck = {
  name: "annual_subsidy_within_cap",
  run: offendingRows(
    "each enterprise's yearly subsidy counter is within its cap and equals its live holds plus settled subsidies",
    sql`
      WITH counted AS (
        SELECT va.programme_id, va.org_id AS sme_org_id,
               coalesce(b.cap_year, ${shanghaiYearOf(sql`h.created_at`)}) AS year,
               sum(CASE WHEN r.kind = 'void_pending' THEN 0
                        WHEN r.kind = 'post_pending' THEN r.amount_fen - coalesce((SELECT sum(x.amount_fen) FROM ledger_transfers x WHERE x.subject_id = h.subject_id AND x.code IN ('dispute_reversal', 'claim_reversal')), 0)
                        ELSE h.amount_fen END) AS counted_fen
        FROM ledger_transfers h
        JOIN ledger_accounts va ON va.id = h.debit_account_id AND va.kind = 'voucher'
        LEFT JOIN ledger_transfers r ON r.pending_id = h.id
        LEFT JOIN bookings b ON b.id = h.subject_id
        WHERE h.kind = 'pending'
        GROUP BY 1, 2, 3
      ), compared AS (
        SELECT s.programme_id, s.sme_org_id, s.year, s.subsidy_fen, s.cap_fen, coalesce(c.counted_fen, 0) AS counted_fen
        FROM annual_subsidy s
        LEFT JOIN counted c ON c.programme_id = s.programme_id AND c.sme_org_id = s.sme_org_id AND c.year = s.year
        UNION ALL
        SELECT c.programme_id, c.sme_org_id, c.year, 0, NULL, c.counted_fen
        FROM counted c
        WHERE NOT EXISTS (SELECT 1 FROM annual_subsidy s WHERE s.programme_id = c.programme_id AND s.sme_org_id = c.sme_org_id AND s.year = c.year)
      )
      SELECT *, count(*) OVER () AS failures FROM compared
      WHERE subsidy_fen <> counted_fen OR subsidy_fen > cap_fen OR subsidy_fen < 0
      ORDER BY programme_id, sme_org_id, year`,
  ),
};

const annualIssuanceWithinCap: InvariantCheck = {
  name: "annual_issuance_within_cap",
  run: offendingRows(
    "each enterprise's yearly issuance counter is within its cap and equals the face value issued that year",
    sql`
      WITH issued AS (
        SELECT programme_id, sme_org_id, ${shanghaiYearOf(sql`issued_at`)} AS year, sum(face_value_fen) AS issued_sum_fen
        FROM vouchers GROUP BY 1, 2, 3
      ), compared AS (
        SELECT n.programme_id, n.sme_org_id, n.year, n.issued_fen, n.cap_fen, coalesce(i.issued_sum_fen, 0) AS issued_sum_fen
        FROM annual_issuance n
        LEFT JOIN issued i ON i.programme_id = n.programme_id AND i.sme_org_id = n.sme_org_id AND i.year = n.year
        UNION ALL
        SELECT i.programme_id, i.sme_org_id, i.year, 0, NULL, i.issued_sum_fen
        FROM issued i
        WHERE NOT EXISTS (SELECT 1 FROM annual_issuance n WHERE n.programme_id = i.programme_id AND n.sme_org_id = i.sme_org_id AND n.year = i.year)
      )
      SELECT *, count(*) OVER () AS failures FROM compared
      WHERE issued_fen <> issued_sum_fen OR issued_fen > cap_fen OR issued_fen < 0
      ORDER BY programme_id, sme_org_id, year`,
  ),
};

const pendingResolvedOnce: InvariantCheck = {
  name: "pending_resolved_once",
  run: offendingRows(
    "every post or void names a pending transfer on the same accounts, resolves it once, and posts no more than was held",
    sql`
      SELECT r.id AS transfer_id, r.kind, r.pending_id, r.amount_fen, p.kind AS pending_kind, p.amount_fen AS pending_amount_fen,
             (SELECT count(*) FROM ledger_transfers x WHERE x.pending_id = r.pending_id) AS resolutions,
             count(*) OVER () AS failures
      FROM ledger_transfers r LEFT JOIN ledger_transfers p ON p.id = r.pending_id
      WHERE r.pending_id IS NOT NULL AND (
            p.id IS NULL OR p.kind <> 'pending'
         OR r.debit_account_id <> p.debit_account_id OR r.credit_account_id <> p.credit_account_id
         OR (r.kind = 'post_pending' AND r.amount_fen > p.amount_fen)
         OR (r.kind = 'void_pending' AND r.amount_fen <> p.amount_fen)
         OR (SELECT count(*) FROM ledger_transfers x WHERE x.pending_id = r.pending_id) > 1)
      ORDER BY r.id`,
  ),
};

const transfersInTheirProgramme: InvariantCheck = {
  name: "transfers_in_their_programme",
  run: offendingRows(
    "every transfer's programme_id is its accounts' programme, and no transfer moves money between two programmes",
    sql`
      SELECT t.id AS transfer_id, t.programme_id, d.programme_id AS debit_programme_id, c.programme_id AS credit_programme_id,
             count(*) OVER () AS failures
      FROM ledger_transfers t
      JOIN ledger_accounts d ON d.id = t.debit_account_id
      JOIN ledger_accounts c ON c.id = t.credit_account_id
      WHERE t.programme_id IS NOT coalesce(d.programme_id, c.programme_id)
         OR t.programme_id IS NULL
         OR (d.programme_id IS NOT NULL AND c.programme_id IS NOT NULL AND d.programme_id <> c.programme_id)
      ORDER BY t.id`,
  ),
};

/** Every invariant, in the order a person reads them. */
export const invariantChecks: readonly InvariantCheck[] = [
  balanced,
  accountsMatchTransfers,
  noOverdraft,
  poolsWithinBudget,
  vouchersMatchAccounts,
  annualSubsidyWithinCap,
  annualIssuanceWithinCap,
  pendingResolvedOnce,
  transfersInTheirProgramme,
  slotsMatchBookings,
  bookingsMatchHolds,
  usageCountersMatchEvents,
  deliveriesMatchUsage,
  payablesMatchClaims,
  paidOutMatchesPaidClaims,
];

export async function verifyLedger(store: Store, checks: readonly InvariantCheck[] = invariantChecks): Promise<VerifyReport> {
  const results: CheckResult[] = [];
  for (const check of checks) results.push({ name: check.name, ...(await check.run(store)) });
  return { ok: results.every((r) => r.ok), checks: results };
}

/** The report as lines for a terminal. */
export function formatReport(report: VerifyReport): string {
  const lines = report.checks.map((c) => {
    const head = `${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`;
    return c.first_failure ? `${head}\n     first failure: ${JSON.stringify(c.first_failure)}` : head;
  });
  lines.push(report.ok ? "ledger invariants hold" : "LEDGER INVARIANTS BROKEN");
  return lines.join("\n");
}
