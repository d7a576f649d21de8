// Every page the product has, in both languages, checked by axe-core against WCAG 2.1 A and AA:
// each demo role's navigation pages, the first detail page each list links to, and the signed-out
// pages. Any violation fails, named by page, language and rule. One browser, one sign-in per role.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/seed/demo";
import { violations } from "./support/axe";
import { signIn } from "./support/session";
import { stage } from "./support/stage";

const e2e = stage();
const LANGS = ["zh", "en"] as const;
// finance@demo.cn: the claim queue's finance view; auditor@demo.cn: the dashboard, bookings and audit log pages (with the verify button).
const ROLES = ["admin@demo.cn", "reviewer@demo.cn", "finance@demo.cn", "auditor@demo.cn", "compute@demo.cn", "qiming@demo.cn"];
/** Pages reached from a button on another page rather than the navigation, and a programme page that refuses before its form (the eligibility dry run). */
const EXTRA_PAGES: Record<string, string[]> = { "compute@demo.cn": ["/claims?new=1"], "qiming@demo.cn": ["/claims?new=1", "/voucher-programmes?id=prg_demohangzhou"] };

/** Pages a role must reach through its navigation; the sweep fails if one goes missing from the menu. */
const MUST_REACH: Record<string, readonly string[]> = {
  "reviewer@demo.cn": ["/agency/anomalies", "/account"],
  "admin@demo.cn": ["/installation/agencies", "/account"],
  "compute@demo.cn": ["/provider/timeline"],
};

async function settle(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.locator("h1").first().waitFor();
  await page.locator(".loading").first().waitFor({ state: "detached", timeout: 5_000 });
}

/** The app pages a signed-in person reaches: the navigation's, then the first `?id=` link on each. */
async function pagesOf(page: Page): Promise<string[]> {
  await settle(page, "/");
  const nav = await page.getByRole("navigation", { name: /主导航|Main/ }).locator("a").evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).pathname));
  const pages = [...new Set(nav)];
  for (const path of [...pages]) {
    await settle(page, path);
    const detail = await page.locator(`main a[href^="${path}?id="]`).first().getAttribute("href").catch(() => null);
    if (detail) pages.push(detail);
  }
  return pages;
}

describe("accessibility (axe-core, WCAG 2.1 AA)", () => {
  const report: string[] = [];
  const check = async (page: Page, lang: string, path: string) => {
    await settle(page, path);
    for (const v of await violations(page)) {
      report.push(`${lang} ${path}: ${v.id} (${v.impact}) ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.replace(/\n/g, " ")}`).join("\n")}`);
    }
  };

  it("the signed-out pages have no violations in either language", { timeout: 180_000 }, async () => {
    const { page } = await e2e.tab();
    for (const lang of LANGS) {
      await page.goto("/signin");
      await page.evaluate((l) => localStorage.setItem("lang", l), lang);
      for (const path of ["/signin", "/signup", "/notices", "/forgot-password", "/reset-password?token=abcdefgh"]) await check(page, lang, path);
    }
    expect(report).toEqual([]);
  });

  for (const email of ROLES) {
    it(`every page ${email} reaches has no violations in either language`, { timeout: 360_000 }, async () => {
      report.length = 0;
      const { page } = await e2e.tab();
      await page.goto("/signin");
      await signIn(page, email, DEMO_PASSWORD);
      await page.getByRole("navigation", { name: "主导航" }).waitFor();
      const pages = [...(await pagesOf(page)), ...(EXTRA_PAGES[email] ?? [])];
      expect(pages.length).toBeGreaterThan(2);
      for (const path of MUST_REACH[email] ?? []) expect(pages).toContain(path);
      for (const lang of LANGS) {
        await page.evaluate((l) => localStorage.setItem("lang", l), lang);
        for (const path of pages) await check(page, lang, path);
      }
      expect(report.join("\n")).toBe("");
    });
  }
});
