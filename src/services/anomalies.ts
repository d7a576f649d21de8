// Anomaly flags (docs/anomalies.md), raised by the sweep and never by the write that caused them.
//
// Each run reads the audit events after its cursor (at most `events_per_run`, in sequence order,
// keyset on seq), gathers the bookings, vouchers, claims and organisations they touched, and
// checks the rules (src/services/anomaly-checks/) on those alone. A flag is an INSERT … ON
// CONFLICT DO NOTHING on the unique (rule, subject, programme) key, so two sweeps computing the
// same flag raise it once; the cursor only moves forward (max of old and new). A run that fails
// leaves the cursor where it was, and the next run does the same work again, harmlessly.
import { and, asc, desc, eq, gt, inArray, or, sql, type SQLWrapper } from "drizzle-orm";
import { anomaly_flags, anomaly_sweep, audit_events, bookings, usage_events } from "../db/schema";
import type { Store } from "../db/store";
import { DEFAULT_ANOMALY_SETTINGS, RULE_SEVERITY, type AnomalySettings } from "../domain/anomaly-rules";
import { newId } from "../lib/ids";
import { chunks, type Candidate } from "./anomaly-checks/evidence";
import { SweepRun } from "./anomaly-checks/sweep-run";

/** The production sweep's cursor row; tests keep cursors of their own so runs elsewhere never skip their events. */
export const CURSOR_ID = "audit";
/** Bookings re-checked when an organisation declares a related party after booking. */
const BOOKINGS_PER_DECLARATION = 100;

export interface SweepResult {
  events: number;
  flags_raised: number;
  /** "rule:subject id" of each flag this run inserted (not those another run had inserted first). */
  raised: string[];
  /** True when the run reached the end of the log. */
  caught_up: boolean;
  last_seq: number;
}

/** One bounded run. Never throws for a rule's sake: runScheduled logs and carries on. */
export async function sweepAnomalies(store: Store, now: number, settings: AnomalySettings = DEFAULT_ANOMALY_SETTINGS, cursorId = CURSOR_ID): Promise<SweepResult> {
  const [cursor] = await store.db.select().from(anomaly_sweep).where(eq(anomaly_sweep.id, cursorId));
  const from = cursor?.last_seq ?? 0;
  const events = await store.db
    .select({ seq: audit_events.seq, action: audit_events.action, subject_type: audit_events.subject_type, subject_id: audit_events.subject_id })
    .from(audit_events)
    .where(gt(audit_events.seq, from))
    .orderBy(asc(audit_events.seq))
    .limit(settings.events_per_run);
  if (events.length === 0) return { events: 0, flags_raised: 0, raised: [], caught_up: true, last_seq: from };
  const lastSeq = events[events.length - 1]!.seq;

  const bookingIds = new Set<string>();
  const usageBatches = new Set<string>();
  const claimIds = new Set<string>();
  const declaringOrgs = new Set<string>();
  for (const e of events) {
    if (e.subject_type === "booking") bookingIds.add(e.subject_id);
    else if (e.subject_type === "usage_batch") usageBatches.add(e.subject_id);
    else if (e.subject_type === "claim" && (e.action === "claim.submitted" || e.action === "claim.resubmitted")) claimIds.add(e.subject_id);
    else if (e.action === "related_party.declared") declaringOrgs.add(e.subject_id);
  }

  const run = new SweepRun(store, settings);
  const meteredBookings = new Set<string>();
  for (const chunk of chunks([...usageBatches])) {
    const rows = await store.db.selectDistinct({ id: usage_events.booking_id }).from(usage_events).where(inArray(usage_events.batch_id, chunk));
    for (const row of rows) meteredBookings.add(row.id);
  }
  for (const orgId of declaringOrgs) {
    const rows = await store.db
      .select({ id: bookings.id })
      .from(bookings)
      .where(and(or(eq(bookings.sme_org_id, orgId), eq(bookings.provider_org_id, orgId)), sql`${bookings.programme_id} IS NOT NULL`))
      .orderBy(desc(bookings.created_at))
      .limit(BOOKINGS_PER_DECLARATION);
    for (const row of rows) bookingIds.add(row.id);
  }

  const candidates: Candidate[] = [];
  const touched = await run.bookings([...bookingIds, ...meteredBookings]);
  const voucherIds = new Set<string>();
  const providerPairs = new Map<string, { programme_id: string; provider_org_id: string }>();
  for (const booking of touched) {
    if (!booking.programme_id) continue;
    candidates.push(...(await run.partyRules(booking)));
    if (meteredBookings.has(booking.id)) candidates.push(...(await run.usageRules(booking)));
    if (booking.voucher_id) voucherIds.add(booking.voucher_id);
    providerPairs.set(`${booking.programme_id}|${booking.provider_org_id}`, { programme_id: booking.programme_id, provider_org_id: booking.provider_org_id });
  }
  for (const voucherId of voucherIds) candidates.push(...(await run.voucherRules(voucherId)));
  for (const pair of providerPairs.values()) {
    const flag = await run.concentration(pair.programme_id, pair.provider_org_id);
    if (flag) candidates.push(flag);
  }
  for (const claimId of claimIds) {
    const flag = await run.invoiceReuse(claimId);
    if (flag) candidates.push(flag);
  }

  const inserts = candidates.map((c) =>
    store.db
      .insert(anomaly_flags)
      .values({
        id: newId("anm"),
        rule: c.rule,
        severity: RULE_SEVERITY[c.rule],
        subject_kind: c.subject_kind,
        subject_id: c.subject_id,
        programme_id: c.programme_id,
        evidence_json: JSON.stringify(c.evidence),
        status: "open",
        reviewed_by: null,
        reviewed_at: null,
        review_note: null,
        created_at: now,
      })
      .onConflictDoNothing()
      .returning({ rule: anomaly_flags.rule, subject_id: anomaly_flags.subject_id }),
  );
  const moveCursor = store.db
    .insert(anomaly_sweep)
    .values({ id: cursorId, last_seq: lastSeq, updated_at: now })
    .onConflictDoUpdate({ target: anomaly_sweep.id, set: { last_seq: sql`max(${anomaly_sweep.last_seq}, ${lastSeq})`, updated_at: now } });
  const raised: string[] = [];
  // The cursor moves in the batch with the last flags, so a run that fails raises nothing it will not redo.
  const batches: SQLWrapper[][] = [];
  for (let i = 0; i < inserts.length; i += 150) batches.push(inserts.slice(i, i + 150));
  if (batches.length === 0) batches.push([]);
  batches[batches.length - 1]!.push(moveCursor);
  for (const statements of batches) {
    const results = await store.batch(statements);
    for (const rows of results) for (const row of rows) if (row.rule) raised.push(`${row.rule}:${row.subject_id}`);
  }
  return { events: events.length, flags_raised: raised.length, raised, caught_up: events.length < settings.events_per_run, last_seq: lastSeq };
}

/** Runs the sweep until it reaches the end of the log or `maxRuns` runs (tests, CLI). */
export async function sweepAnomaliesUntilCaughtUp(store: Store, now: number, settings: AnomalySettings = DEFAULT_ANOMALY_SETTINGS, cursorId = CURSOR_ID, maxRuns = 1_000): Promise<number> {
  let raised = 0;
  for (let i = 0; i < maxRuns; i++) {
    const result = await sweepAnomalies(store, now, settings, cursorId);
    raised += result.flags_raised;
    if (result.caught_up) return raised;
  }
  return raised;
}
