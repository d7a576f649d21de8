// What the SME browser tests share: the product and one browser per file (with every tab's
// script errors checked at the end), and reading pages the way the tests assert on them.
import { afterAll, beforeAll, expect } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, type MOBILE } from "./browser";
import { startProduct, type Product } from "./product";
import { openTab, type Tab } from "./session";

export interface Stage {
  readonly baseUrl: string;
  /** A new person's tab (own cookies), desktop unless a viewport is given. */
  tab(viewport?: typeof MOBILE): Promise<Tab>;
}

/** Starts the product and a browser before the file's tests; stops them after, failing on script errors seen. */
export function stage(): Stage {
  let browser: Browser;
  let product: Product;
  const tabs: Tab[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
    product = await startProduct();
  });
  afterAll(async () => {
    try {
      expect(tabs.flatMap((t) => t.problems)).toEqual([]);
    } finally {
      await browser?.close();
      await product?.stop();
    }
  });
  return {
    get baseUrl() {
      return product.baseUrl;
    },
    async tab(viewport) {
      const opened = await openTab(browser, product.baseUrl, viewport);
      tabs.push(opened);
      return opened;
    },
  };
}

export const heading = (page: Page, name: string | RegExp) => page.getByRole("heading", { level: 1, name });

/** ¥1,234.56 from fen, computed here rather than with the app's own formatter. */
export const yuan = (fen: number) => `¥${Math.floor(fen / 100).toLocaleString("en-US")}.${String(fen % 100).padStart(2, "0")}`;

/** 'YYYY-MM-DD' in Beijing, `days` from today. */
export const beijingDay = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

/** The figure beside a label in a list of figures ("总价" → "¥384.00"). */
export async function figure(page: Page, label: string): Promise<string> {
  const row = page.locator("dl.figures div").filter({ has: page.locator("dt", { hasText: label }) }).first();
  return ((await row.locator("dd").textContent()) ?? "").trim();
}
