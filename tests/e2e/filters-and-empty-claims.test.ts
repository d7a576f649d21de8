// Two walkthrough leftovers (issue 12) in Chromium on the demo data, in both languages:
// - every filter pill row starts with "全部 / All", on every page that has one, for each kind of
//   organisation that sees it;
// - the claims page with no claims says what will be listed there, who files it and when, for the
//   enterprise (which lists only the claims it files, 通用), the provider (通兑) and the agency.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { heading, stage } from "./support/stage";

const e2e = stage();

async function inLanguage(page: Page, lang: "zh" | "en") {
  await page.evaluate((l) => localStorage.setItem("lang", l), lang);
  await page.reload();
}

/** The first pill of each filter row on the page, once the page is drawn. */
async function firstPills(page: Page): Promise<string[]> {
  const rows = page.locator("nav.filter");
  await rows.first().waitFor();
  return Promise.all((await rows.all()).map((row) => row.locator("a").first().textContent().then((text) => text?.trim() ?? "")));
}

describe("filter pill rows", () => {
  const pages: [email: string, paths: string[]][] = [
    ["qiming@demo.cn", ["/my-bookings", "/claims"]],
    ["compute@demo.cn", ["/provider/bookings", "/claims"]],
    ["agency@demo.cn", ["/providers", "/agency/programmes", "/agency/applications", "/agency/vouchers", "/agency/anomalies", "/claims"]],
  ];

  it("start with 全部 / All on every page, whatever the page shows first", { timeout: 180_000 }, async () => {
    for (const [email, paths] of pages) {
      const page = await e2e.signedIn(email, paths[0]!);
      await page.locator("nav.filter").first().waitFor();
      for (const lang of ["zh", "en"] as const) {
        for (const path of paths) {
          await page.goto(path);
          await inLanguage(page, lang);
          expect(await firstPills(page), `${email} ${path} ${lang}`).toEqual([lang === "zh" ? "全部" : "All"]);
        }
      }
      await inLanguage(page, "zh");
    }
  });
});

describe("the claims page before any claim", () => {
  it("tells the enterprise what it will list and when, and that the provider claims in 通兑 without it", async () => {
    const page = await e2e.signedIn("qiming@demo.cn", "/claims");
    await heading(page, "兑付申请").waitFor();
    const empty = page.locator(".empty");
    await empty.getByText("你还没有兑付申请。").waitFor();
    await expect(empty.textContent()).resolves.toContain("预约交付并由你确认交付后，在这里申请报销券补贴部分");
    await expect(empty.textContent()).resolves.toContain("通兑项目中，你只支付自付部分，券补贴部分由服务商申请兑付");
    await expect(empty.getByRole("link", { name: "查看已交付的预约" }).getAttribute("href")).resolves.toBe("/my-bookings?status=delivered");
    await inLanguage(page, "en");
    await heading(page, "Claims").waitFor();
    await page.locator(".empty").getByText("You have no claims yet.").waitFor();
    await expect(page.locator(".empty").textContent()).resolves.toContain("In tongdui programmes you pay only your co-pay and the provider claims the voucher's part");
    await inLanguage(page, "zh");
  });

  it("tells the provider it claims the voucher's part in 通兑 once the enterprise confirms a delivery", async () => {
    const page = await e2e.signedIn("compute@demo.cn", "/claims");
    await heading(page, "兑付申请").waitFor();
    const empty = page.locator(".empty");
    await empty.getByText("你还没有兑付申请。").waitFor();
    await expect(empty.textContent()).resolves.toContain("预约交付、企业确认交付后即可申请");
    await inLanguage(page, "en");
    await page.locator(".empty").getByText("You have no claims yet.").waitFor();
    await expect(page.locator(".empty").textContent()).resolves.toContain("once a booking is delivered and the enterprise has confirmed the delivery");
    await inLanguage(page, "zh");
  });

  it("names the empty status for the agency's queue, and says who files claims when none has been filed at all", async () => {
    const page = await e2e.signedIn("reviewer@demo.cn", "/claims");
    await heading(page, "兑付审核").waitFor();
    // A reviewer starts at 初审.
    await page.locator(".empty").getByText("没有“待初审”的兑付申请。").waitFor();
    await page.locator(".empty").getByRole("link", { name: "查看全部兑付申请" }).click();
    await page.locator(".empty").getByText("本机构的券项目还没有兑付申请。").waitFor();
    await expect(page.locator(".empty").textContent()).resolves.toContain("服务商（通兑项目）或企业（通用项目）会申请兑付券补贴部分");
    await inLanguage(page, "en");
    await page.locator(".empty").getByText("No claims on your programmes yet.").waitFor();
  });
});
