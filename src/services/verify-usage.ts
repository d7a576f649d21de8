// Invariant checks for usage and settlement on it, appended to the checker in verify.ts.
import { sql } from "drizzle-orm";
import { offendingRows, type InvariantCheck } from "./verify";

/** Every counter equals the sum of its booking's accepted events, within 0..booked; no events without a counter. */
export const usageCountersMatchEvents: InvariantCheck = {
  name: "usage_counters_match_events",
  run: (store) =>
    offendingRows(
      "each booking's metered total equals the sum of its accepted usage events, between zero and what was booked",
      sql`
        WITH sums AS (SELECT booking_id, sum(quantity_milli) AS events_milli FROM usage_events GROUP BY booking_id),
        compared AS (
          SELECT u.booking_id, u.metered_milli, u.booked_milli, coalesce(s.events_milli, 0) AS events_milli,
                 b.quantity * ((b.ends_at - b.starts_at) / (o.unit_minutes * 60000)) * 1000 AS expected_booked_milli
          FROM booking_usage u
          JOIN bookings b ON b.id = u.booking_id JOIN offerings o ON o.id = b.offering_id
          LEFT JOIN sums s ON s.booking_id = u.booking_id
          UNION ALL
          SELECT s.booking_id, NULL, NULL, s.events_milli, NULL FROM sums s
          WHERE NOT EXISTS (SELECT 1 FROM booking_usage u WHERE u.booking_id = s.booking_id)
        )
        SELECT *, count(*) OVER () AS failures FROM compared
        WHERE metered_milli IS NULL OR metered_milli <> events_milli OR metered_milli < 0 OR metered_milli > booked_milli
           OR booked_milli <> expected_booked_milli
        ORDER BY booking_id`,
    )(store),
};

/**
 * A delivered booking settled on its metered usage: the quantity is the counter, the gross is
 * the quoted unit price on it (rounded down), gross = subsidy + co-pay, no subsidy without a
 * hold (the hold's posting is bookings_match_holds), and it awaits or has a confirmation.
 */
export const deliveriesMatchUsage: InvariantCheck = {
  name: "deliveries_match_usage",
  run: (store) =>
    offendingRows(
      "each delivered booking's quantity, gross, subsidy and co-pay are its metered usage at the quoted price",
      sql`
        SELECT b.id AS booking_id, b.delivered_quantity_milli, coalesce(u.metered_milli, 0) AS metered_milli, b.delivered_gross_fen,
               b.delivered_subsidy_fen, b.delivered_copay_fen, b.confirmation_state, count(*) OVER () AS failures
        FROM bookings b LEFT JOIN booking_usage u ON u.booking_id = b.id
        WHERE b.status IN ('delivered', 'settled') AND b.delivered_gross_fen IS NOT NULL AND (
              b.delivered_quantity_milli IS NOT coalesce(u.metered_milli, 0)
           OR b.delivered_gross_fen <> (json_extract(b.quote_json, '$.unit_price_fen') * b.delivered_quantity_milli) / 1000
           OR b.delivered_gross_fen IS NOT b.delivered_subsidy_fen + b.delivered_copay_fen
           OR b.delivered_subsidy_fen < 0 OR b.delivered_copay_fen < 0 OR b.delivered_subsidy_fen > b.subsidy_fen
           OR (b.hold_transfer_id IS NULL AND b.delivered_subsidy_fen <> 0)
           OR b.confirmation_state IS NULL)
        ORDER BY b.id`,
    )(store),
};
