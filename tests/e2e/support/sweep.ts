// Moving through the app the way its own links do, for the page-by-page sweep (axe.test.ts):
// history.pushState plus the router's popstate listeners, so the app is loaded once per person
// instead of once per page, and "settled" means no request in flight and no loading marker.
import { mkdirSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";

export const SWEEP_DESKTOP = { width: 1366, height: 900 };
export const SWEEP_PHONE = { width: 390, height: 844 };
const SCREENSHOT_DIR = "screenshots/sweep";
const SETTLE_TIMEOUT_MS = 15_000;
/** Frames in a row with nothing loading before a page counts as drawn (a fetch may start a frame after another ends). */
const QUIET_FRAMES = 3;

/**
 * Counts the page's fetches in flight, in every document of the context. An init script runs
 * through the DevTools protocol before the app's own scripts, so the CSP (script-src 'self') does
 * not apply to it; settle() fails if the counter is missing rather than waiting on nothing.
 */
export async function countFetches(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    let inFlight = 0;
    const original = window.fetch.bind(window);
    window.fetch = (...args: Parameters<typeof fetch>) => {
      inFlight += 1;
      return original(...args).finally(() => (inFlight -= 1));
    };
    (window as unknown as { fetchesInFlight: () => number }).fetchesInFlight = () => inFlight;
  });
}

/** Waits until the page shows an <h1>, nothing reads as loading and no fetch is in flight, for several frames in a row. */
export async function settle(page: Page): Promise<void> {
  await page.locator("h1").first().waitFor({ timeout: SETTLE_TIMEOUT_MS });
  const quiet = await page.evaluate(
    async ({ frames, timeout }) => {
      const counter = (window as unknown as { fetchesInFlight?: () => number }).fetchesInFlight;
      if (!counter) return "no fetch counter in this page (countFetches was not installed)";
      const tick = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      const deadline = performance.now() + timeout;
      let still = 0;
      while (still < frames) {
        if (performance.now() > deadline) return `still loading after ${timeout} ms (${counter()} fetches in flight)`;
        await tick();
        still = counter() === 0 && !document.querySelector(".loading") ? still + 1 : 0;
      }
      return "";
    },
    { frames: QUIET_FRAMES, timeout: SETTLE_TIMEOUT_MS },
  );
  if (quiet) throw new Error(`${page.url()}: ${quiet}`);
}

/** Opens `path` in the running app, as its <Link>s do, and waits for it to settle. */
export async function visit(page: Page, path: string): Promise<void> {
  await page.evaluate((href) => {
    history.pushState(null, "", href);
    dispatchEvent(new PopStateEvent("popstate"));
  }, path);
  await settle(page);
  const here = await page.evaluate(() => location.pathname + location.search);
  if (here !== path) throw new Error(`opening ${path} ended at ${here}`);
}

/** Switches the interface language with the header's button (no reload) and waits for the page to redraw. */
export async function switchLanguage(page: Page, lang: "zh" | "en"): Promise<void> {
  const htmlLang = lang === "zh" ? "zh-CN" : "en";
  if ((await page.evaluate(() => document.documentElement.lang)) === htmlLang) return;
  await page.locator("header.site button.lang").click();
  await page.waitForFunction((l) => document.documentElement.lang === l, htmlLang);
  await settle(page);
}

/**
 * Runs `check` with the window at `viewport`, then puts the window back as it was. `check` starts
 * once the page has reacted to the new width: resize observers (the dashboard's charts redraw to
 * their box) run before the next frames are drawn.
 */
async function atViewport<T>(page: Page, viewport: { width: number; height: number }, check: () => Promise<T>): Promise<T> {
  const size = page.viewportSize();
  await page.setViewportSize(viewport);
  try {
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)))));
    return await check();
  } finally {
    if (size) await page.setViewportSize(size);
  }
}

/** How far the page is wider than the window at phone width (0: no sideways scrolling), with the widest culprits. */
export async function overflowAtPhoneWidth(page: Page): Promise<string> {
  return atViewport(page, SWEEP_PHONE, () =>
    page.evaluate(() => {
      const root = document.scrollingElement ?? document.documentElement;
      const extra = root.scrollWidth - window.innerWidth;
      if (extra <= 0) return "";
      const wide = [...document.querySelectorAll<HTMLElement>("body *")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .filter((el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= window.innerWidth + 0.5)
        .slice(0, 3)
        .map((el) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(" ").join(".")}` : ""} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`);
      return `${extra}px wider than the ${window.innerWidth}px window: ${wide.join(", ")}`;
    }),
  );
}

/**
 * At phone width a table's rows stack as cards, each cell's label (data-label) in a left column:
 * the cells whose content (an element, e.g. an id beside a name) lies in that label column.
 */
export async function cellsIntoLabelsAtPhoneWidth(page: Page): Promise<string> {
  return atViewport(page, SWEEP_PHONE, async () => {
    const intruders = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLTableCellElement>("table.data td[data-label]")].flatMap((td) => {
        if (getComputedStyle(td).display !== "grid") return [];
        const label = getComputedStyle(td, "::before");
        const contentLeft = td.getBoundingClientRect().left + parseFloat(getComputedStyle(td).paddingLeft) + parseFloat(label.width) + parseFloat(getComputedStyle(td).columnGap || "0");
        return [...td.children]
          .filter((child) => (child as HTMLElement).getBoundingClientRect().width > 0 && (child as HTMLElement).getBoundingClientRect().left < contentLeft - 1)
          .map((child) => `${td.dataset.label}: ${child.textContent?.trim().slice(0, 40)}`);
      }),
    );
    return intruders.length ? `table cells drawn in the label column at 390px: ${[...new Set(intruders)].slice(0, 3).join("; ")}` : "";
  });
}

/** The main navigation's links that lie (partly) outside a 1366px window, which nothing tells a person to scroll to. */
export async function navOutsideDesktop(page: Page): Promise<string> {
  return atViewport(page, SWEEP_DESKTOP, async () => {
    const outside = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLAnchorElement>("nav.main a")]
        .filter((a) => {
          const box = a.getBoundingClientRect();
          const strip = a.closest("ul")?.getBoundingClientRect();
          return box.right > window.innerWidth + 0.5 || (strip !== undefined && box.right > strip.right + 0.5);
        })
        .map((a) => a.textContent?.trim() ?? a.pathname),
    );
    return outside.length ? `navigation links outside the 1366px window: ${outside.join(", ")}` : "";
  });
}

/** With E2E_SCREENSHOTS=1: full-page screenshots at desktop and phone width into screenshots/sweep/. */
export const SCREENSHOTS = process.env.E2E_SCREENSHOTS === "1";

export async function sweepScreenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const size = page.viewportSize();
  try {
    for (const [width, viewport] of [["desktop", SWEEP_DESKTOP], ["phone", SWEEP_PHONE]] as const) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-${width}.png`, fullPage: true });
    }
  } finally {
    if (size) await page.setViewportSize(size);
  }
}

/** A file name for a page: "/claims?id=clm_x" → "claims-id-clm_x". */
export const pageSlug = (path: string) => path.replace(/^\//, "").replace(/[^A-Za-z0-9_-]+/g, "-").replace(/-+$/, "") || "home";
