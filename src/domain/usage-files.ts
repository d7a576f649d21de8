// Usage files a provider uploads: our CSV, or Slurm accounting output (`sacct -P`). Pure parsers:
// text in, events (with the line they came from) and per-line problems out. Times without an
// offset are Asia/Shanghai local time, as Chinese clusters write them.
import { MAX_QUANTITY_MILLI, MILLI, parseQuantityMilli, type UsageEventInput } from "./usage";

export const MAX_IMPORT_ROWS = 100_000;
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_EVENT_ID_LENGTH = 128;
export const MAX_REASON_LENGTH = 500;

export interface LineProblem {
  line: number;
  reason: string;
}

export interface ParsedRow extends UsageEventInput {
  line: number;
  /** Slurm only: the Account column, mapped to a booking by the service. */
  account?: string;
}

export interface ParsedFile {
  format: "csv" | "slurm";
  rows: ParsedRow[];
  problems: LineProblem[];
  /** Rows deliberately not counted (Slurm steps, running or never-run jobs), with why. */
  skipped: LineProblem[];
  steps_skipped: number;
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** "2026-12-03T09:00:02" (Shanghai local) or any ISO 8601 instant with an offset → ms; null if neither. */
export function parseInstant(text: string): number | null {
  const t = text.trim();
  const local = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (local) {
    const [, y, mo, d, h, mi, s] = local.map(Number) as number[];
    const at = Date.UTC(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : s!) - SHANGHAI_OFFSET_MS;
    const back = new Date(at + SHANGHAI_OFFSET_MS);
    return back.getUTCDate() === d && back.getUTCMonth() === mo! - 1 ? at : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(t)) return null;
  const at = Date.parse(t);
  return Number.isNaN(at) ? null : at;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function lines(text: string): string[] {
  const all = stripBom(text).split(/\r?\n/);
  while (all.length > 0 && all[all.length - 1]!.trim() === "") all.pop();
  return all;
}

/** One CSV line (RFC 4180 quoting, no line breaks inside fields); null when its quotes do not close. */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return null;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ",") return null;
    } else {
      const end = line.indexOf(",", i);
      field = end < 0 ? line.slice(i) : line.slice(i, end);
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

/** Which format a file is, from its header line. */
export function sniffFormat(text: string): "csv" | "slurm" {
  const first = lines(text.slice(0, 4_096))[0] ?? "";
  return first.includes("|") && /(^|\|)JobID(\||$)/.test(first) ? "slurm" : "csv";
}

const CSV_REQUIRED = ["event_id", "booking_id", "period_start", "period_end", "quantity"] as const;

export function parseUsageCsv(text: string): ParsedFile {
  const all = lines(text);
  const result: ParsedFile = { format: "csv", rows: [], problems: [], skipped: [], steps_skipped: 0 };
  const header = splitCsvLine(all[0] ?? "")?.map((h) => h.trim().toLowerCase()) ?? [];
  const missing = CSV_REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    result.problems.push({ line: 1, reason: `表头缺少列：${missing.join(", ")} / The header lacks columns: ${missing.join(", ")}` });
    return result;
  }
  if (all.length - 1 > MAX_IMPORT_ROWS) {
    result.problems.push({ line: MAX_IMPORT_ROWS + 2, reason: `最多${MAX_IMPORT_ROWS}行 / At most ${MAX_IMPORT_ROWS} rows a file` });
    return result;
  }
  const col = (name: string) => header.indexOf(name);
  for (let index = 1; index < all.length; index++) {
    const line = index + 1;
    const raw = all[index]!;
    if (raw.trim() === "") continue;
    const fields = splitCsvLine(raw);
    if (!fields) {
      result.problems.push({ line, reason: "引号未闭合 / Unclosed quotes" });
      continue;
    }
    const get = (name: string) => (col(name) >= 0 ? (fields[col(name)] ?? "").trim() : "");
    const problem = (reason: string) => result.problems.push({ line, reason });
    const event_id = get("event_id");
    const booking_id = get("booking_id");
    const start = parseInstant(get("period_start"));
    const end = parseInstant(get("period_end"));
    const quantity_milli = parseQuantityMilli(get("quantity"));
    const reason = get("reason") || null;
    if (!event_id || event_id.length > MAX_EVENT_ID_LENGTH) problem(`event_id须为1–${MAX_EVENT_ID_LENGTH}个字符 / event_id must be 1–${MAX_EVENT_ID_LENGTH} characters`);
    else if (!/^[a-z]+_[a-z2-7]+$/.test(booking_id) || booking_id.length > 64) problem("booking_id不是预约编号 / booking_id is not a booking id");
    else if (start === null || end === null) problem("时间格式应为 2026-12-03T09:00:00（北京时间）或带时区的ISO 8601 / Times must be 2026-12-03T09:00:00 (Beijing time) or ISO 8601 with an offset");
    else if (end <= start) problem("period_end须晚于period_start / period_end must be after period_start");
    else if (quantity_milli === null || quantity_milli === 0 || Math.abs(quantity_milli) > MAX_QUANTITY_MILLI) problem("quantity须为非零数字，最多3位小数 / quantity must be a non-zero number with at most 3 decimals");
    else if (reason && reason.length > MAX_REASON_LENGTH) problem(`reason最多${MAX_REASON_LENGTH}个字符 / reason is at most ${MAX_REASON_LENGTH} characters`);
    else result.rows.push({ line, event_id, booking_id, period_start_at: start, period_end_at: end, quantity_milli, reason });
  }
  return result;
}

