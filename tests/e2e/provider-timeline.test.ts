// The provider's timeline and maintenance pages end to end on the demo data: the grid of offerings
// × days with the enterprise's name on a booked day, keyboard moves within its one Tab stop, the
// phone-width scrolling region; a maintenance window changed, a recurring series added and a
// window removed after confirming; an offering saved as a draft and published.
import { describe, expect, it } from "vitest";
import { uniqueSuffix } from "./support/data";
import { heading, stage } from "./support/stage";

const e2e = stage();
const PHONE = { width: 390, height: 844 };

describe("provider timeline and maintenance", () => {
  it("shows offerings × days with bookings by the enterprise's name and maintenance, one Tab stop with arrow keys", async () => {
    const page = await e2e.signedIn("compute@demo.cn", "/provider/timeline");
    await heading(page, "资源排期").waitFor();
    await page.getByRole("radio", { name: "两周" }).check();
    const grid = page.getByRole("region", { name: "资源排期表（可横向滚动）" });
    await grid.locator("tbody tr").first().waitFor();
    await expect.poll(() => grid.locator("thead th").count()).toBe(15);
    // The demo's booking tomorrow by 启明 on the Ascend offering, and the H800's quarterly maintenance.
    const ascend = grid.locator("tbody tr", { hasText: "昇腾910B" });
    expect(await ascend.getByRole("button", { name: /启明智能科技/ }).count()).toBeGreaterThan(0);
    const h800 = grid.locator("tbody tr", { hasText: "H800" });
    expect(await h800.getByRole("button", { name: /部分时段维护|维护停用/ }).count()).toBe(1);

    // One Tab stop; arrow keys move between cells; Enter shows the day.
    expect(await grid.locator('button[data-at][tabindex="0"]').count()).toBe(1);
    await grid.locator('button[data-at][tabindex="0"]').focus();
    await page.keyboard.press("ArrowRight");
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.at)).toBe("1:0");
    await page.keyboard.press("ArrowDown");
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.at)).toBe("1:1");
    expect(await grid.locator('button[data-at][tabindex="0"]').count()).toBe(1);
    const booked = ascend.getByRole("button", { name: /启明智能科技/ }).first();
    await booked.focus();
    await page.keyboard.press("Enter");
    const detail = page.getByRole("region", { name: /昇腾910B/ });
    await detail.getByRole("link", { name: /启明智能科技/ }).first().waitFor();

    // At phone width the grid scrolls sideways inside its labelled, focusable region.
    await page.setViewportSize(PHONE);
    const overflow = await grid.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, tab: el.tabIndex, page: document.documentElement.scrollWidth }));
    expect(overflow.scroll).toBeGreaterThan(overflow.client);
    expect(overflow.tab).toBe(0);
    // Nothing else widens the page: name the widest elements if something does.
    const wide = await page.evaluate((width) =>
      [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest(".timeline-wrap table"))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`),
    PHONE.width);
    expect(wide).toEqual([]);
    expect(overflow.page).toBeLessThanOrEqual(PHONE.width);
    // The caption and the key are read without scrolling the grid, in both languages: outside the
    // scrolling region, within the screen, each key on the same line as its words.
    for (const lang of ["zh", "en"] as const) {
      if (lang === "en") {
        await page.getByRole("button", { name: "English" }).click();
        await page.getByRole("region", { name: "Timeline grid (scrolls sideways)" }).waitFor();
      }
      const key = await page.evaluate(() => {
        const wrap = document.querySelector(".timeline-wrap");
        const shown = [...document.querySelectorAll("main caption, main .timeline-caption, main .legend, main .legend .item")].filter((el) => getComputedStyle(el).position !== "absolute");
        return shown.map((el) => {
          const box = el.getBoundingClientRect();
          const mark = el.querySelector(".key")?.getBoundingClientRect();
          const words = el.querySelector(".key + *")?.getBoundingClientRect();
          return { text: (el.textContent ?? "").slice(0, 40), left: box.left, right: box.right, inGrid: Boolean(wrap?.contains(el)), sameLine: !mark || !words || Math.abs(mark.top - words.top) < mark.height };
        });
      });
      expect(key.length, lang).toBeGreaterThanOrEqual(5);
      for (const shown of key) expect({ lang, ...shown }).toMatchObject({ lang, inGrid: false, sameLine: true });
      for (const shown of key) expect(shown.left, shown.text).toBeGreaterThanOrEqual(0);
      for (const shown of key) expect(shown.right, shown.text).toBeLessThanOrEqual(PHONE.width);
    }
  });

  it("changes a maintenance window, adds a recurring one and removes one after confirming", async () => {
    const page = await e2e.signedIn("compute@demo.cn", "/provider/offerings?id=off_demonodes");
    await heading(page, /H800/).waitFor();
    const maintenance = page.getByRole("region", { name: "停机维护" });
    await maintenance.getByRole("button", { name: "修改或删除" }).first().click();
    const change = page.getByRole("form", { name: "修改维护时段" });
    await change.getByLabel("原因").fill("季度维护（延后）Quarterly maintenance, postponed");
    await change.getByRole("button", { name: "保存修改" }).click();
    await maintenance.getByText("维护时段已修改").waitFor();
    await maintenance.getByRole("cell", { name: "季度维护（延后）Quarterly maintenance, postponed" }).waitFor();

    const series = page.getByRole("form", { name: "定期维护" });
    await series.getByRole("checkbox", { name: "周日" }).check();
    await series.getByLabel("原因").fill("每周例行维护 Weekly routine");
    await series.getByRole("button", { name: "安排定期维护" }).click();
    await maintenance.getByText(/已安排 \d+ 个维护时段/).waitFor();
    const rows = maintenance.getByRole("cell", { name: "每周例行维护 Weekly routine" });
    // The message comes first; the table then reloads with the new windows (four Sundays in four weeks).
    await rows.first().waitFor();
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(3);
    const added = await rows.count();

    await maintenance.getByRole("row", { name: /每周例行维护/ }).first().getByRole("button", { name: "修改或删除" }).click();
    await page.getByRole("button", { name: "删除此维护时段" }).click();
    await page.getByText("请确认：此操作不能撤回。").waitFor();
    await page.getByRole("button", { name: "确认删除" }).click();
    await maintenance.getByText("维护时段已删除，这些时段可以预约了").waitFor();
    await expect.poll(() => rows.count()).toBe(added - 1);
  });

  it("saves an offering as a draft, which is published later", async () => {
    const name = `E2E 草稿 draft ${uniqueSuffix()}`;
    const page = await e2e.signedIn("compute@demo.cn", "/provider/offerings?new");
    await heading(page, "发布新资源").waitFor();
    await page.getByLabel("名称", { exact: true }).fill(name);
    await page.getByLabel("加速卡型号").fill("A800");
    await page.getByLabel("每节点卡数").fill("8");
    await page.getByLabel(/单价/).fill("9.50");
    await page.getByLabel(/容量/).fill("8");
    await page.getByLabel("状态", { exact: true }).selectOption("draft");
    await page.getByRole("button", { name: "保存草稿" }).click();
    await page.getByText("已保存为草稿：不公开、不可预约").waitFor();
    await page.getByRole("button", { name: "发布此资源" }).click();
    await page.getByText("资源已发布，企业可以搜索和预约了").waitFor();
    await expect.poll(() => page.locator("h2#offering-facts .badge").textContent()).toBe("上架中");
  });
});
