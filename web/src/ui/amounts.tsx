// Money and dates that decide money, shown the same way on every page: amounts in tabular
// figures (so columns of them line up), expiry with the days left in Beijing time.
import type { ComponentChildren } from "preact";
import { daysUntil, formatFen } from "../format";
import { useI18n } from "../i18n";

export function Money({ fen, sign }: { fen: number; sign?: "+" | "-" }) {
  return (
    <span class="money">
      {sign && fen > 0 ? sign : ""}
      {formatFen(fen)}
    </span>
  );
}

/** "2026-12-31（还剩 40 天）": the last day a voucher can be used and how far away it is. */
export function ValidThrough({ on, now_ms = Date.now() }: { on: string; now_ms?: number }) {
  const { t } = useI18n();
  const days = daysUntil(on, now_ms);
  const left =
    days < 0
      ? t("已过期", "expired")
      : days === 0
        ? t("今天到期", "last day today")
        : t(`还剩 ${days} 天`, `${days} ${days === 1 ? "day" : "days"} left`);
  return (
    <span class={`valid-through${days <= 7 ? " soon" : ""}`}>
      <time dateTime={on}>{on}</time> <span class="days-left">（{left}）</span>
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
