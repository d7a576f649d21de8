// Every chart of a programme's dashboard draws with data at phone and desktop width, in Chinese
// and in English: a booking under the Beijing demo programme is taken through the API to delivery
// (the server's clock moves forward so it can start and end), then the agency opens the dashboard.
import { mkdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { drawing } from "./support/charts";
import { startClockedProduct } from "./support/clock";
import { deliveredDemoBooking } from "./support/delivery";
import { Caller } from "./support/sme";
import { stage } from "./support/stage";

const e2e = stage(startClockedProduct);
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const CHARTS = ["chart-by-month", "chart-by-category", "chart-burn-down", "chart-utilisation"];

/** A booking under the Beijing demo programme: booked, used and delivered. */
async function deliveredBooking(baseUrl: string) {
  const [provider, sme] = await Promise.all([Caller.signIn(baseUrl, "compute@demo.cn"), Caller.signIn(baseUrl, "qiming@demo.cn")]);
  await deliveredDemoBooking(e2e.product, provider, sme, "看板算力");
}

describe("a programme's charts with data", () => {
  it("each draws its bars or lines at phone and desktop width, in Chinese and in English", { timeout: 180_000 }, async () => {
    mkdirSync("screenshots", { recursive: true });
    await deliveredBooking(e2e.baseUrl);
    const page = await e2e.signedIn("agency@demo.cn", "/agency/dashboard?id=prg_demobeijing", PHONE);
    await page.locator("dl.money-figures").waitFor();
    for (const lang of ["zh", "en"] as const) {
      if (lang === "en") {
        await page.getByRole("button", { name: "English" }).click();
        await page.getByRole("heading", { name: "Spend by month (delivered)" }).waitFor();
      }
      for (const size of [PHONE, DESKTOP]) {
        await page.setViewportSize(size);
        for (const id of CHARTS) {
          const where = `${id} at ${size.width} px in ${lang}`;
          // Drawn, with colour in the plot (bars, lines), not a frame with only a legend and an axis.
          await expect.poll(async () => (await drawing(page, id)).coloured, { message: where }).toBeGreaterThan(200);
          const drawn = await drawing(page, id);
          expect(drawn.width, where).toBeGreaterThan(250);
          expect(drawn.width, where).toBeLessThanOrEqual(size.width);
        }
        await page.screenshot({ path: `screenshots/dashboard-with-data-${lang}-${size.width}.png`, fullPage: true });
      }
    }
  });
});
