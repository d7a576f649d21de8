// Where every fen of a programme went, read from the ledger (DESIGN §4): money figures are sums
// of transfers by code, never of booking columns, so they reconcile with the ledger by
// construction; booking columns add only what the ledger does not carry (gross price, co-pay,
// region, category). The period filters the instant each transfer, application or voucher was
// recorded; balances (held, pool available, burn-down) are as they stood at the period's end
// (or now), replayed from the transfers recorded by then. A programme's transfers are found by their programme_id (set by each transfer's own
// write, src/db/ledger.ts) through ledger_transfers_programme_idx, so a report reads its own
// programme's rows and no others.
import { sql, type SQL } from "drizzle-orm";
import { burnDown, type BurnDown } from "../domain/burn-down";
import type { Programme } from "../db/schema";
import type { Store } from "../db/store";
import { DAY_MS, SHANGHAI_OFFSET_MS } from "../lib/time";
import { CLAIM_REVERSAL_CODE } from "./claim-moves";
import { REVERSAL_CODE } from "./delivery-confirmation";
import { POOL_CODES } from "./programmes";
import { period, type ReportFilter } from "./report-scope";

const DELIVER_CODE = "deliver";
const HOLD_CODE = "hold";
/** A claim paid: provider payable → paid out (src/services/claim-moves.ts). */
const PAYOUT_CODE = "payout";
const TOP_N = 10;
const BURN_WINDOW_DAYS = 30;
const DEFAULT_UTILISATION_DAYS = 30;
const ENDED_BOOKING_STATUSES = ["cancelled", "rejected", "lapsed"];

const num = (v: unknown) => Number(v ?? 0);
const ratioBp = (subsidyFen: number, grossFen: number) => (grossFen > 0 ? Math.round((subsidyFen * 10_000) / grossFen) : null);
const shanghaiMonthSql = (column: SQL) => sql`strftime('%Y-%m', (${column} + ${SHANGHAI_OFFSET_MS}) / 1000, 'unixepoch')`;
export interface CodeTotal {
  code: string;
  kind: string;
  count: number;
  amount_fen: number;
}

export interface LedgerFigures {
  budget_fen: number;
  issued_fen: number;
  holds_placed_fen: number;
  /** Holds placed up to the period's end and not settled or released by then. */
  held_fen: number;
  settled_fen: number;
  holds_released_fen: number;
  lapsed_fen: number;
  revoked_fen: number;
  dispute_reversed_fen: number;
  /** settled − reversed: subsidy that reached providers and stayed there. */
  net_subsidy_fen: number;
  /** Claims paid out to their claimants (兑付). */
  paid_fen: number;
  /** Subsidy of rejected claims taken back from the provider's payable. */
  claim_reversed_fen: number;
}

async function codeTotals(store: Store, programmeId: string, p: { from: number; to: number }): Promise<CodeTotal[]> {
  const rows = await store.all<{ code: string; kind: string; n: number; amount: number }>(sql`
    SELECT t.code AS code, t.kind AS kind, count(*) AS n, sum(t.amount_fen) AS amount
    FROM ledger_transfers t
    WHERE t.programme_id = ${programmeId} AND t.created_at >= ${p.from} AND t.created_at < ${p.to}
    GROUP BY t.code, t.kind ORDER BY t.code, t.kind`);
  return rows.map((r) => ({ code: r.code, kind: r.kind, count: num(r.n), amount_fen: num(r.amount) }));
}

async function outstandingHeldFen(store: Store, programmeId: string, to: number): Promise<number> {
  const [row] = await store.all<{ held: number }>(sql`
    SELECT sum(t.amount_fen) AS held FROM ledger_transfers t
    WHERE t.programme_id = ${programmeId} AND t.code = ${HOLD_CODE} AND t.kind = 'pending' AND t.created_at < ${to}
      AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id AND r.created_at < ${to})`);
  return num(row?.held);
}

