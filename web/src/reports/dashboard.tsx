// 统计看板 for agency staff and auditors: every programme's headline money figures (where the
// money went), then one programme at a time with its charts. Charts come from Apache ECharts,
// fetched only on these pages (chart.tsx); each sits beside the table it draws, and every table
// can be downloaded.
import { formatFen } from "../shell/format";
import { useI18n } from "../shell/i18n";
import { PROGRAMME_STATUS } from "../shell/labels";
import { Link, useLocation } from "../shell/router";
import { Money } from "../ui/amounts";
import { useNarrowScreen } from "../ui/fold";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { Chart, ChartWithTable, type ChartOption } from "./chart";
import { ProgrammeDashboard } from "./programme-dashboard";
import { periodOf, PeriodFilter, periodQuery, withPeriod, type Period } from "./period";
import { DASHBOARD_PATH, loadOverview, type ProgrammeSummary } from "./report-data";
import { ServerExports } from "./server-exports";
import { DownloadTable } from "./table-csv";

export function DashboardPage() {
  const { query } = useLocation();
  const id = query.get("id");
  const period = periodOf(query);
  return id ? <ProgrammeDashboard id={id} period={period} /> : <Overview period={period} />;
}

function Overview({ period }: { period: Period }) {
  const { t } = useI18n();
  const instants = periodQuery(period);
  const overview = useLoad(() => loadOverview(instants), `overview ${instants.from ?? ""} ${instants.to ?? ""}`);
  return (
    <Page
      title={t("统计看板", "Dashboard")}
      lead={t("本机构各项目的资金去向：每个数字都是账本转账的合计。点项目名称看图表和明细。", "Where each of your programmes' money went; every figure is a sum of ledger transfers. Open a programme for its charts and details.")}
    >
      <PeriodFilter period={period} base={DASHBOARD_PATH} />
      <Loaded load={overview}>{({ items }) => <OverviewBody items={items} period={period} />}</Loaded>
    </Page>
  );
}

function OverviewBody({ items, period }: { items: ProgrammeSummary[]; period: Period }) {
  const { t, say } = useI18n();
  // On a phone the programmes' names would overlap under the bars, and the chart would show only
  // the first: each is named, slanted and cut short (the table below has them in full).
  const narrow = useNarrowScreen();
  const header = [t("项目", "Programme"), t("状态", "Status"), t("总预算", "Budget"), t("已发券", "Issued"), t("冻结中", "Held"), t("已结算", "Settled"), t("已兑付", "Paid"), t("过期退回", "Lapsed"), t("期末资金池可发放", "Pool available at period end"), t("预计用完（按期末）", "Runs out on (as at period end)")];
  const csvRows = items.map((p) => [p.programme.name, say(PROGRAMME_STATUS[p.programme.status as keyof typeof PROGRAMME_STATUS] ?? [p.programme.status, p.programme.status]), { fen: p.ledger.budget_fen }, { fen: p.ledger.issued_fen }, { fen: p.ledger.held_fen }, { fen: p.ledger.settled_fen }, { fen: p.ledger.paid_fen }, { fen: p.ledger.lapsed_fen }, { fen: p.pool_available_fen }, p.runs_out_on]);
  const series: [string, (p: ProgrammeSummary) => number][] = [
    [t("已发券", "Issued"), (p) => p.ledger.issued_fen],
    [t("冻结中", "Held"), (p) => p.ledger.held_fen],
    [t("已结算", "Settled"), (p) => p.ledger.settled_fen],
    [t("已兑付", "Paid"), (p) => p.ledger.paid_fen],
  ];
  const option: ChartOption = {
    tooltip: { trigger: "axis", valueFormatter: (v) => formatFen(Math.round(Number(v) * 100)) },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: items.map((p) => p.programme.name), axisLabel: narrow ? { interval: 0, rotate: 30, width: 80, overflow: "truncate" } : { width: 120, overflow: "truncate" } },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => formatFen(Math.round(v * 100)) } },
    series: series.map(([name, of]) => ({ type: "bar", name, data: items.map((p) => of(p) / 100) })),
  };
  return (
    <>
      <ChartWithTable
        id="overview-chart"
        title={t("各项目资金去向", "Where each programme's money went")}
        rows={items.length}
        // The table is how one opens a programme: never folded.
        open
        chart={
          <Chart
            id="chart-overview"
            option={option}
            summary={t(`柱状图：${items.length} 个项目的已发券、冻结、已结算和已兑付金额，数据见旁边的表格。`, `Bar chart: issued, held, settled and paid money of ${items.length} programmes; the table beside it has the figures.`)}
            empty={items.length === 0 ? t("本机构还没有项目，没有可画的金额。", "Your agency has no programmes yet, so there is no money to chart.") : undefined}
          />
        }
        table={
          <>
            <DataTable
              caption={t("各项目资金去向（元）", "Money by programme (¥)")}
              rows={items}
              rowKey={(p) => p.programme.id}
              empty={t("本机构还没有项目。", "Your agency has no programmes yet.")}
              columns={[
                { header: header[0]!, cell: (p) => <Link href={withPeriod(`${DASHBOARD_PATH}?id=${p.programme.id}`, period)}>{p.programme.name}</Link> },
                { header: header[1]!, cell: (p) => say(PROGRAMME_STATUS[p.programme.status as keyof typeof PROGRAMME_STATUS] ?? [p.programme.status, p.programme.status]) },
                { header: header[2]!, cell: (p) => <Money fen={p.ledger.budget_fen} />, class: "num" },
                { header: header[3]!, cell: (p) => <Money fen={p.ledger.issued_fen} />, class: "num" },
                { header: header[4]!, cell: (p) => <Money fen={p.ledger.held_fen} />, class: "num" },
                { header: header[5]!, cell: (p) => <Money fen={p.ledger.settled_fen} />, class: "num" },
                { header: header[6]!, cell: (p) => <Money fen={p.ledger.paid_fen} />, class: "num" },
                { header: header[7]!, cell: (p) => <Money fen={p.ledger.lapsed_fen} />, class: "num" },
                { header: header[8]!, cell: (p) => <Money fen={p.pool_available_fen} />, class: "num" },
                { header: header[9]!, cell: (p) => p.runs_out_on ?? t("—（近 30 天无净支出）", "— (no net spend in 30 days)") },
              ]}
            />
            <div class="buttons">
              <DownloadTable name="programmes-overview" header={header} rows={csvRows} label={t("各项目资金去向", "Money by programme")} />
            </div>
          </>
        }
      />
      <ServerExports period={periodQuery(period)} />
    </>
  );
}
