// One programme's dashboard: where its money went (issued, held, settled, paid, lapsed), spend by
// month and by offering category, the budget burn-down with the forecast at the current rate, and
// capacity utilisation; each chart beside its table, each table downloadable; then the largest
// providers and enterprises, and links down to the vouchers, bookings and audit events behind it.
import { beijingDate, formatFen, formatRatio } from "../shell/format";
import { useI18n } from "../shell/i18n";
import { OFFERING_CATEGORY } from "../shell/labels";
import { Link } from "../shell/router";
import { Money } from "../ui/amounts";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { Fold, ShowMoreButton, useShowMore } from "../ui/fold";
import { DataTable } from "../ui/table";
import { Chart, ChartWithTable, type ChartOption } from "./chart";
import { burnRows } from "./forecast";
import { MoneyFigures } from "./money-figures";
import { PeriodFilter, periodQuery, withPeriod, type Period } from "./period";
import { DASHBOARD_PATH, loadProgrammeReport, type DeliveredRow, type ProgrammeReport } from "./report-data";
import { ServerExports } from "./server-exports";
import { DownloadTable, type Cell } from "./table-csv";

const yuan = (fen: number) => fen / 100;
const moneyTip = (v: unknown) => formatFen(Math.round(Number(v) * 100));
const moneyAxis = (v: number) => formatFen(Math.round(v * 100));
const GRID = { left: 8, right: 16, top: 40, bottom: 8, containLabel: true } as const;

export function ProgrammeDashboard({ id, period }: { id: string; period: Period }) {
  const { t } = useI18n();
  const instants = periodQuery(period);
  const report = useLoad(() => loadProgrammeReport(id, instants), `${id} ${instants.from ?? ""} ${instants.to ?? ""}`);
  const title = report.state.status === "ready" ? report.state.data.programme.name : t("项目看板", "Programme dashboard");
  return (
    <Page title={title} dataTitle={report.state.status === "ready"}>
      <p>
        <Link href={withPeriod(DASHBOARD_PATH, period)}>{t("← 全部项目", "← All programmes")}</Link>
      </p>
      <PeriodFilter period={period} base={`${DASHBOARD_PATH}?id=${encodeURIComponent(id)}`} />
      <Loaded load={report}>{(data) => <ProgrammeBody report={data} period={instants} />}</Loaded>
    </Page>
  );
}

function ProgrammeBody({ report, period }: { report: ProgrammeReport; period: { from?: string; to?: string } }) {
  const { t } = useI18n();
  const id = report.programme.id;
  return (
    <>
      <section class="card" aria-labelledby="money">
        <h2 id="money">{t("资金去向", "Where the money went")}</h2>
        <MoneyFigures report={report} />
        <p class="links">
          <Link href={`/agency/vouchers?programme=${id}&status=all`}>{t("本项目的券与转账", "This programme's vouchers and transfers")}</Link>
          <Link href={`/agency/bookings?programme=${id}`}>{t("本项目的预约", "This programme's bookings")}</Link>
          <Link href={`/agency/audit?programme=${id}`}>{t("本项目的审计事件", "This programme's audit events")}</Link>
        </p>
      </section>
      <SpendBy rows={report.delivered_by.month} id="by-month" dimension="month" />
      <SpendBy rows={report.delivered_by.category} id="by-category" dimension="category" />
      <BurnDown report={report} />
      <Utilisation report={report} />
      <Top rows={report.top_providers} id="top-providers" title={t("补贴最多的服务商", "Providers with the most subsidy")} />
      <Top rows={report.top_smes} id="top-smes" title={t("补贴最多的企业", "Enterprises with the most subsidy")} />
      <ServerExports programmeId={id} period={period} />
    </>
  );
}

