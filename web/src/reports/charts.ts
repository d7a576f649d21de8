// The chart library, loaded only by dashboard pages: chart.tsx imports this file dynamically, so
// the build (scripts/build-web.mjs, esbuild splitting) puts it and Apache ECharts into their own
// file, charts.<hash>.js, which no other page fetches. Only the parts used are registered (bar and
// line charts, a grid, tooltip, legend, mark line, ARIA; the canvas renderer), so the rest of
// ECharts is tree-shaken away. Its Chinese and English locales are built into the core.
import { init, use, type ComposeOption, type ECharts } from "echarts/core";
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from "echarts/charts";
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  type AriaComponentOption,
  type GridComponentOption,
  type LegendComponentOption,
  type MarkLineComponentOption,
  type TooltipComponentOption,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, AriaComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | MarkLineComponentOption | AriaComponentOption
>;

export interface DrawnChart {
  update(option: ChartOption): void;
  resize(): void;
  dispose(): void;
}

/** Draws `option` into `element` (which the page sized); the caller disposes it when the page goes. */
export function drawChart(element: HTMLElement, option: ChartOption, lang: "zh" | "en"): DrawnChart {
  const chart: ECharts = init(element, null, { renderer: "canvas", locale: lang === "zh" ? "ZH" : "EN" });
  chart.setOption(option);
  return {
    update: (next) => chart.setOption(next, { notMerge: true }),
    resize: () => chart.resize(),
    dispose: () => chart.dispose(),
  };
}
