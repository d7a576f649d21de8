// Account basics (docs/accounts.md) in Chromium against the real server: changing one's password
// signs out the other sessions, and a forgotten password is reset through the one-time link the
// server prints to its log (development has no mail server), which then works once only.
import { describe, expect, it } from "vitest";
import { Caller, registerSme } from "./support/sme";
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
