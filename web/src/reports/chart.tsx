// One chart on a dashboard page: an ARIA-labelled box that the chart library (charts.ts, fetched
// by a dynamic import the first time a dashboard page draws) fills, redrawn on resize and on a
// change of language. The data behind it is always in the table beside it (ChartWithTable).
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { useI18n } from "../shell/i18n";
import { Fold } from "../ui/fold";
import type { ChartOption, DrawnChart } from "./charts";

export type { ChartOption };

/**
 * `empty`, when the data has nothing to draw, is said in the chart's place instead of an empty
 * frame with only axes and a legend.
 */
export function Chart({ option, summary, id, empty }: { option: ChartOption; summary: string; id: string; empty?: string }) {
  const { t, lang } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  const key = JSON.stringify(option);
  useEffect(() => {
    const element = box.current;
    if (empty !== undefined || !element) return;
    let live = true;
    let drawn: DrawnChart | null = null;
    let draw: (() => DrawnChart) | null = null;
    // ECharts measures its box once, when it starts: a box without a size at that moment (not laid
    // out yet, or in a fold or column that is closed) would stay an empty frame until a resize.
    // So the chart starts only once its box has a size, and follows the box after that.
    const follow = () => {
      if (!live || !draw) return;
      if (drawn) drawn.resize();
      else if (element.clientWidth > 0 && element.clientHeight > 0) drawn = draw();
    };
    const observer = new ResizeObserver(follow);
    import("./charts").then(
      ({ drawChart }) => {
        if (!live) return;
        draw = () => drawChart(element, { ...option, aria: { enabled: true, label: { description: summary } } }, lang);
        follow();
        observer.observe(element);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      observer.disconnect();
      drawn?.dispose();
    };
    // `option` is a new object each render; `key` is its content.
  }, [key, lang, summary, empty]);
  if (empty !== undefined) {
    return (
      <div class="chart">
        <p id={id} class="chart-empty">
          {empty}
        </p>
      </div>
    );
  }
  return (
    <div class="chart">
      <div ref={box} id={id} class="chart-canvas" role="img" aria-label={summary} />
      {failed && (
        <p class="message error" role="alert">
          {t("图表未能加载，数据见下表。", "The chart could not load; the table below has its data.")}
        </p>
      )}
    </div>
  );
}

/**
 * A chart, its table and the table's download, as one titled section. The table folds under a
 * summary (open at first on a wide screen, folded on a phone, where the chart and the hint's key
 * figure come first and the table as cards would be screens long); `rows` says how long it is.
 */
export function ChartWithTable(props: { id: string; title: string; hint?: ComponentChildren; chart: ComponentChildren; table: ComponentChildren; rows: number; open?: boolean }) {
  const { t } = useI18n();
  return (
    <section class="card chart-card" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.hint && <p class="hint">{props.hint}</p>}
      <div class="chart-and-table">
        {props.chart}
        <Fold class="chart-fold" open={props.open} summary={t(`数据表与导出（${props.rows} 行）`, `The figures as a table, and the download (${props.rows} rows)`)}>
          {/* The table may be wider than its column (English headings, long burn-downs): it scrolls
              here, and a scroll region must be reachable from the keyboard (WCAG 2.1.1). */}
          <div class="chart-table" id={`${props.id}-data`} tabIndex={0} role="region" aria-label={props.title}>
            {props.table}
          </div>
        </Fold>
      </div>
    </section>
  );
}
