// The annual cap on voucher issuance (Zhejiang: up to CNY 100k of quota a year), as a counter
// that moves in the approval's batch. The CHECK `annual_issue_cap_exceeded` refuses the batch
// that would pass the cap, so two concurrent approvals cannot both fit under it.
import { sql, type SQLWrapper } from "drizzle-orm";
import { NO_ANNUAL_LIMIT_FEN } from "./ledger";
import { annual_issuance } from "./schema";
import type { Store } from "./store";

export interface IssuanceKey {
  programme_id: string;
  sme_org_id: string;
  /** Calendar year (Asia/Shanghai) of issue. */
  year: number;
}

/** Counts face value issued against the enterprise's annual issuance quota (null: none) under the current rules. */
export function annualIssuanceAdd(store: Store, key: IssuanceKey, amountFen: number, capFen: number | null): SQLWrapper {
  return store.db
    .insert(annual_issuance)
    .values({ ...key, issued_fen: amountFen, cap_fen: capFen ?? NO_ANNUAL_LIMIT_FEN })
    .onConflictDoUpdate({
      target: [annual_issuance.programme_id, annual_issuance.sme_org_id, annual_issuance.year],
      set: { issued_fen: sql`${annual_issuance.issued_fen} + excluded.issued_fen`, cap_fen: sql`excluded.cap_fen` },
    });
}
