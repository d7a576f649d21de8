// An auditor's day: the dashboard draws its charts (Apache ECharts, fetched only on dashboard
// pages) beside the tables behind them, at desktop and phone width; "verify" re-checks the audit
// log and says it is intact; and the export, checkpoint and key downloaded from the audit page are
// accepted by the offline verifier, `npm run cli -- verify-export`, run as a separate process.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { drawing } from "./support/charts";
import { startProduct } from "./support/product";
import { heading, stage } from "./support/stage";

// A checkpoint after every sealed write, so the demo's log has a signed head at once.
const e2e = stage(() => startProduct({ AUDIT_CHECKPOINT_EVERY_EVENTS: "1" }));
const SHOTS = "screenshots";
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const downloads = mkdtempSync(join(tmpdir(), "audit-download-"));
afterAll(() => rmSync(downloads, { recursive: true, force: true }));

const chunkRequests = (page: Page): string[] => {
  const seen: string[] = [];
  page.on("request", (request) => {
    if (/\/chunk\.[\w-]+\.js$/.test(new URL(request.url()).pathname)) seen.push(request.url());
  });
  return seen;
};

async function shoot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  for (const [label, size] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}/${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

describe("the auditor's dashboard and audit log", () => {
  it("the dashboard draws each chart beside its table, and the chart library loads only there", { timeout: 120_000 }, async () => {
    const { page } = await e2e.tab(DESKTOP);
    const chunks = chunkRequests(page);
    await page.goto("/");
    const { signIn } = await import("./support/session");
    await signIn(page, "auditor@demo.cn", (await import("../../src/seed/demo")).DEMO_PASSWORD);
    await page.getByRole("navigation", { name: "主导航" }).waitFor();
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "券台账" }).click();
    await heading(page, "券台账").waitFor();
    // The app's own small shared chunk loads everywhere; the chart library is not among them yet.
    const before = new Set(chunks);

    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "统计看板" }).click();
    await heading(page, "统计看板").waitFor();
    const overview = page.getByRole("table", { name: "各项目资金去向（元）" });
    await overview.waitFor();
    await expect.poll(() => page.locator("#chart-overview canvas").count()).toBeGreaterThan(0);
    const chartChunks = chunks.filter((url) => !before.has(url));
    expect(chartChunks).toHaveLength(1);
    const chartBytes = (await (await fetch(chartChunks[0]!)).arrayBuffer()).byteLength;
    expect(chartBytes).toBeGreaterThan(100_000);
    expect(await page.locator("#chart-overview").getAttribute("aria-label")).toMatch(/柱状图/);
    // Money reads in yuan with two decimals.
    expect(await overview.locator("tbody tr").first().innerText()).toMatch(/¥[\d,]+\.\d{2}/);
    await expect.poll(() => page.getByRole("button", { name: /导出 CSV/ }).count()).toBeGreaterThan(0);

    const first = overview.locator("tbody tr").first().getByRole("link");
    const programme = (await first.innerText()).trim();
    await first.click();
    await heading(page, programme).waitFor();
    // Each chart draws, or, with nothing to draw (the demo has delivered nothing yet), says so in
    // its place; the burn-down always has the budget left (dashboard-charts.test.ts draws them all).
    for (const id of ["chart-by-month", "chart-by-category", "chart-burn-down", "chart-utilisation"]) {
      await expect.poll(() => page.locator(`#${id} canvas, p#${id}.chart-empty`).count(), { message: id }).toBeGreaterThan(0);
      if (await page.locator(`p#${id}.chart-empty`).count()) expect(await page.locator(`#${id}`).innerText(), id).toMatch(/没有可画的/);
      else expect(await page.locator(`#${id}`).getAttribute("role")).toBe("img");
    }
    await expect.poll(() => page.locator("#chart-burn-down canvas").count()).toBeGreaterThan(0);
    for (const caption of ["预算消耗与预测", "产能利用率"]) await page.getByRole("table", { name: caption }).waitFor();
    const figures = page.locator("dl.money-figures");
    for (const label of ["已发券", "冻结中", "已结算", "已兑付", "过期退回"]) await figures.getByText(label, { exact: true }).waitFor();
    // The table behind the burn-down chart downloads as CSV with a BOM.
    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "导出 CSV：预算消耗与预测" }).click()]);
    const bytes = readFileSync(await csv.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8")).toContain("月份");
    await shoot(page, "dashboard-programme");
    // At phone width the charts still draw, above their tables.
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(300);
    const box = await page.locator("#chart-burn-down canvas").first().boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(200);
    expect(box?.width ?? 0).toBeLessThanOrEqual(PHONE.width);
  });

  it("a from/to month period narrows the figures and the exports, and a period ending before it starts is refused", { timeout: 120_000 }, async () => {
    const page = await e2e.signedIn("auditor@demo.cn", "/agency/dashboard");
    await heading(page, "统计看板").waitFor();
    const overview = page.getByRole("table", { name: "各项目资金去向（元）" });
    await overview.waitFor();
    expect(await page.locator("#period-shown").innerText()).toContain("全部时期");
    // A programme that issued money over the whole period (column 4 is 已发券).
    const issuedCells = overview.locator("tbody tr td:nth-child(4)");
    const whole = await issuedCells.allInnerTexts();
    const row = whole.findIndex((text) => text.trim() !== "¥0.00");
    expect(row).toBeGreaterThanOrEqual(0);
    const programme = (await overview.locator("tbody tr").nth(row).getByRole("link").innerText()).trim();
    const vouchersExport = page.getByRole("link", { name: "导出券" });
    expect(await vouchersExport.getAttribute("href")).toBe("/api/exports/vouchers.csv");

    // January to February 2001: nothing happened then.
    const form = page.getByRole("form", { name: "选择时期" });
    await form.getByLabel("起始月份").fill("2001-01");
    await form.getByLabel("截止月份（含）").fill("2001-02");
    await form.getByRole("button", { name: "筛选" }).click();
    await page.waitForURL((url) => url.search === "?from=2001-01&to=2001-02");
    await expect.poll(() => page.locator("#period-shown").innerText()).toContain("2001-01 至 2001-02");
    await expect.poll(() => issuedCells.nth(row).innerText()).toBe("¥0.00");
    for (const cell of await overview.locator("tbody tr td:nth-child(3), tbody tr td:nth-child(4), tbody tr td:nth-child(7)").allInnerTexts()) expect(cell).toBe("¥0.00");
    // The exports carry the same period: 00:00 +08:00 on 1 January to 00:00 +08:00 on 1 March (exclusive).
    const href = new URL((await vouchersExport.getAttribute("href"))!, "http://x");
    expect(href.pathname).toBe("/api/exports/vouchers.csv");
    expect(href.searchParams.get("from")).toBe("2000-12-31T16:00:00.000Z");
    expect(href.searchParams.get("to")).toBe("2001-02-28T16:00:00.000Z");
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), (await vouchersExport.getAttribute("href"))!);
    expect(csv.trim().split("\r\n")).toHaveLength(1); // the header only

    // The programme keeps the period: nothing delivered, the exports for that programme and period.
    await overview.getByRole("link", { name: programme }).click();
    await heading(page, programme).waitFor();
    expect(new URL(page.url()).searchParams.get("from")).toBe("2001-01");
    expect(await page.locator("#period-shown").innerText()).toContain("2001-01 至 2001-02");
    // An empty table is replaced by its message: nothing delivered by month or by category.
    await expect.poll(() => page.getByText("这段时间还没有交付。", { exact: true }).count()).toBe(2);
    expect(await page.getByRole("table", { name: "按月支出（已交付）" }).count()).toBe(0);
    // So is an empty chart, at both widths: words in its place, no empty frame with only axes.
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      for (const id of ["chart-by-month", "chart-by-category"]) {
        expect(await page.locator(`#${id}`).innerText(), id).toBe("这段时间没有交付，没有可画的支出。");
        expect(await page.locator(`#${id} canvas`).count(), id).toBe(0);
      }
      expect(await page.locator("#chart-utilisation").innerText()).toContain("没有可画的比例");
      // The burn-down still has the budget left to draw.
      await expect.poll(async () => (await drawing(page, "chart-burn-down")).painted, { message: `burn-down ${size.width}` }).toBeGreaterThan(500);
    }
    await page.setViewportSize(DESKTOP);
    for (const figure of ["issued", "settled", "paid"]) expect(await page.locator(`dl.money-figures [data-figure="${figure}"] dd`).innerText(), figure).toBe("¥0.00");
    const programmeExport = new URL((await page.getByRole("link", { name: "导出预约" }).getAttribute("href"))!, "http://x");
    expect(programmeExport.searchParams.get("programme_id")).toMatch(/^\w+_/);
    expect(programmeExport.searchParams.get("from")).toBe("2000-12-31T16:00:00.000Z");
    expect(programmeExport.searchParams.get("to")).toBe("2001-02-28T16:00:00.000Z");

    // A to month before the from month: a clear message, the whole period shown, nothing broken.
    await page.goto("/agency/dashboard?from=2026-05&to=2026-01");
    await page.locator("#period-problem").waitFor();
    expect(await page.locator("#period-problem").innerText()).toContain("截止月份早于起始月份");
    expect(await page.locator("#period-shown").innerText()).toContain("全部时期");
    await overview.waitFor();
    expect(await issuedCells.nth(row).innerText()).toBe(whole[row]);
    expect(await vouchersExport.getAttribute("href")).toBe("/api/exports/vouchers.csv");
  });

  it("verify re-checks the whole log and says it is intact", { timeout: 120_000 }, async () => {
    const page = await e2e.signedIn("auditor@demo.cn", "/agency/audit");
    await heading(page, "审计日志").waitFor();
    await page.getByRole("table", { name: "审计事件（按序号）" }).waitFor();
    await page.getByRole("button", { name: "开始校验" }).click();
    const result = page.locator("#verify-result");
    await result.waitFor({ timeout: 60_000 });
    expect(await result.innerText()).toMatch(/日志完整。\s*\d+ 条事件已封存且全部核对一致/);
    expect(await result.innerText()).toMatch(/账本不变式：\d+ 项全部成立/);
    // The agency's own export holds only its scope; the page says so.
    await page.getByText("您下载的导出只含本机构可见的事件").waitFor();
    await shoot(page, "audit-log");
  });

  it("the platform admin's export, checkpoint and key pass the offline verifier", { timeout: 120_000 }, async () => {
    const page = await e2e.signedIn("admin@demo.cn", "/agency/audit");
    await heading(page, "审计日志").waitFor();
    await page.locator("#checkpoint-size").waitFor();
    const save = async (name: string, click: () => Promise<void>) => {
      const [download] = await Promise.all([page.waitForEvent("download"), click()]);
      const path = join(downloads, name);
      await download.saveAs(path);
      return path;
    };
    const checkpoint = await save("checkpoint.txt", () => page.getByRole("button", { name: "下载检查点" }).click());
    const key = await save("public-key.txt", () => page.getByRole("button", { name: "下载公钥" }).click());
    const events = await save("audit-events.ndjson", () => page.getByRole("link", { name: "下载事件导出（NDJSON）" }).click());
    const size = Number(await page.locator("#checkpoint-size").innerText());
    expect(readFileSync(checkpoint, "utf8").split("\n")[1]).toBe(String(size));
    expect(readFileSync(events, "utf8").trim().split("\n").length).toBeGreaterThanOrEqual(size);
    await page.getByText("npm run cli -- verify-export audit-events.ndjson --checkpoint checkpoint.txt --public-key public-key.txt").waitFor();

    const run = spawnSync("npm", ["run", "--silent", "cli", "--", "verify-export", events, "--checkpoint", checkpoint, "--public-key", key], { encoding: "utf8", timeout: 60_000 });
    expect(run.stdout, run.stderr).toContain("export verifies");
    expect(run.status).toBe(0);

    // One edited event and the same verifier refuses, naming its sequence number.
    const lines = readFileSync(events, "utf8").trim().split("\n");
    // Line 0 is the header naming the checkpoint; line 3 is event 3.
    const third = JSON.parse(lines[3]!) as { seq: number; action: string };
    expect(third.seq).toBe(3);
    lines[3] = JSON.stringify({ ...third, action: `${third.action}x` });
    const tampered = join(downloads, "tampered.ndjson");
    (await import("node:fs")).writeFileSync(tampered, `${lines.join("\n")}\n`);
    const bad = spawnSync("npm", ["run", "--silent", "cli", "--", "verify-export", tampered, "--checkpoint", checkpoint, "--public-key", key], { encoding: "utf8", timeout: 60_000 });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("first bad sequence number: 3");
  });
});

