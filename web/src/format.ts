// How money and time read on screen. Money is integer fen, shown as ¥1,234.56; instants are
// stored in UTC and shown in Asia/Shanghai (UTC+8, no daylight saving), whatever the browser's zone.
import { SHANGHAI_OFFSET_MS } from "../../src/lib/time";

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
