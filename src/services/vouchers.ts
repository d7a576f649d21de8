// Issuing a voucher and reading its balance. Approval is one batch: the application leaves
// 'pending' (transition guard), the voucher row and its account appear, the pool pays the face
// value (pool CHECK: no programme issues past its budget) and the enterprise's annual issuance
// counter grows (CHECK: annual cap). The voucher row's programme_version and sme_org_id come from
// sub-selects that are empty (NOT NULL fails) if the programme closed or changed its rules, or the
// enterprise was blacklisted, since the approver read them.
import { eq, sql, type SQLWrapper } from "drizzle-orm";
import { accountIds } from "../db/accounts";
import type { AuditInput } from "../db/audit";
import { transition } from "../db/guards";
import { annualIssuanceAdd } from "../db/issuance";
import { accountInsert, postedTransfer } from "../db/ledger";
import {
  ledger_accounts,
  organisations,
  programmes,
  voucher_applications,
  vouchers,
  type LedgerAccount,
  type Programme,
  type Voucher,
  type VoucherApplication,
} from "../db/schema";
import type { Store } from "../db/store";
import { availableFen } from "../domain/ledger";
import { voucherExpiresAt } from "../domain/validity";
import { shanghaiYear } from "../lib/time";
import { POOL_CODES, type RulesVersion } from "./programmes";

export const issueTransferId = (voucherId: string) => `issue:${voucherId}`;
/** A voucher's balance returns to the pool at most once: on expiry or on revocation. */
export const returnTransferId = (voucherId: string) => `return:${voucherId}`;

export interface IssueInput {
  application: VoucherApplication;
  programme: Programme;
  /** The programme's current rules: the voucher is issued under them. */
  rules: RulesVersion;
  approved_fen: number;
  voucher_id: string;
  decided_by: string;
  note: string | null;
}

export function issueVoucherStatements(store: Store, i: IssueInput, now: number): { statements: SQLWrapper[]; events: AuditInput[]; voucher: Voucher } {
  const { application: app, programme } = i;
  const voucher: Voucher = {
    id: i.voucher_id,
    programme_id: programme.id,
    programme_version: i.rules.version,
    sme_org_id: app.sme_org_id,
    application_id: app.id,
    account_id: accountIds.voucher(i.voucher_id),
    face_value_fen: i.approved_fen,
    issued_at: now,
    expires_at: voucherExpiresAt(i.rules.rules.validity, now),
    status: "active",
    status_reason: null,
    created_at: now,
  };
  const stillOpenVersion = sql`(SELECT ${programmes.current_version} FROM ${programmes} WHERE ${programmes.id} = ${programme.id} AND ${programmes.status} = 'open' AND ${programmes.current_version} = ${i.rules.version})`;
  const stillInGoodStanding = sql`(SELECT ${organisations.id} FROM ${organisations} WHERE ${organisations.id} = ${app.sme_org_id} AND ${organisations.credit_status} = 'good')`;
  const statements = [
    store.db
      .update(voucher_applications)
      .set({
        status: transition(voucher_applications.status, ["pending"], "approved"),
        approved_fen: i.approved_fen,
        decision_reason: i.note,
        decided_by: i.decided_by,
        decided_at: now,
        voucher_id: voucher.id,
      })
      .where(eq(voucher_applications.id, app.id)),
    store.db.insert(vouchers).values({ ...voucher, programme_version: stillOpenVersion as never, sme_org_id: stillInGoodStanding as never }),
    accountInsert(store, { id: voucher.account_id, kind: "voucher", programme_id: programme.id, org_id: app.sme_org_id }, now),
    ...postedTransfer(
      store,
      { id: issueTransferId(voucher.id), debit_account_id: programme.pool_account_id, credit_account_id: voucher.account_id, amount_fen: i.approved_fen, code: POOL_CODES.issue, subject_id: voucher.id },
      now,
    ),
    annualIssuanceAdd(store, { programme_id: programme.id, sme_org_id: app.sme_org_id, year: shanghaiYear(now) }, i.approved_fen, i.rules.rules.annual_issuance_quota_fen),
  ];
  const events: AuditInput[] = [
    {
      action: "voucher_application.approved",
      subject_type: "voucher_application",
      subject_id: app.id,
      programme_id: programme.id,
      before: { status: app.status },
      after: { status: "approved", approved_fen: i.approved_fen, voucher_id: voucher.id, note: i.note },
    },
    { action: "voucher.issued", subject_type: "voucher", subject_id: voucher.id, programme_id: programme.id, after: voucher },
  ];
  return { statements, events, voucher };
}

export interface VoucherBalance {
  face_value_fen: number;
  /** Reserved by bookings' holds, not yet settled or released. */
  held_fen: number;
  /** Settled to providers. */
  spent_fen: number;
  /** Returned to the pool when the voucher expired or was revoked. */
  lapsed_fen: number;
  available_fen: number;
}

export function voucherBalance(account: Pick<LedgerAccount, "debits_pending_fen" | "debits_posted_fen" | "credits_pending_fen" | "credits_posted_fen">, face_value_fen: number, lapsed_fen: number): VoucherBalance {
  return {
    face_value_fen,
    held_fen: account.debits_pending_fen,
    // Credits beyond the face value are subsidy reversed back by upheld disputes: not spent after all.
    spent_fen: account.debits_posted_fen - lapsed_fen - (account.credits_posted_fen - face_value_fen),
    lapsed_fen,
    available_fen: availableFen(account),
  };
}

/** The voucher columns with its account and the amount it returned to the pool (0 if none). */
export const voucherWithBalanceColumns = {
  voucher: vouchers,
  account: ledger_accounts,
  lapsed_fen: sql<number>`coalesce((SELECT amount_fen FROM ledger_transfers r WHERE r.id = 'return:' || ${vouchers.id}), 0)`,
};

export async function readVoucherWithBalance(store: Store, voucherId: string) {
  const [row] = await store.db
    .select(voucherWithBalanceColumns)
    .from(vouchers)
    .innerJoin(ledger_accounts, eq(ledger_accounts.id, vouchers.account_id))
    .where(eq(vouchers.id, voucherId));
  return row;
}
