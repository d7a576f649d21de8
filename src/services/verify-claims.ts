// Invariant checks for claims (兑付) and payment, appended to the checker in verify.ts.
// Each is one read-only statement. Claims are read from the claims tables, money from the ledger,
// so a claim whose amount, status or payment disagrees with the money it stands for is caught.
import { sql } from "drizzle-orm";
import { offendingRows, type InvariantCheck } from "./verify";

const UNPAID = sql.raw(["submitted", "returned", "reviewed", "on_notice"].map((s) => `'${s}'`).join(", "));

/**
 * Every payable account's balance (posted credits − posted debits) is what is still owed on it:
 * the amounts of its unpaid claims plus its settlements no claim covers yet. A settlement is a
 * hold's posting less any dispute or claim reversal of its booking (a claim reversal of an
 * unclaimed settlement is the claim deadline lapsing). The payable of a claim is the account its
 * bookings' holds credit.
 */
export const payablesMatchClaims: InvariantCheck = {
  name: "payables_match_claims",
  run: (store) =>
    offendingRows(
      "each payable's balance equals its unpaid claims plus its settlements not yet claimed",
      sql`
        WITH settled AS (
          SELECT p.credit_account_id AS account_id, p.subject_id,
                 r.amount_fen - coalesce((SELECT sum(x.amount_fen) FROM ledger_transfers x
                   WHERE x.subject_id = p.subject_id AND x.debit_account_id = p.credit_account_id AND x.code IN ('dispute_reversal', 'claim_reversal')), 0) AS owed_fen
          FROM ledger_transfers p JOIN ledger_transfers r ON r.pending_id = p.id AND r.kind = 'post_pending'
          WHERE p.kind = 'pending'
        ), unclaimed AS (
          SELECT account_id, sum(owed_fen) AS fen, count(*) AS n FROM settled s
          WHERE NOT EXISTS (SELECT 1 FROM claim_bookings cb WHERE cb.booking_id = s.subject_id)
          GROUP BY account_id
        ), claim_payables AS (
          SELECT c.id AS claim_id, c.amount_fen,
                 (SELECT h.credit_account_id FROM claim_bookings cb JOIN bookings b ON b.id = cb.booking_id
                  JOIN ledger_transfers h ON h.id = b.hold_transfer_id WHERE cb.claim_id = c.id ORDER BY cb.booking_id LIMIT 1) AS account_id
          FROM claims c WHERE c.status IN (${UNPAID})
        ), unpaid AS (
          SELECT account_id, sum(amount_fen) AS fen, count(*) AS n, min(claim_id) AS first_claim_id FROM claim_payables GROUP BY account_id
        ), compared AS (
          SELECT a.id AS account_id, a.org_id, a.programme_id, a.credits_posted_fen - a.debits_posted_fen AS balance_fen,
                 coalesce(u.fen, 0) AS unpaid_claims_fen, coalesce(u.n, 0) AS unpaid_claims, u.first_claim_id,
                 coalesce(n.fen, 0) AS unclaimed_settlements_fen, coalesce(n.n, 0) AS unclaimed_settlements
          FROM ledger_accounts a
          LEFT JOIN unpaid u ON u.account_id = a.id
          LEFT JOIN unclaimed n ON n.account_id = a.id
          WHERE a.kind = 'provider_payable'
          UNION ALL
          SELECT u.account_id, NULL, NULL, NULL, u.fen, u.n, u.first_claim_id, 0, 0 FROM unpaid u
          WHERE u.account_id IS NULL OR NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = u.account_id AND a.kind = 'provider_payable')
        )
        SELECT *, count(*) OVER () AS failures FROM compared
        WHERE balance_fen IS NULL OR balance_fen <> unpaid_claims_fen + unclaimed_settlements_fen
        ORDER BY account_id`,
    )(store),
};

/**
 * Each programme's paid-out account holds exactly the amounts of its paid claims, and each paid
 * claim has its one payout transfer (pay:<claim id>) for its amount, from the payable its bookings
 * credit, into that account; no payout exists for a claim that is not paid.
 */
export const paidOutMatchesPaidClaims: InvariantCheck = {
  name: "paid_out_matches_paid_claims",
  run: (store) =>
    offendingRows(
      "each programme's paid-out equals the sum of its paid claims, each paid once by its own transfer",
      sql`
        WITH per_claim AS (
          SELECT c.programme_id, c.id AS claim_id, c.status, c.amount_fen, t.id AS transfer_id, t.amount_fen AS transfer_fen,
                 t.debit_account_id, t.credit_account_id,
                 (SELECT h.credit_account_id FROM claim_bookings cb JOIN bookings b ON b.id = cb.booking_id
                  JOIN ledger_transfers h ON h.id = b.hold_transfer_id WHERE cb.claim_id = c.id ORDER BY cb.booking_id LIMIT 1) AS payable_id
          FROM claims c LEFT JOIN ledger_transfers t ON t.id = 'pay:' || c.id
        ), bad_claims AS (
          SELECT programme_id, min(claim_id) AS first_claim_id, count(*) AS n FROM per_claim
          WHERE (status = 'paid' AND (transfer_id IS NULL OR transfer_fen <> amount_fen OR debit_account_id IS NOT payable_id
                 OR credit_account_id NOT IN (SELECT id FROM ledger_accounts WHERE kind = 'paid_out' AND programme_id = per_claim.programme_id)))
             OR (status <> 'paid' AND transfer_id IS NOT NULL)
          GROUP BY programme_id
        ), paid AS (
          SELECT programme_id, sum(amount_fen) AS fen, count(*) AS n FROM claims WHERE status = 'paid' GROUP BY programme_id
        ), outs AS (
          SELECT programme_id, sum(credits_posted_fen - debits_posted_fen) AS fen, sum(debits_posted_fen + debits_pending_fen + credits_pending_fen) AS other_fen
          FROM ledger_accounts WHERE kind = 'paid_out' GROUP BY programme_id
        ), compared AS (
          SELECT p.id AS programme_id, coalesce(o.fen, 0) AS paid_out_fen, coalesce(o.other_fen, 0) AS paid_out_other_moves_fen,
                 coalesce(pd.fen, 0) AS paid_claims_fen, coalesce(pd.n, 0) AS paid_claims,
                 bc.first_claim_id AS first_bad_claim_id, coalesce(bc.n, 0) AS bad_claims
          FROM programmes p
          LEFT JOIN outs o ON o.programme_id = p.id
          LEFT JOIN paid pd ON pd.programme_id = p.id
          LEFT JOIN bad_claims bc ON bc.programme_id = p.id
        )
        SELECT *, count(*) OVER () AS failures FROM compared
        WHERE paid_out_fen <> paid_claims_fen OR paid_out_other_moves_fen <> 0 OR bad_claims > 0
        ORDER BY programme_id`,
    )(store),
};
