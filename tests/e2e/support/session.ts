// Browser steps several tests take: a fresh context per person, signing in through the form,
// and catching what a person would not see (script errors, CSP refusals).
import type { Browser, BrowserContext, Page } from "playwright-core";
import { DESKTOP } from "./browser";

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Script errors (uncaught, or caught by the app's error boundary) and CSP refusals seen so far. */
  problems: string[];
}

/** A new person at the product: own cookies, Chinese locale, and a time zone far from Shanghai. */
export async function openTab(browser: Browser, baseUrl: string, viewport = DESKTOP): Promise<Tab> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport, locale: "zh-CN", timezoneId: "America/New_York" });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to|^app error:/i.test(message.text())) problems.push(message.text());
  });
  return { context, page, problems };
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码", { exact: true }).fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}

/** The instant as people in China read it, computed without the app's code. */
export function beijingMinutes(iso: string): string {
  return new Date(iso).toLocaleString("sv-SE", { timeZone: "Asia/Shanghai" }).slice(0, 16);
}
