// The outside probe's data set (issue 7 item 4): one approved provider with 1,000 active compute
// offerings, each blacked out for 31 days except one hour at the end, so a search must walk the
// whole window of every offering to find the one free hour. Seeded with bulk SQL on the file a
// server will open (the API would refuse this many offerings and blackouts now).
import BetterSqlite3 from "better-sqlite3";
import { DAY_MS, HOUR_MS } from "../../src/lib/time";

export const ADVERSARY_OFFERINGS = 1_000;
export const BLACKOUT_DAYS = 31;

/** Adds the provider, its offerings, blackouts and blocked slots; returns the slot rows written. */
export function seedAdversary(path: string, now: number): { window_from: number; window_to: number; slot_rows: number } {
  const db = new BetterSqlite3(path);
  db.pragma("journal_mode = WAL");
  const from = now - (now % HOUR_MS) + HOUR_MS;
  // Blacked out from the next hour for 31 days less one hour: the last hour of the window is free.
  const blockedUntil = from + BLACKOUT_DAYS * DAY_MS - HOUR_MS;
  const seed = db.transaction(() => {
    db.prepare(
      `INSERT INTO organisations (id, kind, name, credit_code, region_code, size_class, founded_on, provider_status, created_at)
       VALUES ('org_adversary', 'provider', '探针 Probe', '91110108MA00ADV001', '110108', 'medium', '2020-01-01', 'active', ?)`,
    ).run(now);
    // Approved by every agency (per-agency vetting), so its offerings are published and searchable.
    db.prepare(
      `INSERT INTO provider_vettings (agency_org_id, provider_org_id, status, decided_at, created_at, updated_at)
       SELECT id, 'org_adversary', 'approved', ?, ?, ? FROM organisations WHERE kind = 'agency'`,
    ).run(now, now, now);
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
       INSERT INTO offerings (id, provider_org_id, category, name, region_code, status, unit, unit_minutes, unit_price_fen, slot_minutes,
         capacity_units, min_duration_units, max_duration_units, lead_time_minutes, cancellation_notice_minutes, requires_confirmation,
         domestic, accelerator_model, cards_per_node, created_at, updated_at)
       SELECT printf('off_adv%04d', i), 'org_adversary', 'compute', printf('探针 %d', i), '110108', 'active', 'card_hour', 60, 1, 60,
         8, 1, 720, 0, 0, 0, 1, 'Ascend 910B', NULL, ?, ? FROM n`,
    ).run(ADVERSARY_OFFERINGS, now, now);
    db.prepare(
      `INSERT INTO blackouts (id, offering_id, starts_at, ends_at, reason, created_at)
       SELECT 'blk_' || id, id, ?, ?, 'probe', ? FROM offerings WHERE provider_org_id = 'org_adversary'`,
    ).run(from, blockedUntil, now);
    return db
      .prepare(
        `WITH RECURSIVE slots(at) AS (SELECT ? UNION ALL SELECT at + ? FROM slots WHERE at + ? < ?)
         INSERT INTO slot_usage (offering_id, slot_start_at, booked_units, capacity_units, blocked)
         SELECT o.id, slots.at, 0, 8, 1 FROM offerings o, slots WHERE o.provider_org_id = 'org_adversary'`,
      )
      .run(from, HOUR_MS, HOUR_MS, blockedUntil).changes;
  });
  const slot_rows = seed();
  db.close();
  return { window_from: from, window_to: from + BLACKOUT_DAYS * DAY_MS, slot_rows };
}
