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

/**
 * A transfer as the voucher sees it. signed_amount_fen is what it did to the available balance,
 * so a voucher's rows sum to its available balance: a hold −held; a void +held (all of it back);
 * a delivery's post +(held − posted), the rest released to the voucher; posted transfers ± amount.
 * `heldFen` is the pending transfer's amount for a post or void.
 */
export function presentTransfer(accountId: string, t: LedgerTransfer, heldFen: number | null = null) {
  const incoming = t.credit_account_id === accountId;
  const signed =
    t.kind === "pending" ? (incoming ? 0 : -t.amount_fen)
    : t.kind === "void_pending" ? (incoming ? 0 : t.amount_fen)
    : t.kind === "post_pending" ? (incoming ? t.amount_fen : (heldFen ?? t.amount_fen) - t.amount_fen)
    : incoming ? t.amount_fen : -t.amount_fen;
  return {
    id: t.id,
    kind: t.kind,
    code: t.code,
    direction: incoming ? ("in" as const) : ("out" as const),
    amount_fen: t.amount_fen,
    signed_amount_fen: signed,
    released_fen: t.kind === "post_pending" && !incoming && heldFen !== null ? heldFen - t.amount_fen : null,
    counterparty_account_id: incoming ? t.debit_account_id : t.credit_account_id,
    pending_id: t.pending_id,
    subject_id: t.subject_id,
    created_at: toIso(t.created_at),
  };
}
