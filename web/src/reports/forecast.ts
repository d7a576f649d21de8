// The burn-down chart's rows: the budget left at the end of each month so far (from the report),
// then the forecast at the current rate, month by month, to the month the budget runs out.
// Pure, so it is unit-tested (tests/unit/web/burn-forecast.test.ts).

export interface BurnDownReport {
  months: readonly { month: string; burned_fen: number; remaining_fen: number }[];
  remaining_fen: number;
  daily_rate_fen: number;
  runs_out_on: string | null;
}

export interface BurnRow {
  /** 'YYYY-MM'. */
  month: string;
  /** Budget left at the end of the month (for the current month: now); null for future months. */
  actual_fen: number | null;
  /** Forecast budget left at the end of the month; null before the current month. */
  forecast_fen: number | null;
}

/** Forecast months shown at most (three years); a later run-out date is named, not drawn. */
export const MAX_FORECAST_MONTHS = 36;

const nextMonth = (month: string): string => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
};

/** Days from `today` (YYYY-MM-DD) to the last day of `month`, inclusive of that last day. */
const daysToMonthEnd = (today: string, month: string): number => {
  const end = Date.parse(`${nextMonth(month)}-01T00:00:00Z`);
  return Math.round((end - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
};

export function burnRows(report: BurnDownReport, today: string): BurnRow[] {
  const current = today.slice(0, 7);
  const rows: BurnRow[] = report.months.filter((m) => m.month < current).map((m) => ({ month: m.month, actual_fen: m.remaining_fen, forecast_fen: null }));
  // This month: the budget left now, where the forecast line starts.
  rows.push({ month: current, actual_fen: report.remaining_fen, forecast_fen: report.remaining_fen });
  if (report.daily_rate_fen <= 0 || report.remaining_fen <= 0 || !report.runs_out_on) return rows;
  const last = report.runs_out_on.slice(0, 7);
  let month = current;
  for (let i = 0; i < MAX_FORECAST_MONTHS && month < last; i++) {
    month = nextMonth(month);
    rows.push({ month, actual_fen: null, forecast_fen: Math.max(0, report.remaining_fen - report.daily_rate_fen * daysToMonthEnd(today, month)) });
  }
  return rows;
}
