// Account basics (docs/accounts.md) in Chromium against the real server: changing one's password
// signs out the other sessions, and a forgotten password is reset through the one-time link the
// server prints to its log (development has no mail server), which then works once only; the
// installation admin creates an agency whose first admin joins by the invitation link, and the
// organisation's last admin cannot be disabled; an enterprise's rename goes back to verification.
import { describe, expect, it } from "vitest";
import { Caller, registerSme } from "./support/sme";
import { E2E_PASSWORD, uniqueCreditCode, uniqueEmail, uniqueSuffix } from "./support/data";
import { heading, stage } from "./support/stage";
import { signIn } from "./support/session";

const product = stage();
const NEW_PASSWORD = "e2e-new-password-2026";

const signInStatus = async (email: string, password: string) =>
  (
    await fetch(`${product.baseUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: product.baseUrl },
      body: JSON.stringify({ email, password }),
    })
  ).status;

/** The newest reset link the server printed for `email`. */
function resetLinkFor(email: string): string | undefined {
  const lines = product.product.output().split("\n").filter((line) => line.startsWith(`Mail to ${email}:`));
  return lines.at(-1)?.match(/(\/reset-password\?token=[a-z2-7]+)/)?.[1];
}

describe("changing one's password", () => {
  it("needs the current password, says so when it is wrong, and signs out the other sessions", async () => {
    const sme = await registerSme(product.baseUrl);
    const elsewhere = await Caller.signIn(product.baseUrl, sme.email, sme.password);
    const { page } = await product.tab();
    await page.goto("/account");
    await signIn(page, sme.email, sme.password);
    await heading(page, "账户安全").waitFor();

    await page.getByLabel("当前密码").fill("not-my-password");
    await page.getByLabel("新密码（至少10位）").fill(NEW_PASSWORD);
    await page.getByLabel("再次输入新密码").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "修改密码" }).click();
    await page.getByRole("alert").getByText("当前密码不正确").waitFor();

    await page.getByLabel("当前密码").fill(sme.password);
    await page.getByLabel("新密码（至少10位）").fill(NEW_PASSWORD);
    await page.getByLabel("再次输入新密码").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "修改密码" }).click();
    await page.getByRole("status").getByText("密码已修改，其他设备上的登录已退出。").waitFor();

    expect((await elsewhere.get("/api/me")).status, "the other session ended").toBe(401);
    await page.goto("/organisation");
    await heading(page, "我的机构").waitFor();
    expect(await signInStatus(sme.email, sme.password)).toBe(401);
    expect(await signInStatus(sme.email, NEW_PASSWORD)).toBe(200);
  });
});

describe("editing the organisation's details", () => {
  it("a rename asks first, says the organisation goes back to agency verification, and does", async () => {
    const sme = await registerSme(product.baseUrl);
    const { page } = await product.tab();
    await page.goto("/organisation");
    await signIn(page, sme.email, sme.password);
    await heading(page, "我的机构").waitFor();
    const card = page.getByRole("region", { name: "修改机构信息" });
    const name = `更名测试科技 ${uniqueSuffix()}`;
    await card.getByRole("group", { name: "核验信息（修改后需重新核验）" }).getByLabel("机构名称").fill(name);
    await card.getByRole("button", { name: "保存修改" }).click();
    await card.getByText("修改机构名称或资格信息后，本机构回到“未核验”状态", { exact: false }).waitFor();
    const api = await Caller.signIn(product.baseUrl, sme.email, sme.password);
    expect((await api.get("/api/me")).body.organisation, "nothing sent before the confirmation").toMatchObject({ name: sme.name, verification_state: "submitted" });
    await card.getByRole("button", { name: "确认修改并重新核验" }).click();
    await card.getByRole("status").getByText("已保存。名称或资格信息已修改，请重新上传营业执照并提交核验。").waitFor();
    expect((await api.get("/api/me")).body.organisation).toMatchObject({ name, verification_state: "unverified" });
  });
});

describe("a forgotten password", () => {
  it("from the sign-in page to a one-time link in the server log, a new password, and signing in with it", async () => {
    const sme = await registerSme(product.baseUrl);
    const elsewhere = await Caller.signIn(product.baseUrl, sme.email, sme.password);
    const { page } = await product.tab();
    await page.goto("/signin");
    await page.getByRole("link", { name: "忘记密码？" }).click();
    await heading(page, "忘记密码").waitFor();
    await page.getByLabel("邮箱").fill(sme.email);
    await page.getByRole("button", { name: "发送重置链接" }).click();
    await page.getByRole("status").getByText(/如该邮箱已注册，重置链接已发送/).waitFor();

    await expect.poll(() => resetLinkFor(sme.email)).toBeDefined();
    const link = resetLinkFor(sme.email)!;
    await page.goto(link);
    await heading(page, "设置新密码").waitFor();
    await page.getByLabel("新密码（至少10位）").fill(NEW_PASSWORD);
    await page.getByLabel("再次输入新密码").fill("something-else-entirely");
    await page.getByRole("button", { name: "设置新密码" }).click();
    await page.getByText("两次输入的密码不一致").waitFor();
    await page.getByLabel("再次输入新密码").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "设置新密码" }).click();
    await page.getByRole("status").getByText(/密码已更新，所有设备均已退出登录/).waitFor();
    expect((await elsewhere.get("/api/me")).status, "every session ended").toBe(401);

    await page.getByRole("link", { name: "去登录" }).click();
    await signIn(page, sme.email, NEW_PASSWORD);
    await page.getByRole("navigation", { name: "主导航" }).waitFor();

    // The link worked once.
    const { page: again } = await product.tab();
    await again.goto(link);
    await again.getByLabel("新密码（至少10位）").fill("a-third-password-2026");
    await again.getByLabel("再次输入新密码").fill("a-third-password-2026");
    await again.getByRole("button", { name: "设置新密码" }).click();
    await again.getByRole("alert").getByText(/重置链接无效、已使用或已过期/).waitFor();
    expect(await signInStatus(sme.email, NEW_PASSWORD)).toBe(200);
  });
});

describe("the installation admin", () => {
  it("creates an agency in the web UI; its first admin joins by the link; disabling the last admin is asked first, then refused", async () => {
    const page = await product.signedIn("admin@demo.cn", "/installation/agencies");
    await heading(page, "主管部门与用户").waitFor();
    const name = `测试科技局 ${uniqueSuffix()}`;
    const email = uniqueEmail("agency-admin");
    await page.getByLabel("部门名称").fill(name);
    await page.getByLabel("统一社会信用代码").fill(uniqueCreditCode("330100"));
    // The region by name, down to whichever level the agency governs: a province alone is the whole
    // province (330000); choosing 杭州市 and leaving the district at 整个市 makes it the city.
    const region = page.getByRole("group", { name: "管辖地区" });
    await expect.poll(() => region.getByLabel("省级").isEnabled()).toBe(true);
    await region.getByLabel("省级").selectOption({ label: "浙江省" });
    await region.getByText("已选：浙江省，行政区划代码 330000").waitFor();
    await region.getByLabel("地市级（可不选）").selectOption({ label: "杭州市" });
    await region.getByText("已选：浙江省 杭州市，行政区划代码 330100").waitFor();
    expect(await region.getByLabel("区县级（可不选）").inputValue()).toBe("");
    await page.getByLabel("首位管理员邮箱").fill(email);
    await page.getByRole("button", { name: "创建并邀请管理员" }).click();
    await page.getByRole("status").getByText(`已创建：${name}`).waitFor();
    const link = await page.getByLabel("邀请链接").inputValue();
    // The agency's region by name, its code beside it.
    await page.getByRole("row").filter({ hasText: name }).filter({ hasText: "浙江省 杭州市 (330100)" }).waitFor();

    const { page: invited } = await product.tab();
    await invited.goto(link);
    await invited.getByLabel("姓名").fill("新局管理员");
    await invited.getByLabel("密码（至少10位）").fill(E2E_PASSWORD);
    await invited.getByLabel("再次输入密码").fill(E2E_PASSWORD);
    await invited.getByRole("button", { name: "加入并登录" }).click();
    await invited.getByRole("navigation", { name: "主导航" }).waitFor();

    await page.getByRole("button", { name: `管理人员 ${name}` }).click();
    await page.getByRole("heading", { name: `${name} 的人员` }).waitFor();
    await page.getByRole("button", { name: "停用 新局管理员" }).click();
    const question = page.getByRole("group", { name: "确认停用 新局管理员" });
    await expect(question.textContent()).resolves.toContain("将立即退出登录");
    await question.getByRole("button", { name: "确认停用" }).click();
    await page.getByRole("alert").getByText("不能停用该机构最后一位管理员").waitFor();
    expect(await signInStatus(email, E2E_PASSWORD)).toBe(200);
  });

  it("edits an agency in the create form's fields, filled in: name, region by name and contact details; a bad phone is refused before sending", async () => {
    const page = await product.signedIn("admin@demo.cn", "/installation/agencies");
    await heading(page, "主管部门与用户").waitFor();
    // An agency of this test's own, made as a script would.
    const name = `待修改科技局 ${uniqueSuffix()}`;
    const created = await page.evaluate(
      async (body) => (await fetch("/api/installation/agencies", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).status,
      { name, credit_code: uniqueCreditCode("330100"), region_code: "330100", admin_email: uniqueEmail("agency-admin") },
    );
    expect(created).toBe(201);
    await page.reload();
    await page.getByRole("button", { name: `修改 ${name}` }).click();
    const form = page.getByRole("form", { name: `修改主管部门：${name}` });
    await form.waitFor();
    expect(await form.getByLabel("部门名称").inputValue()).toBe(name);
    const region = form.getByRole("group", { name: "管辖地区" });
    await region.getByText("已选：浙江省 杭州市，行政区划代码 330100").waitFor();

    // A bad phone number is refused in the browser; nothing is sent.
    await form.getByLabel("联系电话").fill("call me");
    await form.getByRole("button", { name: "保存修改" }).click();
    await form.locator(".field-error").first().waitFor();
    expect(await form.getByLabel("联系电话").getAttribute("aria-invalid")).toBe("true");

    const renamed = `${name} 更名`;
    await form.getByLabel("部门名称").fill(renamed);
    await region.getByLabel("地市级（可不选）").selectOption({ label: "宁波市" });
    await region.getByText("已选：浙江省 宁波市，行政区划代码 330200").waitFor();
    await form.getByLabel("地址").fill("宁波市鄞州区宁穿路2001号");
    await form.getByLabel("联系电话").fill("0574-8918 0000");
    await form.getByRole("button", { name: "保存修改" }).click();
    await form.getByRole("status").getByText(`已保存：${renamed}`).waitFor();
    await page.getByRole("row").filter({ hasText: renamed }).filter({ hasText: "浙江省 宁波市 (330200)" }).waitFor();
    const listed = await page.evaluate(async () => (await (await fetch("/api/installation/agencies?limit=100")).json()) as { items: { name: string; region_code: string; address: string | null; contact_phone: string | null }[] });
    expect(listed.items.find((a) => a.name === renamed)).toMatchObject({ region_code: "330200", address: "宁波市鄞州区宁穿路2001号", contact_phone: "0574-8918 0000" });

    // Saving again without a change sends nothing and says so.
    await form.getByRole("button", { name: "保存修改" }).click();
    await form.getByRole("status").getByText("没有修改。").waitFor();
  });
});
