// Organisation verification and people, end to end: a new enterprise uploads its business licence
// and submits it; the agency's reviewer checks it against every registrant of the credit code and
// verifies it; the enterprise's admin invites a colleague, who accepts the link and is signed in.
import { describe, expect, it } from "vitest";
import { screenshots } from "./support/browser";
import { E2E_PASSWORD, uniqueCreditCode, uniqueEmail, uniqueSuffix } from "./support/data";
import { Caller } from "./support/sme";
import { heading, stage } from "./support/stage";

const e2e = stage();

describe("organisation verification and members", () => {
  const sme = { name: `核验测试科技 ${uniqueSuffix()}`, email: uniqueEmail("verify"), password: E2E_PASSWORD, orgId: "" };
  let smeApi: Caller;

  it("a new enterprise is told verification is missing, uploads its licence and submits it", async () => {
    const signup = await fetch(`${e2e.baseUrl}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: new URL(e2e.baseUrl).origin },
      body: JSON.stringify({
        organisation: { kind: "sme", name: sme.name, credit_code: uniqueCreditCode(), region_code: "110108", size_class: "small", founded_on: "2024-03-01" },
        user: { email: sme.email, display_name: "王管理 Admin", password: sme.password },
      }),
    });
    expect(signup.status).toBe(201);
    sme.orgId = (await signup.json()).organisation.id;
    smeApi = await Caller.signIn(e2e.baseUrl, sme.email, sme.password);
    // It applies to the agency's programme, which is what lets that agency review it.
    const applied = await smeApi.post("/api/voucher-applications", { programme_id: "prg_demobeijing", requested_fen: 100_000, purpose: "e2e 核验测试" });
    expect(applied.status).toBe(201);

    const { page } = await e2e.tab();
    await page.goto("/");
    await page.getByLabel("邮箱").fill(sme.email);
    await page.getByLabel("密码", { exact: true }).fill(sme.password);
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByRole("heading", { name: /机构尚未核验/ }).waitFor();
    await page.getByText("上传营业执照；提交核验").waitFor();
    await page.getByRole("link", { name: "去上传营业执照并提交核验" }).click();
    await heading(page, "我的机构").waitFor();

    // A file that is not a PDF, JPEG or PNG is refused by the server, and the page says so.
    await page.getByLabel(/^营业执照（PDF/).setInputFiles({ name: "licence.txt", mimeType: "text/plain", buffer: Buffer.from("not a licence") });
    await page.getByRole("button", { name: "上传", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: /PDF/ }).waitFor();

    await page.getByLabel(/^营业执照（PDF/).setInputFiles({ name: "营业执照.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n% e2e licence\n%%EOF\n") });
    await page.getByRole("button", { name: "上传", exact: true }).click();
    await page.getByText("已上传：营业执照.pdf").waitFor();
    await page.getByRole("link", { name: "营业执照.pdf" }).waitFor();
    await screenshots(page, "organisation-verification-uploaded");
    await page.getByRole("button", { name: "提交核验" }).click();
    await page.locator("#verification").locator("xpath=..").getByText("待核验").waitFor();
    await screenshots(page, "organisation-verification-submitted");

    const request = await smeApi.get(`/api/organisations/${sme.orgId}/verification`);
    expect(request.body.verification.state).toBe("submitted");
    expect(request.body.licences.map((file: { original_name: string; content_type: string }) => [file.original_name, file.content_type])).toEqual([["营业执照.pdf", "application/pdf"]]);
  });

  it("the agency's reviewer opens the request, sees the registrants and verifies it with a corrected fact", async () => {
    const page = await e2e.signedIn("reviewer@demo.cn", "/agency/verification");
    await heading(page, "机构核验").waitFor();
    await page.getByRole("link", { name: sme.name }).click();
    await heading(page, "核验机构").waitFor();
    await page.getByRole("link", { name: /营业执照\.pdf/ }).waitFor();
    await page.getByRole("table", { name: "注册者（最早的在前）" }).getByText("最先注册").waitFor();
    await page.getByLabel("企业规模").selectOption("micro");
    await screenshots(page, "agency-verification-request");
    await page.getByRole("button", { name: "确认核验通过" }).click();
    await page.getByText(`已核验：${sme.name}`).waitFor();

    const request = await smeApi.get(`/api/organisations/${sme.orgId}/verification`);
    expect(request.body.verification.state).toBe("verified");
    expect(request.body.organisation.size_class).toBe("micro");
  });

  it("the enterprise's admin invites a colleague, who accepts the link and is signed in", async () => {
    const { page } = await e2e.tab();
    await page.goto("/organisation");
    await page.getByLabel("邮箱").fill(sme.email);
    await page.getByLabel("密码", { exact: true }).fill(sme.password);
    await page.getByRole("button", { name: "登录" }).click();
    await heading(page, "我的机构").waitFor();
    await page.getByRole("table", { name: /本机构成员/ }).getByText(sme.email).waitFor();
    const colleague = uniqueEmail("colleague");
    const invite = page.locator("form").filter({ has: page.getByRole("heading", { name: "邀请成员" }) });
    await invite.getByLabel("邮箱").fill(colleague);
    await invite.getByLabel("角色").selectOption("member");
    await invite.getByRole("button", { name: "邀请" }).click();
    const link = await page.getByLabel("邀请链接").inputValue();
    expect(link).toMatch(/\/accept-invitation\?token=[a-z2-7]+$/);
    await screenshots(page, "organisation-members-invited");

    const { page: invited } = await e2e.tab();
    await invited.goto(link);
    await heading(invited, "接受邀请").waitFor();
    await invited.getByLabel("姓名").fill("李同事 Colleague");
    await invited.getByLabel("密码（至少10位）").fill("colleague-pass-2026");
    await invited.getByLabel("再次输入密码").fill("colleague-pass-2026");
    await screenshots(invited, "accept-invitation");
    await invited.getByRole("button", { name: "加入并登录" }).click();
    await heading(invited, "工作台").waitFor();
    await invited.getByText(/李同事 Colleague · 核验测试科技/).waitFor();

    const members = await smeApi.get(`/api/organisations/${sme.orgId}/users`);
    expect(members.body.items.map((m: { email: string; role: string }) => [m.email, m.role]).sort()).toEqual([[colleague, "member"], [sme.email, "admin"]].sort());
    const again = await Caller.signIn(e2e.baseUrl, colleague, "colleague-pass-2026");
    expect((await again.get("/api/me")).body.organisation.id).toBe(sme.orgId);
  });

  it("an agency reviewer suspends a provider after confirming with a reason, and the provider reads it per agency", async () => {
    const page = await e2e.signedIn("reviewer@demo.cn", "/providers?status=approved");
    await heading(page, "服务商审核").waitFor();
    const row = page.getByRole("row").filter({ hasText: "数据" }).first();
    const providerName = (await row.locator("strong").first().textContent()) as string;
    await row.getByRole("button", { name: /^暂停/ }).click();
    const confirm = page.getByRole("form", { name: `暂停 ${providerName}` });
    await confirm.getByRole("button", { name: "确认暂停" }).click();
    await confirm.getByText("请填写此项").waitFor();
    await confirm.getByLabel("暂停原因").fill("资质到期 e2e");
    await confirm.getByRole("button", { name: "确认暂停" }).click();
    await page.getByText(`已暂停：${providerName}`).waitFor();

    const provider = await e2e.signedIn("data@demo.cn", "/organisation");
    const standing = provider.getByRole("table", { name: "审核状态" });
    await standing.getByRole("row").filter({ hasText: "资质到期 e2e" }).getByText("已暂停").waitFor();
    await screenshots(provider, "provider-vettings");
  });

  it("repeated wrong passwords are refused with how long to wait", async () => {
    const { page } = await e2e.tab();
    await page.goto("/signin");
    for (let attempt = 0; attempt < 6; attempt++) {
      await page.getByLabel("邮箱").fill(sme.email);
      await page.getByLabel("密码", { exact: true }).fill("wrong-password-123");
      await page.getByRole("button", { name: "登录" }).click();
      await page.getByRole("alert").filter({ hasText: /\S/ }).waitFor();
      if (await page.getByText(/登录尝试次数过多，请在 \d+ (秒|分钟)后再试/).count()) break;
    }
    await page.getByText(/登录尝试次数过多，请在 \d+ (秒|分钟)后再试/).waitFor();
    await screenshots(page, "sign-in-throttled");
  });
});