export function ledgerFigures(totals: readonly CodeTotal[], heldFen: number): LedgerFigures {
  const sum = (pred: (t: CodeTotal) => boolean) => totals.filter(pred).reduce((s, t) => s + t.amount_fen, 0);
  const posted = (code: string) => sum((t) => t.kind === "posted" && t.code === code);
  const settled = sum((t) => t.kind === "post_pending" && t.code === DELIVER_CODE);
  const reversed = posted(REVERSAL_CODE);
  return {
    budget_fen: posted(POOL_CODES.budget),
    issued_fen: posted(POOL_CODES.issue),
    holds_placed_fen: sum((t) => t.kind === "pending" && t.code === HOLD_CODE),
    held_fen: heldFen,
    settled_fen: settled,
    holds_released_fen: sum((t) => t.kind === "void_pending"),
    lapsed_fen: posted(POOL_CODES.expire),
    revoked_fen: posted(POOL_CODES.revoke),
    dispute_reversed_fen: reversed,
    net_subsidy_fen: settled - reversed,
    paid_fen: posted(PAYOUT_CODE),
    claim_reversed_fen: posted(CLAIM_REVERSAL_CODE),
  };
}

export interface DeliveredRow {
  key: string;
  label: string;
  bookings: number;
  /** Net of upheld disputes, from the ledger. */
  subsidy_fen: number;
  gross_fen: number;
  /** What the SMEs paid themselves on delivered bookings. */
  copay_fen: number;
  /** subsidy ÷ gross actually achieved, in basis points; null with no gross. */
  subsidy_ratio_bp: number | null;
}

type Dimension = "provider" | "sme" | "region" | "category" | "month";
const DIMENSIONS: readonly Dimension[] = ["provider", "sme", "region", "category", "month"];

interface DeliveredBreakdown {
  all: DeliveredRow;
  by: Record<Dimension, DeliveredRow[]>;
}

/** The period's deliveries (deliver, +) and upheld disputes (reversal, −) with what the booking adds. */
const deliveredRows = (programmeId: string, p: { from: number; to: number }) => sql`
  SELECT CASE WHEN t.code = ${DELIVER_CODE} THEN 1 ELSE 0 END AS n,
    CASE WHEN t.code = ${DELIVER_CODE} THEN t.amount_fen ELSE -t.amount_fen END AS subsidy,
    CASE WHEN t.code = ${DELIVER_CODE} THEN coalesce(b.delivered_gross_fen, 0) ELSE 0 END AS gross,
    CASE WHEN t.code = ${DELIVER_CODE} THEN coalesce(b.delivered_copay_fen, 0) ELSE 0 END AS copay,
    b.provider_org_id AS provider, b.sme_org_id AS sme, b.offering_id AS offering,
    ${shanghaiMonthSql(sql`t.created_at`)} AS month
  FROM ledger_transfers t
  JOIN bookings b ON b.id = t.subject_id
  WHERE t.programme_id = ${programmeId} AND t.created_at >= ${p.from} AND t.created_at < ${p.to}
    AND ((t.code = ${DELIVER_CODE} AND t.kind = 'post_pending') OR (t.code = ${REVERSAL_CODE} AND t.kind = 'posted'))`;

const sums = sql`sum(d.n) AS n, sum(d.subsidy) AS subsidy, sum(d.gross) AS gross, sum(d.copay) AS copay`;

function deliveredRow(r: { k: unknown; label: unknown; n: unknown; subsidy: unknown; gross: unknown; copay: unknown }): DeliveredRow {
  const gross = num(r.gross);
  const subsidy = num(r.subsidy);
  return { key: String(r.k), label: String(r.label), bookings: num(r.n), subsidy_fen: subsidy, gross_fen: gross, copay_fen: num(r.copay), subsidy_ratio_bp: ratioBp(subsidy, gross) };
}

const byKey = (a: DeliveredRow, b: DeliveredRow) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const bySubsidyThenKey = (a: DeliveredRow, b: DeliveredRow) => b.subsidy_fen - a.subsidy_fen || byKey(a, b);

/** Delivered subsidy (deliver − dispute reversals) in all; gross and co-pay count once, on the delivery. */
async function deliveredTotal(store: Store, programmeId: string, p: { from: number; to: number }): Promise<DeliveredRow> {
  const [row] = await store.all<{ n: number; subsidy: number; gross: number; copay: number }>(sql`
    SELECT ${sums} FROM (${deliveredRows(programmeId, p)}) d`);
  return deliveredRow({ k: "all", label: "all", n: 0, subsidy: 0, gross: 0, copay: 0, ...row });
}

