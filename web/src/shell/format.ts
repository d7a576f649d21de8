// How money and time read on screen. Money is integer fen, shown as ¥1,234.56; instants are
// stored in UTC and shown in Asia/Shanghai (UTC+8, no daylight saving), whatever the browser's zone.
import { DAY_MS, SHANGHAI_OFFSET_MS, shanghaiDate, shanghaiMidnight } from "../../../src/lib/time";

const THOUSANDS = /\B(?=(\d{3})+(?!\d))/g;

export function formatFen(amount_fen: number): string {
  if (!Number.isSafeInteger(amount_fen)) throw new Error(`not an amount in fen: ${amount_fen}`);
  const sign = amount_fen < 0 ? "-" : "";
  const abs_fen = Math.abs(amount_fen);
  const yuan = String(Math.floor(abs_fen / 100)).replace(THOUSANDS, ",");
  return `${sign}¥${yuan}.${String(abs_fen % 100).padStart(2, "0")}`;
}

/** "2026-11-21 23:16" in Asia/Shanghai, from an ISO 8601 instant or epoch milliseconds. */
export function formatInstant(at: string | number): string {
  const at_ms = typeof at === "number" ? at : Date.parse(at);
  if (!Number.isFinite(at_ms)) return String(at);
  return new Date(at_ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ");
}

// ---------------------------------------------------------------- money typed by people

export type YuanProblem = "empty" | "format" | "decimals" | "too_large";
export type YuanParse = { ok: true; fen: number } | { ok: false; problem: YuanProblem };

// Digits and the decimal point as a Chinese input method may type them (全角).
const FULL_WIDTH = /[０-９．，]/g;
const YUAN = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/;

/**
 * An amount in yuan as typed ("1,234.5", "¥800", "１２３") to integer fen, by string arithmetic:
 * "0.1" + "0.2" never becomes 30.000000000000004 fen. More than two decimals is refused rather
 * than rounded: a person asking for ¥0.005 should learn that fen is the smallest unit.
 */
export function parseYuan(text: string): YuanParse {
  const cleaned = text
    .replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, "")
    .replace(/^[¥￥]/, "")
    .replace(/元$/, "");
  if (cleaned === "") return { ok: false, problem: "empty" };
  const match = YUAN.exec(cleaned);
  if (!match) return { ok: false, problem: "format" };
  const [, whole = "0", decimals = ""] = match;
  if (decimals.length > 2) return { ok: false, problem: "decimals" };
  const fen = BigInt(whole.replace(/,/g, "")) * 100n + BigInt(decimals.padEnd(2, "0"));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, problem: "too_large" };
  return { ok: true, fen: Number(fen) };
}

/** Fen as a plain yuan amount for an input box: 123450 → "1234.50", 100 → "1"; no separators. */
export function yuanInput(amount_fen: number): string {
  if (!Number.isSafeInteger(amount_fen) || amount_fen < 0) throw new Error(`not an amount in fen: ${amount_fen}`);
  const cents = amount_fen % 100;
  return `${Math.floor(amount_fen / 100)}${cents ? `.${String(cents).padStart(2, "0")}` : ""}`;
}

/** A ratio in basis points as a percentage: 2000 → "20%", 1250 → "12.5%", 1 → "0.01%". */
export function formatRatio(ratio_bp: number): string {
  const hundredths = String(ratio_bp % 100).padStart(2, "0").replace(/0$/, "");
  return `${Math.floor(ratio_bp / 100)}${ratio_bp % 100 ? `.${hundredths}` : ""}%`;
}

// ---------------------------------------------------------------- Beijing time typed by people

/** 'YYYY-MM-DD' in Beijing time. */
export const beijingDate = (at_ms: number): string => shanghaiDate(at_ms);

/** The hour (0–23) in Beijing time. */
export const beijingHour = (at_ms: number): number => new Date(at_ms + SHANGHAI_OFFSET_MS).getUTCHours();

/** A date and an hour people chose, as a Beijing instant: ("2026-11-23", 9) → "2026-11-23T09:00:00+08:00". */
export function beijingInstant(date: string, hour = 0): string {
  return `${date}T${String(hour).padStart(2, "0")}:00:00+08:00`;
}

/** An <input type="datetime-local"> value ("2026-11-23T09:00") read as Beijing time, or null. */
export function fromBeijingLocal(value: string): string | null {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) && Number.isFinite(Date.parse(`${value}:00+08:00`)) ? `${value}:00+08:00` : null;
}

/** An instant as an <input type="datetime-local"> value in Beijing time. */
export const beijingLocal = (at_ms: number): string => new Date(at_ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16);

/** 'YYYY-MM-DD' plus whole days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Calendar days from today (Beijing) to a Beijing date: 0 is today, negative is past. */
export function daysUntil(date: string, now_ms: number): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${beijingDate(now_ms)}T00:00:00Z`)) / DAY_MS);
}

/** The instant of 00:00 Beijing time on a date, in ms. */
export const beijingMidnight = (date: string): number => shanghaiMidnight(date);

/** A file's size for people: B, KiB or MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