const SACCT_COLUMNS = ["JobID", "Account", "Start", "End", "ElapsedRaw", "AllocTRES", "State"] as const;

/** An allocation row's JobID: 123, array task 123_7, heterogeneous component 123+0. Steps have a dot. */
const ALLOCATION_ID = /^\d+(?:_\d+|\+\d+)?$/;

/** Cards of `gres/gpu` in AllocTRES; `gres/gpu:<type>` counts the same cards again and is ignored. */
export function gpuCount(allocTres: string): number {
  for (const part of allocTres.split(",")) {
    const [name, value] = part.split("=");
    if (name?.trim() === "gres/gpu" && value !== undefined && /^\d+$/.test(value.trim())) return Number(value.trim());
  }
  return 0;
}

/**
 * `sacct -P --format=JobID,Account,Start,End,ElapsedRaw,AllocTRES,State`: one event per job
 * allocation, quantity = gres/gpu × ElapsedRaw / 3600 card-hours (rounded down to 1/1000).
 * Steps (.batch, .extern, .0) run inside their allocation's cards and are never counted again.
 */
export function parseSacct(text: string): ParsedFile {
  const all = lines(text);
  const result: ParsedFile = { format: "slurm", rows: [], problems: [], skipped: [], steps_skipped: 0 };
  const header = (all[0] ?? "").split("|").map((h) => h.trim());
  const missing = SACCT_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    result.problems.push({ line: 1, reason: `表头缺少列：${missing.join(", ")}（请用 sacct -P --format=${SACCT_COLUMNS.join(",")}）/ The header lacks columns: ${missing.join(", ")} (use sacct -P --format=${SACCT_COLUMNS.join(",")})` });
    return result;
  }
  if (all.length - 1 > MAX_IMPORT_ROWS) {
    result.problems.push({ line: MAX_IMPORT_ROWS + 2, reason: `最多${MAX_IMPORT_ROWS}行 / At most ${MAX_IMPORT_ROWS} rows a file` });
    return result;
  }
  for (let index = 1; index < all.length; index++) {
    const line = index + 1;
    const raw = all[index]!;
    if (raw.trim() === "") continue;
    const fields = raw.split("|");
    const get = (name: string) => (fields[header.indexOf(name)] ?? "").trim();
    const jobId = get("JobID");
    if (jobId.includes(".")) {
      result.steps_skipped += 1;
      continue;
    }
    const skip = (reason: string) => result.skipped.push({ line, reason: `${jobId}: ${reason}` });
    if (fields.length !== header.length) {
      result.problems.push({ line, reason: `应有${header.length}列，实有${fields.length}列 / Expected ${header.length} fields, found ${fields.length}` });
      continue;
    }
    if (!ALLOCATION_ID.test(jobId)) {
      if (/^\d+_\[/.test(jobId)) skip("数组作业尚未运行 / array tasks not yet run");
      else result.problems.push({ line, reason: `无法识别的JobID：${jobId.slice(0, 40)} / Unrecognised JobID` });
      continue;
    }
    const elapsed = get("ElapsedRaw");
    const gpus = gpuCount(get("AllocTRES"));
    const start = parseInstant(get("Start"));
    if (start === null || get("AllocTRES") === "" || elapsed === "0") {
      skip("作业未运行，无用量 / never ran: nothing to count");
      continue;
    }
    if (get("End") === "Unknown") {
      skip("作业仍在运行，结束后才可计费 / still running: not billable until it ends");
      continue;
    }
    const end = parseInstant(get("End"));
    if (end === null || !/^\d{1,10}$/.test(elapsed) || end <= start) {
      result.problems.push({ line, reason: "Start/End/ElapsedRaw 格式不正确 / Start, End or ElapsedRaw is malformed" });
      continue;
    }
    const quantity_milli = Math.floor((gpus * Number(elapsed) * MILLI) / 3600);
    if (quantity_milli === 0) {
      skip("未分配GPU卡或用时不足1/1000卡时 / no GPU cards allocated (or under 0.001 card-hours)");
      continue;
    }
    const account = get("Account");
    if (!account) {
      result.problems.push({ line, reason: "缺少Account / Account is empty" });
      continue;
    }
    result.rows.push({ line, event_id: jobId, booking_id: "", account, period_start_at: start, period_end_at: end, quantity_milli, reason: null });
  }
  return result;
}