function SpendBy({ rows, id, dimension }: { rows: DeliveredRow[]; id: string; dimension: "month" | "category" }) {
  const { t, say } = useI18n();
  const labelOf = (row: DeliveredRow) =>
    dimension === "category" ? say(OFFERING_CATEGORY[row.key as keyof typeof OFFERING_CATEGORY] ?? [row.label, row.label]) : row.label;
  const title = dimension === "month" ? t("按月支出（已交付）", "Spend by month (delivered)") : t("按资源类别支出（已交付）", "Spend by category (delivered)");
  const header = [dimension === "month" ? t("月份", "Month") : t("类别", "Category"), t("交付笔数", "Deliveries"), t("补贴", "Subsidy"), t("企业自付", "Co-pay"), t("总价", "Gross"), t("实际补贴比例", "Subsidy ratio")];
  const option: ChartOption = {
    tooltip: { trigger: "axis", valueFormatter: moneyTip },
    legend: { top: 0 },
    grid: GRID,
    xAxis: { type: "category", data: rows.map(labelOf) },
    yAxis: { type: "value", axisLabel: { formatter: moneyAxis } },
    series: [
      { type: "bar", stack: "spend", name: t("补贴", "Subsidy"), data: rows.map((r) => yuan(r.subsidy_fen)) },
      { type: "bar", stack: "spend", name: t("企业自付", "Co-pay"), data: rows.map((r) => yuan(r.copay_fen)) },
    ],
  };
  const csv: Cell[][] = rows.map((r) => [labelOf(r), r.bookings, { fen: r.subsidy_fen }, { fen: r.copay_fen }, { fen: r.gross_fen }, r.subsidy_ratio_bp === null ? null : formatRatio(r.subsidy_ratio_bp)]);
  return (
    <ChartWithTable
      id={id}
      title={title}
      rows={rows.length}
      hint={t("补贴来自账本（扣除争议冲回），自付和总价来自交付时的预约。", "Subsidy is from the ledger (net of dispute reversals); co-pay and gross are from the bookings as delivered.")}
      chart={
        <Chart
          id={`chart-${id}`}
          option={option}
          summary={t(`堆叠柱状图：${title}，补贴与企业自付，共 ${rows.length} 组，数据见旁边的表格。`, `Stacked bar chart: ${title}, subsidy and co-pay, ${rows.length} groups; the table beside it has the figures.`)}
          empty={rows.length === 0 ? t("这段时间没有交付，没有可画的支出。", "Nothing was delivered in this period, so there is no spend to chart.") : undefined}
        />
      }
      table={
        <>
          <DataTable
            caption={title}
            rows={rows}
            rowKey={(r) => r.key}
            empty={t("这段时间还没有交付。", "Nothing delivered in this period yet.")}
            columns={[
              { header: header[0]!, cell: labelOf },
              { header: header[1]!, cell: (r) => r.bookings, class: "num" },
              { header: header[2]!, cell: (r) => <Money fen={r.subsidy_fen} />, class: "num" },
              { header: header[3]!, cell: (r) => <Money fen={r.copay_fen} />, class: "num" },
              { header: header[4]!, cell: (r) => <Money fen={r.gross_fen} />, class: "num" },
              { header: header[5]!, cell: (r) => (r.subsidy_ratio_bp === null ? "—" : formatRatio(r.subsidy_ratio_bp)), class: "num" },
            ]}
          />
          <div class="buttons">
            <DownloadTable name={`spend-by-${dimension}`} header={header} rows={csv} label={title} />
          </div>
        </>
      }
    />
  );
}

