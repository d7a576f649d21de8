// Every page the product has, in both languages, checked by axe-core against WCAG 2.1 A and AA:
// each demo role's navigation pages, the first detail page each list links to, and the signed-out
// pages. Any violation fails, named by page, language and rule; so does a page wider than a 390px
// phone (sideways scrolling). One browser; each role in its own context, signed in once, the app
// loaded once and moved through by its own router (support/sweep.ts), the language switched by
// the header's button. With E2E_SCREENSHOTS=1 it also writes each page in Chinese at 1366×900 and
// 390×844 to screenshots/sweep/ (to look at; CI does not pay for them).
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/seed/demo";
import { describeFindings, violations } from "./support/axe";
import { signIn } from "./support/session";
import { stage } from "./support/stage";
import { cellsIntoLabelsAtPhoneWidth, countFetches, navOutsideDesktop, overflowAtPhoneWidth, pageSlug, SCREENSHOTS, settle, sweepScreenshots, switchLanguage, visit } from "./support/sweep";

const e2e = stage();
const LANGS = ["zh", "en"] as const;
type Lang = (typeof LANGS)[number];
// finance@demo.cn: the claim queue's finance view; auditor@demo.cn: the dashboard, bookings and audit log pages (with the verify button).
const ROLES = ["admin@demo.cn", "reviewer@demo.cn", "finance@demo.cn", "auditor@demo.cn", "compute@demo.cn", "qiming@demo.cn"];
const SIGNED_OUT_PAGES = ["/signin", "/signup", "/notices", "/forgot-password", "/reset-password?token=abcdefgh"];
/** Pages reached from a button on another page rather than the navigation, and a programme page that refuses before its form (the eligibility dry run). */
const EXTRA_PAGES: Record<string, string[]> = { "compute@demo.cn": ["/claims?new=1"], "qiming@demo.cn": ["/claims?new=1", "/voucher-programmes?id=prg_demohangzhou"] };

/** Pages a role must reach through its navigation; the sweep fails if one goes missing from the menu. */
const MUST_REACH: Record<string, readonly string[]> = {
  "reviewer@demo.cn": ["/agency/anomalies", "/account"],
  "admin@demo.cn": ["/installation/agencies", "/account"],
  "compute@demo.cn": ["/provider/timeline"],
};

/** A tab whose fetches are counted (support/sweep.ts settle), at `path`. */
async function sweepTab(path: string): Promise<Page> {
  const { context, page } = await e2e.tab();
  await countFetches(context);
  await page.goto(path);
  return page;
}

/** Everything wrong with the page on screen: axe's violations and sideways scrolling on a phone. */
async function problemsOn(page: Page, lang: Lang, path: string): Promise<string[]> {
  const where = `${lang} ${path}`;
  const problems = describeFindings(where, await violations(page));
  const overflow = await overflowAtPhoneWidth(page);
  if (overflow) problems.push(`${where}: at 390px ${overflow}`);
  const intruders = await cellsIntoLabelsAtPhoneWidth(page);
  if (intruders) problems.push(`${where}: ${intruders}`);
  const clipped = await navOutsideDesktop(page);
  if (clipped) problems.push(`${where}: ${clipped}`);
  return problems;
}

/** Opens each page in turn (`discover` may add pages as it goes) and collects the problems. */
async function sweep(page: Page, who: string, lang: Lang, pages: string[], discover?: (path: string) => Promise<void>): Promise<string[]> {
  await switchLanguage(page, lang);
  const problems: string[] = [];
  for (let i = 0; i < pages.length; i++) {
    const path = pages[i] as string;
    await visit(page, path);
    problems.push(...(await problemsOn(page, lang, path)));
    if (SCREENSHOTS && lang === "zh") await sweepScreenshots(page, `${who}-${pageSlug(path)}`);
    await discover?.(path);
  }
  return problems;
}

describe("accessibility (axe-core, WCAG 2.1 AA) and phone width", () => {
  it("the sweep's own checks catch an unlabelled field and a page wider than a phone", async () => {
    const page = await sweepTab("/signin");
    await settle(page);
    expect(await problemsOn(page, "zh", "/signin")).toEqual([]);
    await page.evaluate(() => {
      const field = document.createElement("input");
      field.id = "planted-field";
      document.querySelector("main")?.append(field);
    });
    const planted = (await violations(page)).find((v) => v.id === "label");
    expect(planted?.nodes.map((n) => n.target.join(" "))).toEqual(["#planted-field"]);
    await page.evaluate(() => {
      document.getElementById("planted-field")?.remove();
      const wide = document.createElement("div");
      wide.id = "planted-wide";
      wide.style.width = "600px";
      wide.style.height = "1px";
      document.querySelector("main")?.append(wide);
    });
    expect(await problemsOn(page, "zh", "/signin")).toEqual([expect.stringMatching(/^zh \/signin: at 390px \d+px wider than the 390px window: .*div/)]);
  });

  it("index.html's first frame, painted before any script runs, has no violations; its skip link reaches main", async () => {
    const { page } = await e2e.tab();
    // No script arrives: what is on screen is index.html alone, as on a slow phone before app.js.
    await page.route(/\.js$/, (route) => route.abort());
    await page.goto("/catalogue");
    await expect(page.getByRole("status").textContent()).resolves.toBe("加载中…");
    expect(await page.locator("#app header.site .brand").textContent()).toBe("算力券服务平台");
    expect(await problemsOn(page, "zh", "index.html's first frame")).toEqual([]);
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "跳到主要内容" });
    await expect(skip.evaluate((link) => link === document.activeElement)).resolves.toBe(true);
    await skip.press("Enter");
    expect(new URL(page.url()).hash).toBe("#main");
    expect(await page.locator("main#main").count()).toBe(1);
  });

  it("the signed-out pages have no violations in either language", { timeout: 180_000 }, async () => {
    const page = await sweepTab("/signin");
    await settle(page);
    const problems: string[] = [];
    for (const lang of LANGS) problems.push(...(await sweep(page, "signed-out", lang, [...SIGNED_OUT_PAGES])));
    expect(problems.join("\n")).toBe("");
  });

  for (const email of ROLES) {
    it(`every page ${email} reaches has no violations in either language`, { timeout: SCREENSHOTS ? 900_000 : 240_000 }, async () => {
      const page = await sweepTab("/signin");
      await signIn(page, email, DEMO_PASSWORD);
      await page.getByRole("navigation", { name: "主导航" }).waitFor();
      await settle(page);
      const nav = await page.getByRole("navigation", { name: "主导航" }).locator("a").evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).pathname));
      const navPages = [...new Set(nav)];
      expect(navPages.length).toBeGreaterThan(2);
      for (const path of MUST_REACH[email] ?? []) expect(navPages).toContain(path);
      // The first pass (Chinese) also finds the first detail page each navigation page links to.
      const pages = [...navPages];
      const firstDetail = async (path: string) => {
        if (!navPages.includes(path)) return;
        // The page has settled, so its links are there now or not at all: no waiting for one.
        const detail = await page.locator(`main a[href^="${path}?id="]`).evaluateAll((links) => links[0]?.getAttribute("href") ?? null);
        if (detail && !pages.includes(detail)) pages.splice(pages.length - (EXTRA_PAGES[email]?.length ?? 0), 0, detail);
      };
      pages.push(...(EXTRA_PAGES[email] ?? []));
      const who = email.split("@")[0] as string;
      const problems = await sweep(page, who, "zh", pages, firstDetail);
      problems.push(...(await sweep(page, who, "en", pages)));
      expect(problems.join("\n")).toBe("");
    });
  }
});