/**
 * The same, in all and by provider, enterprise (the TOP_N largest only), region, category and
 * month, reading the period's rows once (d): one statement returns their sums by provider,
 * offering and month (a few rows per offering and month, with the names, region and category)
 * and the TOP_N enterprises; the other breakdowns add those sums up. Two compound terms only:
 * D1 refuses a compound SELECT of many.
 */
async function deliveredBreakdown(store: Store, programmeId: string, p: { from: number; to: number }): Promise<DeliveredBreakdown> {
  const rows = await store.all<{ part: "offering" | "sme"; k: string; label: string; region: string | null; category: string | null; month: string | null; n: number; subsidy: number; gross: number; copay: number }>(sql`
    WITH d AS MATERIALIZED (${deliveredRows(programmeId, p)})
    SELECT 'offering' AS part, g.provider AS k, prov.name AS label, o.region_code AS region, o.category AS category, g.month AS month, g.n, g.subsidy, g.gross, g.copay
    FROM (SELECT d.provider, d.offering, d.month, ${sums} FROM d GROUP BY d.provider, d.offering, d.month) g
    JOIN offerings o ON o.id = g.offering JOIN organisations prov ON prov.id = g.provider
    UNION ALL
    SELECT 'sme', g.k, sme.name, NULL, NULL, NULL, g.n, g.subsidy, g.gross, g.copay
    FROM (SELECT d.sme AS k, ${sums} FROM d GROUP BY d.sme ORDER BY subsidy DESC, k LIMIT ${TOP_N}) g JOIN organisations sme ON sme.id = g.k`);
  const groups = Object.fromEntries(DIMENSIONS.map((dim) => [dim, new Map<string, DeliveredRow>()])) as Record<Dimension, Map<string, DeliveredRow>>;
  let all = deliveredRow({ k: "all", label: "all", n: 0, subsidy: 0, gross: 0, copay: 0 });
  const add = (into: DeliveredRow, r: { n: number; subsidy: number; gross: number; copay: number }) =>
    deliveredRow({ k: into.key, label: into.label, n: into.bookings + num(r.n), subsidy: into.subsidy_fen + num(r.subsidy), gross: into.gross_fen + num(r.gross), copay: into.copay_fen + num(r.copay) });
  const addTo = (dim: Dimension, key: string, label: string, r: { n: number; subsidy: number; gross: number; copay: number }) => {
    const into = groups[dim].get(key) ?? deliveredRow({ k: key, label, n: 0, subsidy: 0, gross: 0, copay: 0 });
    groups[dim].set(key, add(into, r));
  };
  for (const r of rows) {
    if (r.part === "sme") {
      addTo("sme", r.k, r.label, r);
      continue;
    }
    all = add(all, r);
    addTo("provider", r.k, r.label, r);
    addTo("region", String(r.region), String(r.region), r);
    addTo("category", String(r.category), String(r.category), r);
    addTo("month", String(r.month), String(r.month), r);
  }
  const by = Object.fromEntries(DIMENSIONS.map((dim) => [dim, [...groups[dim].values()].sort(dim === "sme" ? bySubsidyThenKey : byKey)])) as Record<Dimension, DeliveredRow[]>;
  return { all, by };
}

export interface CountsByStatus {
  [status: string]: number;
}

async function applicationCounts(store: Store, programmeId: string, p: { from: number; to: number }) {
  const rows = await store.all<{ month: string; status: string; n: number }>(sql`
    SELECT ${shanghaiMonthSql(sql`created_at`)} AS month, status, count(*) AS n FROM voucher_applications
    WHERE programme_id = ${programmeId} AND created_at >= ${p.from} AND created_at < ${p.to}
    GROUP BY month, status ORDER BY month`);
  const total = { applied: 0, approved: 0, rejected: 0, pending: 0, withdrawn: 0 };
  const byMonth = new Map<string, typeof total>();
  for (const r of rows) {
    const m = byMonth.get(r.month) ?? { applied: 0, approved: 0, rejected: 0, pending: 0, withdrawn: 0 };
    for (const bucket of [total, m]) {
      bucket.applied += num(r.n);
      if (r.status in bucket) bucket[r.status as keyof typeof total] += num(r.n);
    }
    byMonth.set(r.month, m);
  }
  return { ...total, by_month: [...byMonth].map(([month, c]) => ({ month, ...c })) };
}