function BurnDown({ report }: { report: ProgrammeReport }) {
  const { t } = useI18n();
  const burn = report.burn_down;
  const rows = burnRows(burn, beijingDate(Date.now()));
  const title = t("预算消耗与预测", "Budget burn-down and forecast");
  const header = [t("月份", "Month"), t("月末剩余预算", "Budget left at month end"), t("按当前速度预测", "Forecast at the current rate")];
  const option: ChartOption = {
    tooltip: { trigger: "axis", valueFormatter: moneyTip },
    legend: { top: 0 },
    grid: GRID,
    xAxis: { type: "category", data: rows.map((r) => r.month), boundaryGap: false },
    yAxis: { type: "value", min: 0, axisLabel: { formatter: moneyAxis } },
    series: [
      { type: "line", name: t("剩余预算", "Budget left"), data: rows.map((r) => (r.actual_fen === null ? null : yuan(r.actual_fen))), symbolSize: 6 },
      { type: "line", name: t("预测", "Forecast"), data: rows.map((r) => (r.forecast_fen === null ? null : yuan(r.forecast_fen))), lineStyle: { type: "dashed" }, symbolSize: 4 },
    ],
  };
  // Months as cards on a phone run to screens: the first year, then a year more at a time.
  const paged = useShowMore(rows, 12);
  const runsOut = burn.runs_out_on
    ? t(`按近 30 天的净支出（每天 ${formatFen(burn.daily_rate_fen)}），预算将在 ${burn.runs_out_on} 用完。`, `At the last 30 days' net spend (${formatFen(burn.daily_rate_fen)} a day) the budget runs out on ${burn.runs_out_on}.`)
    : t("近 30 天没有净支出，无法预测用完日期。", "Nothing net left the pool in the last 30 days, so there is no run-out date.");
  return (
    <ChartWithTable
      id="burn-down"
      title={title}
      rows={rows.length}
      hint={
        <>
          {t("剩余预算：", "Budget left: ")}
          <Money fen={burn.remaining_fen} />
          {t("。", ". ")}
          <span id="runs-out">{runsOut}</span>
        </>
      }
      chart={<Chart id="chart-burn-down" option={option} summary={`${t("折线图：每月月末剩余预算，虚线为预测。", "Line chart: budget left at each month's end; the dashed line is the forecast. ")}${runsOut}`} />}
      table={
        <>
          <DataTable
            caption={title}
            rows={paged.rows}
            rowKey={(r) => r.month}
            empty=""
            columns={[
              { header: header[0]!, cell: (r) => r.month },
              { header: header[1]!, cell: (r) => (r.actual_fen === null ? "—" : <Money fen={r.actual_fen} />), class: "num" },
              { header: header[2]!, cell: (r) => (r.forecast_fen === null ? "—" : <Money fen={r.forecast_fen} />), class: "num" },
            ]}
          />
          <ShowMoreButton shown={paged.rows.length} left={paged.left} step={paged.step} onMore={paged.more} controls="burn-down-data" />
          <div class="buttons">
            <DownloadTable name="burn-down" header={header} rows={rows.map((r) => [r.month, r.actual_fen === null ? null : { fen: r.actual_fen }, r.forecast_fen === null ? null : { fen: r.forecast_fen }])} label={title} />
          </div>
        </>
      }
    />
  );
}

