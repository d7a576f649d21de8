// Money and dates that decide money, shown the same way on every page: amounts in tabular
// figures (so columns of them line up), expiry with the days left, booked ranges in Beijing time.
import type { ComponentChildren } from "preact";
import { daysUntil, formatFen, formatInstant } from "../shell/format";
import { useI18n } from "../shell/i18n";

// A true minus sign (U+2212): as wide as the plus, so signed columns stay aligned.
const SIGNS = { "+": "+", "-": "\u2212" } as const;

export function Money({ fen, sign }: { fen: number; sign?: "+" | "-" }) {
  return (
    <span class="money">
      {sign && fen > 0 ? SIGNS[sign] : ""}
      {formatFen(fen)}
    </span>
  );
}

/**
 * "2026-12-31（还剩 40 天）": the last day a voucher can be used and how far away it is. Days are
 * counted only while the voucher works: a revoked one says so, an expired one says expired.
 */
export function ValidThrough({ on, status = "active", now_ms = Date.now() }: { on: string; status?: "active" | "expired" | "revoked"; now_ms?: number }) {
  const { t } = useI18n();
  const days = daysUntil(on, now_ms);
  const working = status === "active";
  const left =
    status === "revoked"
      ? t("已撤销，不再可用", "revoked, no longer usable")
      : !working || days < 0
        ? t("已过期", "expired")
        : days === 0
          ? t("今天到期", "last day today")
          : t(`还剩 ${days} 天`, `${days} ${days === 1 ? "day" : "days"} left`);
  return (
    <span class={`valid-through${working && days <= 7 ? " soon" : ""}`}>
      <time dateTime={on}>{on}</time>
      <span class="days-left">{t(`（${left}）`, ` (${left})`)}</span>
    </span>
  );
}

export interface FigureRow {
  label: string;
  fen: number;
  sign?: "+" | "-";
  /** A line that sums the rows above it (drawn with a rule above). */
  total?: boolean;
  note?: ComponentChildren;
}

/** A column of amounts with their labels, right-aligned so the fen line up. */
export function Figures({ rows, label }: { rows: readonly FigureRow[]; label: string }) {
  return (
    <dl class="figures" aria-label={label}>
      {rows.map((row) => (
        <div key={row.label} class={row.total ? "total" : undefined}>
          <dt>
            {row.label}
            {row.note && <span class="note">{row.note}</span>}
          </dt>
          <dd>
            <Money fen={row.fen} sign={row.sign} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** A booked range in Beijing time, the date said once when start and end share it. */
export function TimeRange({ from, to }: { from: string; to: string }) {
  const { t } = useI18n();
  const start = formatInstant(from);
  const end = formatInstant(to);
  const sameDay = start.slice(0, 10) === end.slice(0, 10);
  return (
    <span class="time-range" title={t("北京时间（UTC+8）", "Beijing time (UTC+8)")}>
      <time dateTime={from}>{start}</time>–<time dateTime={to}>{sameDay ? end.slice(11) : end}</time>
    </span>
  );
}
