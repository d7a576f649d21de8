// Usage files: validated whole first — a file with any bad row applies nothing and answers with
// every bad row's line and reason (the first MAX_REPORTED, and how many in all) — then applied in
// chunks of MAX_USAGE_BATCH, each one atomic write deduplicated by event id, so an upload retried
// after a lost answer applies nothing twice.
import { and, eq, sql } from "drizzle-orm";
import { bookings } from "../db/schema";
import { parseSacct, parseUsageCsv, sniffFormat, type LineProblem, type ParsedFile, type ParsedRow } from "../domain/usage-files";
import { judgeUsage, MAX_USAGE_BATCH } from "../domain/usage";
import { conflict, unprocessable } from "../lib/errors";
import { readBookingsForUsage, readPriorEvents, recordUsage, type UsageWriter } from "./usage";

export const MAX_REPORTED = 200;

export interface ImportResult {
  format: "csv" | "slurm";
  rows: number;
  accepted: number;
  duplicate: number;
  chunks: number;
  steps_skipped: number;
  skipped: LineProblem[];
  skipped_count: number;
}

/** Slurm rows name an account: the provider's booking with that account whose window holds the job's start. */
async function mapAccounts(w: UsageWriter, parsed: ParsedFile): Promise<void> {
  const accounts = [...new Set(parsed.rows.map((r) => r.account as string))];
  const candidates = accounts.length === 0 ? [] : await w.store.db
    .select({ id: bookings.id, account: bookings.slurm_account, starts_at: bookings.starts_at, ends_at: bookings.ends_at })
    .from(bookings)
    .where(and(eq(bookings.provider_org_id, w.provider_org_id), sql`${bookings.slurm_account} IN (SELECT value FROM json_each(${JSON.stringify(accounts)}))`));
  const mapped: ParsedRow[] = [];
  for (const row of parsed.rows) {
    const mine = candidates.filter((b) => b.account === row.account);
    const booking = mine.find((b) => b.starts_at <= row.period_start_at && row.period_start_at < b.ends_at) ?? mine[0];
    if (!booking) {
      parsed.problems.push({ line: row.line, reason: `没有预约使用Slurm账户“${row.account}” / No booking of yours uses Slurm account "${row.account}"` });
      continue;
    }
    mapped.push({ ...row, booking_id: booking.id });
  }
  parsed.rows = mapped;
}

function bounded(problems: LineProblem[]) {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  return { bad_rows: sorted.slice(0, MAX_REPORTED), bad_row_count: sorted.length };
}

export async function importUsage(w: UsageWriter, text: string, format: "csv" | "slurm" | undefined, recordedBy: string): Promise<ImportResult> {
  const chosen = format ?? sniffFormat(text);
  const parsed = chosen === "slurm" ? parseSacct(text) : parseUsageCsv(text);
  if (chosen === "slurm") await mapAccounts(w, parsed);
  {
    // The whole file judged at once (the well-formed rows): running totals across it, event ids
    // against earlier uploads, so one answer lists every bad row.
    const bookingsById = await readBookingsForUsage(w.store, parsed.rows.map((r) => r.booking_id));
    const prior = await readPriorEvents(w.store, w.provider_org_id, parsed.rows.map((r) => r.event_id));
    const judged = judgeUsage(parsed.rows, { provider_org_id: w.provider_org_id, bookings: bookingsById, prior, now: w.now });
    judged.outcomes.forEach((o, i) => {
      if (o.result === "refused") parsed.problems.push({ line: (parsed.rows[i] as ParsedRow).line, reason: `${o.code}: ${o.message}` });
    });
  }
  if (parsed.problems.length > 0) {
    throw unprocessable("usage_file_invalid", `文件中有${parsed.problems.length}行有误，未记录任何用量 / ${parsed.problems.length} row(s) are wrong; nothing was recorded`, bounded(parsed.problems));
  }
  const result: ImportResult = { format: chosen, rows: parsed.rows.length, accepted: 0, duplicate: 0, chunks: 0, steps_skipped: parsed.steps_skipped, skipped: parsed.skipped.slice(0, MAX_REPORTED), skipped_count: parsed.skipped.length };
  const writer: UsageWriter = { ...w, source: chosen };
  for (let i = 0; i < parsed.rows.length; i += MAX_USAGE_BATCH) {
    const chunk = parsed.rows.slice(i, i + MAX_USAGE_BATCH);
    const summary = await recordUsage(writer, chunk, recordedBy);
    if (summary.refused > 0) {
      // The world changed between the validation and this chunk (another upload, a delivery).
      const refused = summary.results.flatMap((o, k) => (o.result === "refused" ? [{ line: (chunk[k] as ParsedRow).line, reason: `${o.code}: ${o.message}` }] : []));
      throw conflict("usage_file_partly_applied", `前${result.chunks}批已记录，其后的行因数据刚发生变化被拒绝；改正后可重新上传整个文件（已记录的事件不会重复计算）/ The first ${result.chunks} chunk(s) were recorded; later rows were refused because data just changed. Fix and upload the whole file again (recorded events are not counted twice)`, { ...bounded(refused), applied: { ...result } });
    }
    result.accepted += summary.accepted;
    result.duplicate += summary.duplicate;
    result.chunks += 1;
  }
  return result;
}
