// Instants are UTC milliseconds; people see Asia/Shanghai (UTC+8, no daylight saving since 1991).
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The calendar year in Asia/Shanghai of an instant. */
export function shanghaiYear(at: number): number {
  return new Date(at + SHANGHAI_OFFSET_MS).getUTCFullYear();
}

/** 'YYYY-MM-DD' in Asia/Shanghai. */
export function shanghaiDate(at: number): string {
  return new Date(at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of 00:00 Asia/Shanghai on a 'YYYY-MM-DD' date. */
export function shanghaiMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS;
}

/** ISO 8601 with the +08:00 offset, as people in China read it. */
export function toShanghaiIso(at: number): string {
  return new Date(at + SHANGHAI_OFFSET_MS).toISOString().replace("Z", "+08:00");
}

export function toIso(at: number): string {
  return new Date(at).toISOString();
}

/** "2026-03-03 10:00" in Beijing time, for messages people read (details keep ISO 8601). */
export function shanghaiText(at: number): string {
  return new Date(at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ");
}
