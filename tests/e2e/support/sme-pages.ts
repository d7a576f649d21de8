// Reading the SME pages the way the SME browser tests assert on them (the stage they run on is
// support/stage.ts).
import type { Page } from "playwright-core";

/** ¥1,234.56 from fen, computed here rather than with the app's own formatter. */
export const yuan = (fen: number) => `¥${Math.floor(fen / 100).toLocaleString("en-US")}.${String(fen % 100).padStart(2, "0")}`;

/** 'YYYY-MM-DD' in Beijing, `days` from today. */
export const beijingDay = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

/** The figure beside a label in a list of figures ("总价" → "¥384.00"). */
export async function figure(page: Page, label: string): Promise<string> {
  const row = page.locator("dl.figures div").filter({ has: page.locator("dt", { hasText: label }) }).first();
  return ((await row.locator("dd").textContent()) ?? "").trim();
}
