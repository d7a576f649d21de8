// Public notice (公示) runs for a number of working days: Monday to Friday in Asia/Shanghai.
// Public holidays and the make-up working weekends (调休) are not modelled: a programme that
// must honour them sets a longer notice_days.

/** Day of the week of a 'YYYY-MM-DD' date: 0 Sunday … 6 Saturday. */
function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export const isWorkingDay = (date: string) => weekday(date) !== 0 && weekday(date) !== 6;

export interface NoticePeriod {
  /** First and last day of the notice; null when the programme has no notice (0 days). */
  starts_on: string | null;
  ends_on: string | null;
}

/**
 * The notice for a claim approved on `approvedOn` (Beijing date): `days` working days starting
 * with the first working day after the approval, so a full day of notice is never cut short.
 */
export function noticePeriod(approvedOn: string, days: number): NoticePeriod {
  if (!Number.isInteger(days) || days < 0) throw new Error(`notice days must be a non-negative integer: ${days}`);
  if (days === 0) return { starts_on: null, ends_on: null };
  let day = nextDay(approvedOn);
  while (!isWorkingDay(day)) day = nextDay(day);
  const starts_on = day;
  let counted = 1;
  while (counted < days) {
    day = nextDay(day);
    if (isWorkingDay(day)) counted++;
  }
  return { starts_on, ends_on: day };
}

/** The claim deadline: `days` calendar days after delivery. */
export const DEFAULT_CLAIM_DEADLINE_DAYS = 90;
export const DEFAULT_NOTICE_DAYS = 5;