describe("long pages on a phone (390×844)", () => {
  const pageHeight = (page: Page) => page.evaluate(() => document.documentElement.scrollHeight);
  const tall = async (page: Page, name: string | RegExp) => {
    const box = await page.getByRole("button", { name }).or(page.getByRole("link", { name })).first().boundingBox();
    return box?.height ?? 0;
  };

  it("a programme's dashboard shows its figures and charts first, each table folded under a summary, the burn-down a year at a time", { timeout: 120_000 }, async () => {
    const page = await e2e.signedIn("agency@demo.cn", "/agency/dashboard?id=prg_demobeijing", PHONE);
    await page.locator("dl.money-figures").waitFor();
    // The demo programme has delivered nothing yet: the spend charts say so in their place (their
    // tables are folded here, so an empty frame would be all one saw); the burn-down draws.
    for (const id of ["chart-by-month", "chart-by-category"]) {
      await expect.poll(() => page.locator(`#${id}`).innerText(), { message: id }).toBe("这段时间没有交付，没有可画的支出。");
      expect(await page.locator(`#${id} canvas`).count(), id).toBe(0);
    }
    await expect.poll(async () => (await drawing(page, "chart-burn-down")).painted).toBeGreaterThan(500);
    const canvas = await page.locator("#chart-burn-down canvas").first().boundingBox();
    expect(canvas?.width ?? 0).toBeLessThanOrEqual(PHONE.width);
    expect(canvas?.height ?? 0).toBeLessThanOrEqual(240);
    // Folded: the tables are not drawn, so the page is a few screens, not eleven (9,228 px before).
    const burn = page.getByRole("table", { name: "预算消耗与预测" });
    expect(await burn.count()).toBe(0);
    expect(await pageHeight(page)).toBeLessThan(5_000);
    const section = page.locator("section[aria-labelledby=burn-down]");
    const summary = section.locator("summary");
    expect(await summary.innerText()).toMatch(/数据表与导出（\d+ 行）/);
    expect((await summary.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
    const months = Number((await summary.innerText()).match(/（(\d+) 行）/)![1]);
    await summary.click();
    await burn.waitFor();
    expect(await burn.locator("tbody tr").count()).toBe(Math.min(12, months));
    if (months > 12) {
      await section.getByRole("button", { name: `再显示 ${Math.min(12, months - 12)} 行` }).click();
      await expect.poll(() => burn.locator("tbody tr").count()).toBe(Math.min(24, months));
    }
    // The whole table still downloads, every month.
    const [csv] = await Promise.all([page.waitForEvent("download"), section.getByRole("button", { name: "导出 CSV：预算消耗与预测" }).click()]);
    expect(readFileSync(await csv.path(), "utf8").trim().split("\n")).toHaveLength(months + 1);
  });

  it("the audit log: ten events at a time with the next read after the last shown, filters folded then laid out one a line, each filter in use a chip that removes it", { timeout: 120_000 }, async () => {
    const page = await e2e.signedIn("auditor@demo.cn", "/agency/audit", PHONE);
    const table = page.getByRole("table", { name: "审计事件（按序号）" });
    await table.waitFor();
    const seqs = async () => (await table.locator("tbody td:first-child").allInnerTexts()).map((text) => Number(text.replace(/\D/g, "")));
    expect(await table.locator("tbody tr").count()).toBe(10);
    // Ten events as two-column cards and the filters folded: about six screens (10,674 px with fifty events before).
    expect(await pageHeight(page)).toBeLessThan(6_000);
    const first = await seqs();
    expect((await tall(page, "再显示 10 条"))).toBeGreaterThanOrEqual(44);
    await page.getByRole("button", { name: "再显示 10 条" }).click();
    await expect.poll(() => table.locator("tbody tr").count()).toBe(20);
    const twenty = await seqs();
    // Keyset: the first ten unchanged, the next ten after them, in order, none twice.
    expect(twenty.slice(0, 10)).toEqual(first);
    expect(twenty).toEqual([...twenty].sort((a, b) => a - b));
    expect(new Set(twenty).size).toBe(20);
    expect(twenty[10]!).toBeGreaterThan(first[9]!);
    // Folded filters open into one field a line, each at least 44 px tall and labelled.
    const form = page.getByRole("form", { name: "筛选事件" });
    expect(await form.isVisible()).toBe(false);
    await page.locator("summary", { hasText: "筛选事件" }).click();
    for (const label of ["项目", "对象类型", "操作（如 voucher.issued）"]) {
      const box = await form.getByLabel(label).boundingBox();
      expect(box?.height ?? 0, label).toBeGreaterThanOrEqual(44);
      expect(box?.width ?? 0, label).toBeGreaterThan(250);
    }
    // The two dates share a line, side by side within the screen, under the fields above.
    const action = (await form.getByLabel("操作（如 voucher.issued）").boundingBox())!;
    const from = (await form.getByLabel("起始日期").boundingBox())!;
    const to = (await form.getByLabel("截止日期（含）").boundingBox())!;
    for (const box of [from, to]) {
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.y).toBeGreaterThan(action.y + action.height);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }
    expect(to.x).toBeGreaterThanOrEqual(from.x + from.width);
    expect((await form.getByRole("button", { name: "筛选" }).boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
    expect((await form.getByRole("link", { name: "清除筛选" }).boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);

    await form.getByLabel("对象类型").selectOption("programme");
    await form.getByRole("button", { name: "筛选" }).click();
    await page.waitForURL((url) => url.search === "?subject_type=programme");
    const chips = page.getByRole("list", { name: "已用的筛选条件" });
    await chips.getByText("对象类型：programme").waitFor();
    await expect.poll(async () => (await table.locator("tbody td:nth-child(6)").allInnerTexts()).every((text) => text.includes("programme"))).toBe(true);
    const remove = chips.getByRole("link", { name: "取消筛选：对象类型：programme" });
    expect((await remove.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
    await remove.click();
    await page.waitForURL((url) => url.search === "");
    expect(await chips.count()).toBe(0);
  });

  it("at desktop width the audit filters sit in one labelled grid, fields 44 px tall, and fifty events a page", { timeout: 120_000 }, async () => {
    const page = await e2e.signedIn("auditor@demo.cn", "/agency/audit", DESKTOP);
    const table = page.getByRole("table", { name: "审计事件（按序号）" });
    await table.waitFor();
    const form = page.getByRole("form", { name: "筛选事件" });
    expect(await form.isVisible()).toBe(true);
    const boxes = [];
    for (const label of ["项目", "对象类型", "操作（如 voucher.issued）"]) boxes.push((await form.getByLabel(label).boundingBox())!);
    // One row of three, none narrower than 200 px.
    expect(new Set(boxes.map((b) => Math.round(b.y))).size).toBe(1);
    for (const box of boxes) {
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.width).toBeGreaterThan(200);
    }
    expect(await table.locator("tbody tr").count()).toBeLessThanOrEqual(50);
  });
});