function Utilisation({ report }: { report: ProgrammeReport }) {
  const { t } = useI18n();
  const u = report.utilisation;
  const title = t("产能利用率", "Capacity utilisation");
  const hours = (h: number) => Math.round(h * 100) / 100;
  const rows: { key: string; label: string; used: number; of: number; ratio: number | null }[] = [
    { key: "booked", label: t("预订 ÷ 发布容量（单位·小时）", "Booked ÷ published capacity (unit-hours)"), used: hours(u.booked_unit_hours), of: hours(u.capacity_unit_hours), ratio: u.booked_of_capacity_bp },
    { key: "metered", label: t("实际计量 ÷ 预订用量", "Metered ÷ booked usage"), used: u.metered_milli / 1000, of: u.booked_milli / 1000, ratio: u.metered_of_booked_bp },
  ];
  const header = [t("指标", "Measure"), t("已用", "Used"), t("总量", "Of"), t("比例", "Ratio")];
  const option: ChartOption = {
    tooltip: { trigger: "axis", valueFormatter: (v) => `${Number(v).toFixed(2)}%` },
    // Room on the right for the label after a full bar ("100.00%"), cut off at phone width otherwise.
    grid: { ...GRID, right: 56 },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: rows.map((r) => (r.key === "booked" ? t("预订/容量", "Booked/capacity") : t("计量/预订", "Metered/booked"))) },
    series: [{ type: "bar", name: title, data: rows.map((r) => (r.ratio === null ? 0 : r.ratio / 100)), label: { show: true, position: "right", formatter: (p: { value?: unknown }) => `${Number(p.value).toFixed(2)}%` } }],
  };
  const period = `${beijingDate(Date.parse(u.from))} — ${beijingDate(Date.parse(u.to))}`;
  return (
    <ChartWithTable
      id="utilisation"
      title={title}
      rows={rows.length}
      hint={t(`${period}：本项目预约所用资源的发布容量中被预订的比例（${u.offerings} 项资源），以及已计量用量占预订用量的比例（${u.bookings_metered} 笔预约）。`, `${period}: the share of the published capacity of the ${u.offerings} offerings this programme's bookings used that was booked, and metered usage against booked (${u.bookings_metered} bookings).`)}
      chart={
        <Chart
          id="chart-utilisation"
          option={option}
          summary={t(`条形图：${title}。`, `Bar chart: ${title}. `) + rows.map((r) => `${r.label} ${r.ratio === null ? "—" : formatRatio(r.ratio)}`).join("; ")}
          empty={rows.every((r) => r.ratio === null) ? t("这段时间没有预约用到发布的容量，也没有计量用量：没有可画的比例。", "No booking used published capacity and nothing was metered in this period: there is no ratio to chart.") : undefined}
        />
      }
      table={
        <>
          <DataTable
            caption={title}
            rows={rows}
            rowKey={(r) => r.key}
            empty=""
            columns={[
              { header: header[0]!, cell: (r) => r.label },
              { header: header[1]!, cell: (r) => r.used.toLocaleString(), class: "num" },
              { header: header[2]!, cell: (r) => r.of.toLocaleString(), class: "num" },
              { header: header[3]!, cell: (r) => (r.ratio === null ? "—" : formatRatio(r.ratio)), class: "num" },
            ]}
          />
          <div class="buttons">
            <DownloadTable name="utilisation" header={header} rows={rows.map((r) => [r.label, r.used, r.of, r.ratio === null ? null : formatRatio(r.ratio)])} label={title} />
          </div>
        </>
      }
    />
  );
}

function Top({ rows, id, title }: { rows: DeliveredRow[]; id: string; title: string }) {
  const { t } = useI18n();
  const header = [t("名称", "Name"), t("交付笔数", "Deliveries"), t("补贴", "Subsidy"), t("企业自付", "Co-pay")];
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {rows.length === 0 ? (
        <p class="empty">{t("还没有交付。", "Nothing delivered yet.")}</p>
      ) : (
        <Fold summary={t(`表格与导出（${rows.length} 行）`, `The table and its download (${rows.length} rows)`)}>
          <DataTable
            caption={title}
            rows={rows}
            rowKey={(r) => r.key}
            empty={t("还没有交付。", "Nothing delivered yet.")}
            columns={[
              { header: header[0]!, cell: (r) => r.label },
              { header: header[1]!, cell: (r) => r.bookings, class: "num" },
              { header: header[2]!, cell: (r) => <Money fen={r.subsidy_fen} />, class: "num" },
              { header: header[3]!, cell: (r) => <Money fen={r.copay_fen} />, class: "num" },
            ]}
          />
          <div class="buttons">
            <DownloadTable name={id} header={header} rows={rows.map((r) => [r.label, r.bookings, { fen: r.subsidy_fen }, { fen: r.copay_fen }])} label={title} />
          </div>
        </Fold>
      )}
    </section>
  );
}
