// CSV exports of a programme's records, streamed: each pull of the stream reads one page of rows
// (keyset on rowid), so memory holds a page, never the file. Bounded by the report filters and
// a row cap; the last line says when the cap cut the export short.
import { sql, type SQL } from "drizzle-orm";
import type { Store } from "../db/store";
import { csvLine, UTF8_BOM, type CsvValue } from "../lib/csv";
import { toShanghaiIso } from "../lib/time";
import { period, type ReportFilter } from "./report-scope";

export const EXPORT_PAGE_ROWS = 500;
export const EXPORT_MAX_ROWS = 100_000;
export const EXPORT_DEFAULT_MAX_ROWS = 10_000;

export const EXPORT_KINDS = ["vouchers", "bookings", "usage", "ledger-transfers", "claims"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/**
 * Filters some exports take beside the report filters, the same ones the web page beside the
 * table offers (bookings: provider, enterprise, status; vouchers and claims: status). They only
 * narrow what the programme scope already allows.
 */
export interface Narrowing {
  provider_org_id?: string;
  sme_org_id?: string;
  status?: string;
}

/** `alias.column = value` for each narrowing the export names and the caller gave. */
function narrowed(n: Narrowing, alias: string, columns: readonly (keyof Narrowing)[]): SQL {
  const parts: SQL[] = [sql`1 = 1`];
  for (const column of columns) {
    const value = n[column];
    if (value !== undefined) parts.push(sql`${sql.raw(`${alias}.${column}`)} = ${value}`);
  }
  return sql.join(parts, sql` AND `);
}

interface ExportSpec {
  columns: readonly string[];
  /** Columns holding ms instants, written as ISO 8601 in Asia/Shanghai. */
  instants: ReadonlySet<string>;
  /** One page: rows after `afterRowid` in rowid order, each with `rid`. */
  page(programmesJson: string, p: { from: number; to: number }, afterRowid: number, limit: number, narrowing: Narrowing): SQL;
}

const inScope = (column: SQL, programmesJson: string) => sql`${column} IN (SELECT value FROM json_each(${programmesJson}))`;

const SPECS: Record<ExportKind, ExportSpec> = {
  vouchers: {
    columns: ["id", "programme_id", "sme_org_id", "sme_name", "status", "status_reason", "face_value_fen", "issued_at", "expires_at"],
    instants: new Set(["issued_at", "expires_at"]),
    page: (ps, p, after, limit, narrowing) => sql`
      SELECT v.rowid AS rid, v.id, v.programme_id, v.sme_org_id, o.name AS sme_name, v.status, v.status_reason, v.face_value_fen, v.issued_at, v.expires_at
      FROM vouchers v JOIN organisations o ON o.id = v.sme_org_id
      WHERE ${inScope(sql`v.programme_id`, ps)} AND v.issued_at >= ${p.from} AND v.issued_at < ${p.to} AND ${narrowed(narrowing, "v", ["status"])} AND v.rowid > ${after}
      ORDER BY v.rowid LIMIT ${limit}`,
  },
  bookings: {
    columns: ["id", "programme_id", "voucher_id", "offering_id", "category", "region_code", "provider_org_id", "provider_name", "sme_org_id", "sme_name", "status", "quantity", "starts_at", "ends_at", "gross_fen", "subsidy_fen", "copay_fen", "delivered_gross_fen", "delivered_subsidy_fen", "delivered_copay_fen", "delivered_at"],
    instants: new Set(["starts_at", "ends_at", "delivered_at"]),
    page: (ps, p, after, limit, narrowing) => sql`
      SELECT b.rowid AS rid, b.id, b.programme_id, b.voucher_id, b.offering_id, o.category, o.region_code, b.provider_org_id, prov.name AS provider_name,
        b.sme_org_id, sme.name AS sme_name, b.status, b.quantity, b.starts_at, b.ends_at, b.gross_fen, b.subsidy_fen, b.copay_fen,
        b.delivered_gross_fen, b.delivered_subsidy_fen, b.delivered_copay_fen, b.delivered_at
      FROM bookings b JOIN offerings o ON o.id = b.offering_id
      JOIN organisations prov ON prov.id = b.provider_org_id JOIN organisations sme ON sme.id = b.sme_org_id
      WHERE ${inScope(sql`b.programme_id`, ps)} AND b.starts_at >= ${p.from} AND b.starts_at < ${p.to} AND ${narrowed(narrowing, "b", ["provider_org_id", "sme_org_id", "status"])} AND b.rowid > ${after}
      ORDER BY b.rowid LIMIT ${limit}`,
  },
  usage: {
    columns: ["provider_org_id", "event_id", "booking_id", "programme_id", "period_start_at", "period_end_at", "quantity_milli", "source", "reason", "batch_id", "created_at"],
    instants: new Set(["period_start_at", "period_end_at", "created_at"]),
    page: (ps, p, after, limit) => sql`
      SELECT u.rowid AS rid, u.provider_org_id, u.event_id, u.booking_id, b.programme_id, u.period_start_at, u.period_end_at, u.quantity_milli, u.source, u.reason, u.batch_id, u.created_at
      FROM usage_events u JOIN bookings b ON b.id = u.booking_id
      WHERE ${inScope(sql`b.programme_id`, ps)} AND u.period_start_at >= ${p.from} AND u.period_start_at < ${p.to} AND u.rowid > ${after}
      ORDER BY u.rowid LIMIT ${limit}`,
  },
  "ledger-transfers": {
    columns: ["id", "kind", "code", "amount_fen", "debit_account_id", "credit_account_id", "pending_id", "subject_id", "created_at"],
    instants: new Set(["created_at"]),
    page: (ps, p, after, limit) => sql`
      SELECT t.rowid AS rid, t.id, t.kind, t.code, t.amount_fen, t.debit_account_id, t.credit_account_id, t.pending_id, t.subject_id, t.created_at
      FROM ledger_transfers t
      WHERE EXISTS (SELECT 1 FROM ledger_accounts a WHERE ${inScope(sql`a.programme_id`, ps)} AND a.id IN (t.debit_account_id, t.credit_account_id))
        AND t.created_at >= ${p.from} AND t.created_at < ${p.to} AND t.rowid > ${after}
      ORDER BY t.rowid LIMIT ${limit}`,
  },
  // Claims (兑付) by the time they were submitted, with their parties' names, evidence numbers and every step's time.
  claims: {
    columns: ["id", "programme_id", "settlement_mode", "status", "claimant_org_id", "claimant_name", "provider_org_id", "provider_name", "sme_org_id", "sme_name", "booking_count", "contract_no", "invoice_no", "invoice_amount_fen", "gross_fen", "amount_fen", "period_start_at", "period_end_at", "reviewed_at", "approved_at", "notice_starts_on", "notice_ends_on", "open_objections", "paid_at", "payment_reference", "rejected_at", "reject_reason", "voided_at", "void_reason", "created_at"],
    instants: new Set(["period_start_at", "period_end_at", "reviewed_at", "approved_at", "paid_at", "rejected_at", "voided_at", "created_at"]),
    page: (ps, p, after, limit, narrowing) => sql`
      SELECT c.rowid AS rid, c.id, c.programme_id, c.settlement_mode, c.status, c.claimant_org_id, cl.name AS claimant_name, c.provider_org_id, prov.name AS provider_name,
        c.sme_org_id, sme.name AS sme_name, (SELECT count(*) FROM claim_bookings cb WHERE cb.claim_id = c.id) AS booking_count,
        c.contract_no, c.invoice_no, c.invoice_amount_fen, c.gross_fen, c.amount_fen, c.period_start_at, c.period_end_at, c.reviewed_at, c.approved_at,
        c.notice_starts_on, c.notice_ends_on, c.open_objections, c.paid_at, c.payment_reference, c.rejected_at, c.reject_reason, c.voided_at, c.void_reason, c.created_at
      FROM claims c JOIN organisations cl ON cl.id = c.claimant_org_id
      JOIN organisations prov ON prov.id = c.provider_org_id JOIN organisations sme ON sme.id = c.sme_org_id
      WHERE ${inScope(sql`c.programme_id`, ps)} AND c.created_at >= ${p.from} AND c.created_at < ${p.to} AND ${narrowed(narrowing, "c", ["status"])} AND c.rowid > ${after}
      ORDER BY c.rowid LIMIT ${limit}`,
  },
};

export function exportStream(
  store: Store,
  kind: ExportKind,
  programmeIds: readonly string[],
  filter: ReportFilter,
  maxRows: number,
  narrowing: Narrowing = {},
): ReadableStream<Uint8Array> {
  if (!(maxRows >= 1 && maxRows <= EXPORT_MAX_ROWS)) throw new Error(`max rows out of range: ${maxRows}`);
  const spec = SPECS[kind];
  const encoder = new TextEncoder();
  const ps = JSON.stringify(programmeIds);
  const p = period(filter);
  let after = 0;
  let written = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(UTF8_BOM + csvLine(spec.columns)));
        return;
      }
      const want = Math.min(EXPORT_PAGE_ROWS, maxRows - written);
      // One row more than the cap tells a full export from a cut one.
      const rows = await store.all<Record<string, CsvValue> & { rid: number }>(spec.page(ps, p, after, want === 0 ? 1 : want, narrowing));
      if (want === 0) {
        if (rows.length > 0) controller.enqueue(encoder.encode(csvLine([`# 已截断：超过 ${maxRows} 行 / truncated at ${maxRows} rows; narrow the filters`])));
        controller.close();
        return;
      }
      const text = rows.map((r) => csvLine(spec.columns.map((col) => (spec.instants.has(col) && r[col] != null ? toShanghaiIso(Number(r[col])) : r[col])))).join("");
      written += rows.length;
      if (rows.length > 0) after = Number(rows[rows.length - 1]!.rid);
      if (text) controller.enqueue(encoder.encode(text));
      if (rows.length < want) controller.close();
    },
  });
}
