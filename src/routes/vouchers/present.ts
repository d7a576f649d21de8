// Voucher rows to API shapes: balances by name, instants as ISO strings, the last valid day.
import type { LedgerAccount, LedgerTransfer, Voucher } from "../../db/schema";
import { validThroughOn } from "../../domain/validity";
import { toIso } from "../../lib/time";
import { voucherBalance, type VoucherBalance } from "../../services/vouchers";

export function presentVoucherBalance(voucher: Voucher, balance: VoucherBalance) {
  return {
    ...voucher,
    ...balance,
    issued_at: toIso(voucher.issued_at),
    expires_at: toIso(voucher.expires_at),
    valid_through_on: validThroughOn(voucher.expires_at),
    created_at: toIso(voucher.created_at),
  };
}

export function presentVoucher(row: { voucher: Voucher; account: LedgerAccount; lapsed_fen: number }) {
  return presentVoucherBalance(row.voucher, voucherBalance(row.account, row.voucher.face_value_fen, Number(row.lapsed_fen)));
}

export function presentTransfer(accountId: string, t: LedgerTransfer) {
  const incoming = t.credit_account_id === accountId;
  return {
    id: t.id,
    kind: t.kind,
    code: t.code,
    direction: incoming ? ("in" as const) : ("out" as const),
    amount_fen: t.amount_fen,
    counterparty_account_id: incoming ? t.debit_account_id : t.credit_account_id,
    pending_id: t.pending_id,
    subject_id: t.subject_id,
    created_at: toIso(t.created_at),
  };
}
