// What every browser test file shares: the product and one browser for the file, a tab per
// person (own cookies), and at the end a failure for any script error or CSP violation seen.
import { afterAll, beforeAll, expect } from "vitest";
import type { Browser, Page } from "playwright-core";
import { DEMO_PASSWORD } from "../../../src/seed/demo";
import { launchBrowser, type MOBILE } from "./browser";
import { startProduct, type Product } from "./product";
import { openTab, signIn, type Tab } from "./session";

export interface Stage<P extends Product = Product> {
  readonly baseUrl: string;
  /** The running product (available once the file's tests run). */
  readonly product: P;
  /** A new person's tab (own cookies), desktop unless a viewport is given. */
  tab(viewport?: typeof MOBILE): Promise<Tab>;
  /** A tab at `path`, signed in as a demo user on the way. */
  signedIn(email: string, path: string, viewport?: typeof MOBILE): Promise<Page>;
}

/** Starts the product (by `start`) and a browser before the file's tests; stops them after. */
export function stage<P extends Product = Product>(start: () => Promise<P> = startProduct as () => Promise<P>): Stage<P> {
  let browser: Browser;
  let product: P;
  const tabs: Tab[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
    product = await start();
  });
  afterAll(async () => {
    try {
      expect(tabs.flatMap((t) => t.problems)).toEqual([]);
    } finally {
      await browser?.close();
      await product?.stop();
    }
  });
  const tab = async (viewport?: typeof MOBILE) => {
    const opened = await openTab(browser, product.baseUrl, viewport);
    tabs.push(opened);
    return opened;
  };
  return {
    get baseUrl() {
      return product.baseUrl;
    },
    get product() {
      return product;
    },
    tab,
    async signedIn(email, path, viewport) {
      const { page } = await tab(viewport);
      await page.goto(path);
      await signIn(page, email, DEMO_PASSWORD);
      return page;
    },
  };
}

export const heading = (page: Page, name: string | RegExp) => page.getByRole("heading", { level: 1, name });