async function voucherCounts(store: Store, programmeId: string, p: { from: number; to: number }) {
  const rows = await store.all<{ status: string; n: number; face: number }>(sql`
    SELECT status, count(*) AS n, sum(face_value_fen) AS face FROM vouchers
    WHERE programme_id = ${programmeId} AND issued_at >= ${p.from} AND issued_at < ${p.to} GROUP BY status`);
  const out = { issued: 0, active: 0, expired: 0, revoked: 0, face_value_fen: 0 };
  for (const r of rows) {
    out.issued += num(r.n);
    out.face_value_fen += num(r.face);
    if (r.status === "active" || r.status === "expired" || r.status === "revoked") out[r.status] += num(r.n);
  }
  return out;
}

/** Booked unit-hours against published capacity over the period, and metered against booked usage. */
async function utilisation(store: Store, programmeId: string, u: { from: number; to: number }) {
  const ended = sql.join(ENDED_BOOKING_STATUSES.map((s) => sql`${s}`), sql`, `);
  const [booked] = await store.all<{ unit_minutes: number; offerings: number; capacity_unit_minutes: number }>(sql`
    WITH used AS (
      SELECT b.offering_id, sum(b.quantity * (min(b.ends_at, ${u.to}) - max(b.starts_at, ${u.from})) / 60000) AS unit_minutes
      FROM bookings b
      WHERE b.programme_id = ${programmeId} AND b.status NOT IN (${ended}) AND b.starts_at < ${u.to} AND b.ends_at > ${u.from}
      GROUP BY b.offering_id)
    SELECT sum(used.unit_minutes) AS unit_minutes, count(*) AS offerings,
      sum(o.capacity_units * ((${u.to} - ${u.from}) / 60000)) AS capacity_unit_minutes
    FROM used JOIN offerings o ON o.id = used.offering_id`);
  const [usage] = await store.all<{ metered: number; booked: number; n: number }>(sql`
    SELECT sum(bu.metered_milli) AS metered, sum(bu.booked_milli) AS booked, count(*) AS n
    FROM booking_usage bu JOIN bookings b ON b.id = bu.booking_id
    WHERE b.programme_id = ${programmeId} AND b.starts_at < ${u.to} AND b.ends_at > ${u.from}`);
  const bookedMinutes = num(booked?.unit_minutes);
  const capacityMinutes = num(booked?.capacity_unit_minutes);
  const metered = num(usage?.metered);
  const bookedMilli = num(usage?.booked);
  return {
    from: new Date(u.from).toISOString(),
    to: new Date(u.to).toISOString(),
    offerings: num(booked?.offerings),
    booked_unit_hours: bookedMinutes / 60,
    capacity_unit_hours: capacityMinutes / 60,
    booked_of_capacity_bp: capacityMinutes > 0 ? Math.round((bookedMinutes * 10_000) / capacityMinutes) : null,
    bookings_metered: num(usage?.n),
    metered_milli: metered,
    booked_milli: bookedMilli,
    metered_of_booked_bp: bookedMilli > 0 ? Math.round((metered * 10_000) / bookedMilli) : null,
  };
}

/** A transfer touching the programme's pool account. */
interface PoolTransfer {
  id: string;
  kind: string;
  pending_id: string | null;
  at: number;
  debit: string;
  credit: string;
  amount: number;
  code: string;
}

/** The pool's transfers recorded before `before` (exclusive), oldest first. */
async function poolTransfers(store: Store, programme: Programme, before: number): Promise<PoolTransfer[]> {
  const rows = await store.all<PoolTransfer>(sql`
    SELECT t.id AS id, t.kind AS kind, t.pending_id AS pending_id, t.created_at AS at, t.debit_account_id AS debit, t.credit_account_id AS credit, t.amount_fen AS amount, t.code AS code
    FROM ledger_transfers t
    WHERE (t.debit_account_id = ${programme.pool_account_id} OR t.credit_account_id = ${programme.pool_account_id}) AND t.created_at < ${before}
    ORDER BY t.created_at, t.id`);
  return rows.map((r) => ({ ...r, at: num(r.at), amount: num(r.amount) }));
}

/**
 * The pool's available balance replayed from its transfers, as the account row keeps it
 * (src/db/ledger.ts, availableFen): credits posted − debits posted − debits still pending. A
 * post_pending moves what it posts; a pending transfer counts until it is posted or voided.
 */
