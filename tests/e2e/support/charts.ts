// What a dashboard chart shows in the browser, read from its canvas: ECharts draws into a canvas,
// so "the chart rendered" means pixels were painted there, not merely that a canvas exists.
import type { Page } from "playwright-core";

/** Where the plot starts below the legend (the dashboard's grid top is 40 px). */
const BELOW_LEGEND_PX = 45;

/**
 * A chart's drawing: its canvas's size on screen, how many pixels are painted at all, and how many
 * below the legend are in colour (bars, lines; axes and their labels are grey), which is 0 for a
 * frame with only a legend and an axis.
 */
export const drawing = (page: Page, id: string) =>
  page.locator(`#${id}`).evaluate((box, belowLegend) => {
    const canvas = box.querySelector("canvas");
    if (!canvas || canvas.width === 0 || canvas.height === 0) return { width: 0, height: 0, painted: 0, coloured: 0 };
    const shown = canvas.getBoundingClientRect();
    const pixels = canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
    const firstRow = Math.round(belowLegend * (canvas.height / shown.height));
    let painted = 0;
    let coloured = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b, a] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, pixels[i + 3]!];
      if (a === 0) continue;
      painted += 1;
      if (a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 60 && i / 4 / canvas.width >= firstRow) coloured += 1;
    }
    return { width: shown.width, height: shown.height, painted, coloured };
  }, BELOW_LEGEND_PX);
