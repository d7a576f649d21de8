// The dashboard's period: a from month and a to month (both inclusive, Asia/Shanghai), kept in the
// address as ?from=YYYY-MM&to=YYYY-MM so a filtered dashboard can be linked and reloaded. The API
// reads instants with `to` exclusive (docs/reports.md), so the period runs from 00:00 +08:00 on the
// first day of the from month to 00:00 +08:00 on the first day of the month after the to month.
import { useI18n } from "../shell/i18n";
import { navigate } from "../shell/router";
import { FilterForm, MonthRange } from "../ui/filter-form";
import { withPeriod, type Period } from "./period-range";

export { periodOf, periodQuery, withPeriod, type Period } from "./period-range";

/** The period in words: "2026-01 至 2026-03", "2026-01 起", "全部时期"… */
export function usePeriodLabel(p: Period): string {
  const { t } = useI18n();
  if (p.from && p.to) return p.from === p.to ? t(`${p.from}（北京时间）`, `${p.from} (Beijing time)`) : t(`${p.from} 至 ${p.to}（北京时间，含首尾两月）`, `${p.from} to ${p.to} (Beijing time, both months included)`);
  if (p.from) return t(`${p.from} 起至今（北京时间）`, `From ${p.from} to now (Beijing time)`);
  if (p.to) return t(`开始至 ${p.to}（北京时间，含该月）`, `From the beginning to ${p.to} (Beijing time, that month included)`);
  return t("全部时期", "The whole period");
}

/** The from/to month filter, the refusal of a bad period, and which period the figures are for. */
export function PeriodFilter({ period, base }: { period: Period; base: string }) {
  const { t } = useI18n();
  const label = usePeriodLabel(period);
  return (
    <>
      <FilterForm card label={t("选择时期", "Choose the period")} clearHref={base} onFilter={(value) => navigate(withPeriod(base, { from: value("from"), to: value("to") }))}>
        <MonthRange from={period.from} to={period.to} labels={[t("起始月份", "From month"), t("截止月份（含）", "To month (inclusive)")]} />
      </FilterForm>
      {period.problem && (
        <p class="message error" role="alert" id="period-problem">
          {period.problem === "order"
            ? t("截止月份早于起始月份，未按时期筛选；下面显示全部时期。", "The to month is before the from month, so the filter was not applied; the whole period is shown below.")
            : t("月份应为“年-月”，如 2026-03；下面显示全部时期。", "Months are year-month, such as 2026-03; the whole period is shown below.")}
        </p>
      )}
      <p id="period-shown">
        {t("显示时期：", "Period shown: ")}
        <strong>{label}</strong>
      </p>
    </>
  );
}