export function poolAvailableFrom(poolId: string, rows: readonly PoolTransfer[]): number {
  const resolved = new Set(rows.filter((r) => r.pending_id !== null).map((r) => r.pending_id));
  let available = 0;
  for (const r of rows) {
    const signed = (r.credit === poolId ? r.amount : 0) - (r.debit === poolId ? r.amount : 0);
    if (r.kind === "posted" || r.kind === "post_pending") available += signed;
    else if (r.kind === "pending" && r.debit === poolId && !resolved.has(r.id)) available -= r.amount;
  }
  return available;
}

/** Money leaving the pool (issue) and coming back (expiry, revocation, disputes settled to the pool) up to `asOf`. */
function burn(programme: Programme, rows: readonly PoolTransfer[], asOf: number): BurnDown {
  let budget = 0;
  const events = [];
  for (const r of rows) {
    if (r.kind !== "posted") continue;
    if (r.code === POOL_CODES.budget) budget += r.amount;
    else events.push({ at: r.at, burned_fen: r.debit === programme.pool_account_id ? r.amount : -r.amount });
  }
  return burnDown({ budget_fen: budget, events, now: asOf, window_days: BURN_WINDOW_DAYS });
}

/**
 * The pool's balance and burn-down at the period's end (now when the period runs on past now),
 * replayed from the pool's transfers, so a past period shows the pool as it stood then.
 */
async function poolAsOf(store: Store, programme: Programme, asOf: number): Promise<{ available_fen: number; burn_down: BurnDown }> {
  const rows = await poolTransfers(store, programme, asOf + 1);
  return { available_fen: poolAvailableFrom(programme.pool_account_id, rows), burn_down: burn(programme, rows, asOf) };
}

async function gather(store: Store, programme: Programme, filter: ReportFilter, now: number, breakdown = false) {
  const p = period(filter);
  // The last instant the period covers: balances are given as they stood then.
  const asOf = Math.min(p.to - 1, now);
  const [totals, held, applications, vouchers, pool, delivered] = await Promise.all([
    codeTotals(store, programme.id, p),
    outstandingHeldFen(store, programme.id, asOf + 1),
    applicationCounts(store, programme.id, p),
    voucherCounts(store, programme.id, p),
    poolAsOf(store, programme, asOf),
    breakdown ? deliveredBreakdown(store, programme.id, p) : deliveredTotal(store, programme.id, p).then((all) => ({ all, by: undefined })),
  ]);
  const { by_month, ...applicationTotals } = applications;
  const all = delivered.all;
  const summary = {
    programme: { id: programme.id, name: programme.name, status: programme.status },
    as_of: new Date(asOf).toISOString(),
    ledger: ledgerFigures(totals, held),
    pool_available_fen: pool.available_fen,
    applications: applicationTotals,
    vouchers,
    delivered: { bookings: all.bookings, subsidy_fen: all.subsidy_fen, gross_fen: all.gross_fen, copay_fen: all.copay_fen, subsidy_ratio_bp: all.subsidy_ratio_bp },
    runs_out_on: pool.burn_down.runs_out_on,
  };
  return { summary, totals, applicationsByMonth: by_month, burnDown: pool.burn_down, deliveredBy: delivered.by };
}

/** The headline figures of one programme (the overview lists these). */
export async function programmeSummary(store: Store, programme: Programme, filter: ReportFilter, now: number) {
  return (await gather(store, programme, filter, now)).summary;
}

export async function programmeReport(store: Store, programme: Programme, filter: ReportFilter, now: number) {
  const u = { to: filter.to ?? now, from: filter.from ?? (filter.to ?? now) - DEFAULT_UTILISATION_DAYS * DAY_MS };
  const [gathered, used] = await Promise.all([gather(store, programme, filter, now, true), utilisation(store, programme.id, u)]);
  const by = gathered.deliveredBy;
  if (!by) throw new Error("the report's breakdown was not gathered");
  return {
    ...gathered.summary,
    transfers_by_code: gathered.totals,
    applications_by_month: gathered.applicationsByMonth,
    delivered_by: { provider: by.provider, region: by.region, category: by.category, month: by.month },
    top_smes: by.sme,
    top_providers: [...by.provider].sort(bySubsidyThenKey).slice(0, TOP_N),
    utilisation: used,
    burn_down: gathered.burnDown,
  };
}
