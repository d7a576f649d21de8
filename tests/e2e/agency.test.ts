// The funding agency's pages end to end: programmes with their full rules and versions, budget
// top-ups that move money once, application review, and read-only staff.
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/seed/demo";
import { apiSession, type ApiSession } from "./support/api";
import { MOBILE, screenshots } from "./support/browser";
import { uniqueSuffix } from "./support/data";
import { heading, stage } from "./support/stage";

const e2e = stage();

const beijingToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const inDays = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

interface ProgrammeRecord {
  id: string;
  status: string;
  budget_fen: number;
  current_version: number;
  rules: { subsidy_ratio_bp: number; eligible_region_prefixes: string[]; tiers: { kind: string; ratio_bp: number; max_age_years?: number }[]; full_coverage_threshold_fen: number; per_booking_cap_fen: number | null; validity: { kind: string; days?: number }; settlement_mode: string };
  pool: { available_fen: number; budget_fen: number };
  versions: unknown[];
}

describe("agency pages", () => {
  let agency: ApiSession;
  const name = `E2E 人工智能算力券 ${uniqueSuffix()}`;
  let programmeId = "";

  beforeAll(async () => {
    agency = await apiSession(e2e.product.baseUrl, "agency@demo.cn", DEMO_PASSWORD);
  });

  it("an agency admin creates a programme with its full rules, exact to the fen, and opens it", async () => {
    const page = await e2e.signedIn("agency@demo.cn", "/agency/programmes");
    await heading(page, "券项目管理").waitFor();
    await page.getByRole("link", { name: "新建项目" }).click();
    await heading(page, "新建项目").waitFor();

    await page.getByRole("button", { name: "创建项目（草稿）" }).click();
    await page.getByRole("alert").filter({ hasText: "请修正标出的项目" }).waitFor();
    await expect(page.getByLabel("项目名称").evaluate((field) => field === document.activeElement)).resolves.toBe(true);
    await screenshots(page, "agency-programme-form-errors");

    await page.getByLabel("项目名称").fill(name);
    await page.getByLabel("申报指南（选填）").fill("一、申报条件\n注册在北京或杭州的中小企业");
    // The default validity (to 31 December of the year of issue) over a window into next year warns.
    const nextYear = Number(beijingToday().slice(0, 4)) + 1;
    await page.getByLabel("申请开始日期").fill(beijingToday());
    await page.getByLabel("申请截止日期（含）").fill(`${nextYear}-01-02`);
    const yearEndWarning = page.locator("#year-end-warning");
    await expect(yearEndWarning.textContent()).resolves.toContain(`申请期跨过 ${nextYear - 1}-12-31`);
    await page.getByLabel("预算（元）").fill("1,000,000.07");
    await page.getByRole("group", { name: "可补贴的资源类别" }).getByLabel("数据集").check();
    // Regions by name: a whole province (北京市 → "11") and a whole city (杭州市 → "3301"), as chips.
    const regions = page.getByRole("group", { name: "适用地区" });
    await regions.getByLabel("省级", { exact: true }).selectOption({ label: "北京市" });
    await regions.getByRole("button", { name: "添加：北京市" }).click();
    await regions.getByLabel("省级", { exact: true }).selectOption({ label: "浙江省" });
    await regions.getByLabel("地市级（可不选）").selectOption({ label: "杭州市" });
    await regions.getByRole("button", { name: "添加：浙江省 杭州市" }).click();
    await regions.getByRole("list", { name: "已选地区" }).getByRole("listitem").filter({ hasText: "浙江省 杭州市" }).waitFor();
    await expect(regions.getByRole("list", { name: "已选地区" }).getByRole("listitem").count()).resolves.toBe(2);
    await page.getByLabel("补贴比例（%）", { exact: true }).fill("30");
    await page.getByRole("button", { name: "添加优惠档" }).click();
    const tier = page.getByRole("group", { name: "优惠档 1" });
    await tier.getByLabel("档位名称").fill("初创企业");
    await tier.getByLabel("该档补贴比例（%）").fill("50");
    await tier.getByLabel("成立不满（年）").fill("3");
    await page.getByLabel("全额补贴门槛（元）").fill("10000");
    await page.getByLabel("企业年度补贴上限（元）").fill("500000");
    await page.getByLabel("单次申领上限（元）").fill("200000");
    await page.getByRole("radio", { name: /^自发放起若干天/ }).check();
    await page.getByLabel("有效天数（发放当日算第1天）").fill("730");
    await yearEndWarning.waitFor({ state: "detached" });
    await page.getByRole("radio", { name: /^通用/ }).check();
    await page.getByLabel("申请开始日期").fill(beijingToday());
    await page.getByLabel("申请截止日期（含）").fill(inDays(-1));
    await page.getByRole("button", { name: "创建项目（草稿）" }).click();
    await page.getByText("截止日期不能早于开始日期").waitFor();
    await page.getByLabel("申请截止日期（含）").fill(inDays(90));
    await page.getByRole("button", { name: "创建项目（草稿）" }).click();

    await heading(page, name).waitFor();
    programmeId = new URL(page.url()).searchParams.get("id") as string;
    await expect(page.locator("[data-figure=pool-available]").textContent()).resolves.toContain("¥1,000,000.07");
    await expect(page.locator(".summary .badge").textContent()).resolves.toBe("草稿");
    const guide = page.getByRole("region", { name: "申报指南" }).locator(".programme-guide");
    await expect(guide.evaluate((p) => [p.textContent, getComputedStyle(p).whiteSpace, p.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(p).lineHeight)])).resolves.toEqual([
      "一、申报条件\n注册在北京或杭州的中小企业",
      "pre-line",
      true,
    ]);
    const created = await agency.get<ProgrammeRecord & { description: string }>(`/api/programmes/${programmeId}`);
    expect(created.description).toBe("一、申报条件\n注册在北京或杭州的中小企业");
    expect(created.budget_fen).toBe(100_000_007);
    expect(created.rules).toMatchObject({
      subsidy_ratio_bp: 3000,
      eligible_region_prefixes: ["11", "3301"],
      tiers: [{ kind: "startup", ratio_bp: 5000, max_age_years: 3 }],
      full_coverage_threshold_fen: 1_000_000,
      per_booking_cap_fen: null,
      validity: { kind: "days_from_issue", days: 730 },
      settlement_mode: "tongyong",
    });

    await page.getByRole("button", { name: "开放申请" }).click();
    await page.getByRole("status").filter({ hasText: "项目已开放申请" }).waitFor();
    await page.locator(".summary .badge").filter({ hasText: "受理中" }).waitFor();
    await expect(agency.get<ProgrammeRecord>(`/api/programmes/${programmeId}`).then((p) => p.status)).resolves.toBe("open");
    await screenshots(page, "agency-programme-detail");
  });

  it("editing the rules says a new version will be made, and makes it", async () => {
    const page = await e2e.signedIn("agency@demo.cn", `/agency/programmes?id=${programmeId}`);
    await page.getByRole("link", { name: "修改名称或规则" }).click();
    await heading(page, "修改项目规则").waitFor();
    await page.getByText("将生成第 2 版规则").waitFor();
    await expect(page.getByLabel("补贴比例（%）", { exact: true }).inputValue()).resolves.toBe("30");
    await page.getByLabel("补贴比例（%）", { exact: true }).fill("25.5");
    await page.getByRole("button", { name: "保存修改" }).click();
    await page.getByRole("status").filter({ hasText: "现行规则为第 2 版" }).waitFor();
    await expect(page.getByRole("region", { name: "规则版本" }).getByRole("row").count()).resolves.toBe(3);
    const edited = await agency.get<ProgrammeRecord>(`/api/programmes/${programmeId}`);
    expect([edited.current_version, edited.rules.subsidy_ratio_bp, edited.budget_fen]).toEqual([2, 2550, 100_000_007]);
  });

  it("a budget top-up shows the new pool balance, and a double submit or a retry after a lost answer moves money once", async () => {
    const page = await e2e.signedIn("agency@demo.cn", `/agency/programmes?id=${programmeId}`, MOBILE);
    const posted: string[] = [];
    page.on("request", (r) => r.method() === "POST" && r.url().endsWith("/budget") && posted.push(r.headers()["idempotency-key"] ?? ""));
    const topUp = page.getByRole("form", { name: "追加预算" });
    await topUp.getByLabel("追加金额（元）").fill("2,500.25");
    await topUp.getByRole("button", { name: "追加预算" }).dblclick();
    await topUp.getByRole("status").filter({ hasText: "资金池可发放余额 ¥1,002,500.32" }).waitFor();
    await page.locator("[data-figure=pool-available]").filter({ hasText: "¥1,002,500.32" }).waitFor();
    // However many requests the double click makes, they are one attempt: one key.
    expect(new Set(posted).size).toBe(1);
    const firstKey = posted[0];
    posted.length = 0;
    await screenshots(page, "agency-budget-topped-up");

    // The answer is lost on the way back: the top-up happened, the person sees a network error and retries.
    await page.route("**/budget", async (route) => {
      await route.fetch();
      await route.abort("connectionreset");
    });
    await topUp.getByLabel("追加金额（元）").fill("100");
    await topUp.getByRole("button", { name: "追加预算" }).click();
    await topUp.getByRole("alert").filter({ hasText: "无法连接服务器" }).waitFor();
    await page.unroute("**/budget");
    await topUp.getByRole("button", { name: "追加预算" }).click();
    await topUp.getByRole("status").filter({ hasText: "资金池可发放余额 ¥1,002,600.32" }).waitFor();
    expect(posted).toHaveLength(2);
    expect(posted[1]).toBe(posted[0]);
    expect(posted[0]).not.toBe(firstKey);
    const after = await agency.get<ProgrammeRecord>(`/api/programmes/${programmeId}`);
    expect([after.budget_fen, after.pool.available_fen]).toEqual([100_260_032, 100_260_032]);
  });

  it("a reviewer approves an application for less than was asked, after reading its eligibility", async () => {
    const page = await e2e.signedIn("reviewer@demo.cn", "/agency/applications");
    await heading(page, "申请审核").waitFor();
    await page.getByRole("link", { name: "审核 西湖语言模型 Xihu Language Models" }).click();
    await heading(page, "西湖语言模型 Xihu Language Models 的申请").waitFor();
    await page.getByText("资格审查：全部条件符合").waitFor();
    // The enterprise's region and size by name, never a bare code or "Size class medium".
    const criteria = page.getByRole("region", { name: "资格审查：全部条件符合" });
    await criteria.locator("li").filter({ hasText: "注册地浙江省 杭州市 西湖区 (330106) 属于适用地区：浙江省 (33)" }).waitFor();
    await expect(criteria.textContent()).resolves.toContain("企业规模为中型企业，属于适用范围（微型企业、小型企业、中型企业）");
    await expect(page.getByLabel("批准金额（元）").inputValue()).resolves.toBe("20000");

    await page.getByLabel("批准金额（元）").fill("25000");
    await page.getByRole("button", { name: "批准并发放券" }).click();
    await page.getByText("金额不能超过¥20,000.00").waitFor();
    await page.getByLabel("批准金额（元）").fill("15000");
    await page.getByRole("button", { name: "批准并发放券" }).click();
    // What it did, by name (programme, enterprise), not by the new voucher's id.
    const said = page.getByRole("status").filter({ hasText: "已批准 ¥15,000.00：已向 西湖语言模型 Xihu Language Models 发放浙江创新券" });
    await said.waitFor();
    await expect(said.textContent()).resolves.not.toMatch(/vch_/);
    const decision = page.getByRole("region", { name: "审核结果" });
    await expect(decision.textContent()).resolves.toContain("¥15,000.00");
    await decision.getByRole("link", { name: "查看券" }).waitFor();
    // The voucher is linked by words; its id stays beside it as a small copyable reference.
    const voucherId = (await decision.locator("code.ref").filter({ hasText: /^vch_/ }).textContent()) as string;
    await screenshots(page, "reviewer-approved-less");

    const reviewer = await apiSession(e2e.product.baseUrl, "reviewer@demo.cn", DEMO_PASSWORD);
    const voucher = await reviewer.get<{ face_value_fen: number; available_fen: number; status: string }>(`/api/vouchers/${voucherId}`);
    expect(voucher).toMatchObject({ face_value_fen: 1_500_000, available_fen: 1_500_000, status: "active" });
  });

  it("an auditor reads programmes, applications and vouchers but has no controls that change them", async () => {
    const page = await e2e.signedIn("auditor@demo.cn", "/agency/programmes", MOBILE);
    await heading(page, "券项目管理").waitFor();
    const nav = page.getByRole("navigation", { name: "主导航" });
    // A phone: the page list opens from the menu button, which names the page shown.
    await expect(nav.getByRole("link", { name: "申请审核" }).count()).resolves.toBe(0);
    await nav.getByRole("button", { name: "菜单 · 券项目管理" }).click();
    for (const link of ["券项目管理", "申请审核", "券台账"]) await expect(nav.getByRole("link", { name: link }).count()).resolves.toBe(1);
    await expect(nav.getByRole("link", { name: "我的资源" }).count()).resolves.toBe(0);
    await page.getByText("你的角色可以查看项目，但不能创建或修改。").waitFor();
    await expect(page.getByRole("link", { name: "新建项目" }).count()).resolves.toBe(0);

    await page.getByRole("link", { name: "深圳训力券（示范） Shenzhen-style training-compute vouchers" }).click();
    await page.getByRole("heading", { name: "预算与资金池" }).waitFor();
    await page.getByRole("heading", { name: /现行规则/ }).waitFor();
    await expect(page.getByRole("button").filter({ hasText: /追加预算|开放申请|关闭项目/ }).count()).resolves.toBe(0);
    await expect(page.getByRole("link", { name: "修改名称或规则" }).count()).resolves.toBe(0);
    await screenshots(page, "auditor-programme");

    await page.goto("/agency/programmes?new");
    await heading(page, "无权访问").waitFor();

    // The ledger's export carries the status filter the page shows.
    await page.goto("/agency/vouchers");
    const exported = await page.getByRole("link", { name: "导出 CSV（按当前筛选）" }).getAttribute("href");
    expect(exported).toBe("/api/exports/vouchers.csv?status=active");
    expect(await (await page.request.get(exported!)).text()).toContain("vch_demoshenzhen");

    await page.goto("/agency/vouchers?id=vch_demoshenzhen");
    await page.getByRole("heading", { name: /^余额 / }).waitFor();
    await expect(page.getByRole("button", { name: "撤销此券" }).count()).resolves.toBe(0);
  });

  it("an agency admin attaches a guide to its programme and removes one after confirming; an enterprise downloads the file from the programme page", async () => {
    const page = await e2e.signedIn("agency@demo.cn", "/agency/programmes?id=prg_demobeijing");
    const attachments = page.getByRole("region", { name: "附件" });
    const name = `申报指南-${uniqueSuffix()}.pdf`;
    const bytes = Buffer.from(`%PDF-1.4\n% ${name}\n%%EOF\n`);
    await attachments.getByLabel(/^添加附件/).setInputFiles({ name, mimeType: "application/pdf", buffer: bytes });
    await attachments.getByRole("button", { name: "上传附件" }).click();
    await attachments.getByRole("status").getByText(`已上传：${name}`).waitFor();
    await attachments.getByRole("link", { name }).waitFor();

    // A text file dressed as a PDF is refused by its content, and nothing is added.
    const fake = `伪装-${uniqueSuffix()}.pdf`;
    await attachments.getByLabel(/^添加附件/).setInputFiles({ name: fake, mimeType: "application/pdf", buffer: Buffer.from("just text") });
    await attachments.getByRole("button", { name: "上传附件" }).click();
    await attachments.getByRole("alert").locator("p").waitFor();
    await expect(attachments.getByRole("link", { name: fake }).count()).resolves.toBe(0);

    // The enterprise sees the file on the programme's page and downloads exactly those bytes.
    const sme = await e2e.signedIn("qiming@demo.cn", "/voucher-programmes?id=prg_demobeijing");
    const link = sme.getByRole("region", { name: "附件" }).getByRole("link", { name });
    await link.waitFor();
    const download = await sme.request.get((await link.getAttribute("href"))!);
    expect(download.status()).toBe(200);
    expect(Buffer.from(await download.body()).equals(bytes)).toBe(true);
    await expect(sme.getByRole("region", { name: "附件" }).getByRole("button", { name: /删除/ }).count()).resolves.toBe(0);

    // Removing asks first; cancelling keeps it, confirming removes it.
    await attachments.getByRole("button", { name: `删除 ${name}` }).click();
    const confirm = attachments.getByRole("group", { name: `确认删除 ${name}` });
    await confirm.getByRole("button", { name: "取消" }).click();
    await attachments.getByRole("link", { name }).waitFor();
    await attachments.getByRole("button", { name: `删除 ${name}` }).click();
    await confirm.getByRole("button", { name: "确认删除" }).click();
    await attachments.getByRole("status").getByText(`已删除：${name}`).waitFor();
    // The list is read again after the removal is confirmed: the link goes when that answer is in.
    await attachments.getByRole("link", { name }).waitFor({ state: "detached" });
  });
});
