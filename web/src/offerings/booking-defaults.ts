// Where the booking panel starts when nothing is asked for: the first day from tomorrow whose
// 09:00 (Beijing) is bookable (outside the lead time) and still cancellable (outside the
// cancellation notice), so a booking made with the defaults can be cancelled.
import { addDays, beijingDate } from "../shell/format";

export const DEFAULT_START_HOUR = 9;
/** Days looked ahead at most; a notice longer than this leaves the day after it. */
const MAX_DAYS_AHEAD = 60;

export function defaultStartDate(offering: { lead_time_minutes: number; cancellation_notice_minutes: number }, now_ms: number): string {
  const margin_ms = Math.max(offering.lead_time_minutes, offering.cancellation_notice_minutes) * 60_000;
  const startOf = (day: string) => Date.parse(`${day}T${String(DEFAULT_START_HOUR).padStart(2, "0")}:00:00+08:00`);
  let day = addDays(beijingDate(now_ms), 1);
  for (let i = 0; i < MAX_DAYS_AHEAD && startOf(day) - margin_ms <= now_ms; i++) day = addDays(day, 1);
  return day;
}
