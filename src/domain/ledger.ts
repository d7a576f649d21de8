// Ledger arithmetic (TigerBeetle's model), pure. An account's columns only ever grow or shrink
// through transfers; these read them the way people talk about them.
export interface AccountColumns {
  debits_pending_fen: number;
  debits_posted_fen: number;
  credits_pending_fen: number;
  credits_posted_fen: number;
}

/** What a debit-limited account (pool, voucher) can still hold or spend. */
export function availableFen(a: AccountColumns): number {
  return a.credits_posted_fen - a.debits_posted_fen - a.debits_pending_fen;
}

/** Net posted balance, credit-positive. Summed over every account it is zero. */
export function netPostedFen(a: AccountColumns): number {
  return a.credits_posted_fen - a.debits_posted_fen;
}

export function assertFen(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new Error(`${what} must be a non-negative whole number of fen, got ${amount}`);
  }
}
