// Debian's Chromium driven by playwright-core. Never skipped: without the browser the suite
// fails and says how to install it.
import { existsSync, mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
const SCREENSHOT_DIR = "screenshots";

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run \`apt-get install chromium\` (and fonts-noto-cjk for Chinese text), then run the e2e tests again.`);
  }
  // launch() gives every browser a fresh temporary user-data dir, removed on close.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export const DESKTOP = { width: 1280, height: 860 };
export const MOBILE = { width: 375, height: 812 };

/** Full-page screenshots at desktop and 375px phone width into screenshots/ (gitignored). */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const size = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-desktop.png`, fullPage: true });
  await page.setViewportSize(MOBILE);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-mobile.png`, fullPage: true });
  await page.setViewportSize(size);
}
