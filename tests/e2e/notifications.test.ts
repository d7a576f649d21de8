// Notifications and webhooks in the browser. A provider's bell counts up when an enterprise books
// (through the API beside the browser), the inbox opens the notification and lands on that
// booking on the provider's desk, marked read. An organisation admin registers a webhook endpoint
// (a local receiver), sees its secret once, pings it and the receiver checks the signature with
// the secret copied from the page; rotating shows a new secret once, and disabling sticks.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/seed/demo";
import { apiSession, type ApiSession } from "./support/api";
import { MOBILE, screenshots } from "./support/browser";
import { startProduct } from "./support/product";
import { uniqueEmail, uniqueSuffix } from "./support/data";
import { heading, stage } from "./support/stage";

const e2e = stage(() => startProduct({ WEBHOOK_ALLOW_LOOPBACK: "1" }));

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface Inbox {
  items: { id: string; kind: string; link: string; read: boolean; subject_id: string }[];
  unread_count: number;
}

describe("notifications", () => {
  let sme: ApiSession;
  let provider: ApiSession;

  beforeAll(async () => {
    sme = await apiSession(e2e.product.baseUrl, "qiming@demo.cn", DEMO_PASSWORD);
    provider = await apiSession(e2e.product.baseUrl, "compute@demo.cn", DEMO_PASSWORD);
  });

  /** A person the provider's admin invites to its booking desk (a member, with an ordinary id). */
  async function inviteDeskMember(): Promise<{ email: string; api: ApiSession }> {
    const email = uniqueEmail("desk");
    const invited = await provider.post<{ token: string }>("/api/organisations/org_democompute/invitations", { email, role: "member" });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const accepted = await fetch(`${e2e.baseUrl}/api/auth/accept-invitation`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: e2e.baseUrl },
      body: JSON.stringify({ token: invited.body.token, display_name: "前台 Desk", password: DEMO_PASSWORD }),
    });
    expect(accepted.status, await accepted.clone().text()).toBe(201);
    return { email, api: await apiSession(e2e.baseUrl, email, DEMO_PASSWORD) };
  }

  it("the provider's bell counts up when an enterprise books, and the notification opens that booking on the desk", async () => {
    const desk = await inviteDeskMember();
    const page = await e2e.signedIn(desk.email, "/provider/bookings");
    await heading(page, "预约处理").waitFor();
    const before = (await desk.api.get<Inbox>("/api/notifications?limit=1")).unread_count;
    const bell = page.getByRole("banner").getByRole("link", { name: /^通知[ ，]/ });
    await expect.poll(() => bell.getAttribute("aria-label")).toBe(before ? `通知 ${before} 条未读` : "通知，没有未读");

    // Three days ahead (past the H800 nodes' 12-hour lead time and clear of the seeded booking).
    const startsAt = Math.ceil((Date.now() + 3 * DAY_MS) / HOUR_MS) * HOUR_MS;
    const body = { offering_id: "off_demonodes", quantity: 1, starts_at: new Date(startsAt).toISOString(), ends_at: new Date(startsAt + 4 * HOUR_MS).toISOString() };
    const made = await sme.post<{ id: string; status: string }>("/api/bookings", body, { "idempotency-key": `e2e-notify-${uniqueSuffix()}` });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.status).toBe("requested");

    // The bell reads the count again after a navigation (and every 30 s).
    await page.getByRole("navigation", { name: "按状态筛选" }).getByRole("link", { name: "全部" }).click();
    await expect.poll(() => bell.getAttribute("aria-label")).toBe(`通知 ${before + 1} 条未读`);
    await expect.poll(() => bell.textContent()).toContain(String(before + 1));

    await bell.click();
    await heading(page, "通知").waitFor();
    await screenshots(page, "notifications-inbox");
    const inbox = await desk.api.get<Inbox>("/api/notifications");
    const news = inbox.items.find((item) => item.subject_id === made.body.id);
    expect(news).toMatchObject({ kind: "booking.requested", read: false, link: `/provider/bookings?id=${made.body.id}` });
    // Unread first: the new one is above every read one.
    const entries = page.locator("ul.inbox li");
    await expect.poll(() => entries.first().getAttribute("class")).toBe("unread");
    const entry = page.getByRole("link", { name: /申请预约（待您确认）/ }).filter({ hasText: "H800" }).first();
    await entry.click();

    await page.waitForURL(`**/provider/bookings?id=${made.body.id}`);
    await heading(page, "预约处理").waitFor();
    const table = page.getByRole("table", { name: `预约 ${made.body.id}` });
    await table.waitFor();
    await expect.poll(() => table.getByRole("row").count()).toBe(2);
    expect(await table.textContent()).toContain(made.body.id);
    await screenshots(page, "notifications-desk-one-booking");

    const after = await desk.api.get<Inbox>("/api/notifications");
    expect(after.items.find((item) => item.id === news!.id)?.read).toBe(true);
    expect(after.unread_count).toBe(before);
    await expect.poll(() => bell.getAttribute("aria-label")).toBe(before ? `通知 ${before} 条未读` : "通知，没有未读");
  });

  it("marking all read empties the bell, and a muted kind stays muted after a reload", async () => {
    const page = await e2e.signedIn("compute@demo.cn", "/notifications", MOBILE);
    await heading(page, "通知").waitFor();
    const bell = page.getByRole("banner").getByRole("link", { name: /^通知[ ，]/ });
    if ((await provider.get<Inbox>("/api/notifications?limit=1")).unread_count === 0) {
      const startsAt = Math.ceil((Date.now() + 4 * DAY_MS) / HOUR_MS) * HOUR_MS;
      const made = await sme.post("/api/bookings", { offering_id: "off_demonodes", quantity: 1, starts_at: new Date(startsAt).toISOString(), ends_at: new Date(startsAt + 4 * HOUR_MS).toISOString() }, { "idempotency-key": `e2e-notify-${uniqueSuffix()}` });
      expect(made.status).toBe(201);
      await page.reload();
    }
    await page.getByRole("button", { name: "全部标为已读" }).click();
    await page.getByRole("status").filter({ hasText: /已将\d+条通知标为已读/ }).waitFor();
    await expect.poll(() => bell.getAttribute("aria-label")).toBe("通知，没有未读");
    expect((await provider.get<Inbox>("/api/notifications?limit=1")).unread_count).toBe(0);

    const preferences = page.getByRole("form", { name: "接收哪些通知" });
    const requested = await provider.get<{ kinds: { kind: string; label_zh: string; enabled: boolean }[] }>("/api/notifications/preferences");
    const label = requested.kinds.find((k) => k.kind === "booking.requested")!.label_zh;
    await preferences.getByRole("checkbox", { name: label }).uncheck();
    await preferences.getByRole("button", { name: "保存设置" }).click();
    await preferences.getByRole("status").filter({ hasText: "已保存通知设置" }).waitFor();
    await screenshots(page, "notifications-preferences");
    const saved = await provider.get<typeof requested>("/api/notifications/preferences");
    expect(saved.kinds.find((k) => k.kind === "booking.requested")?.enabled).toBe(false);
    expect(saved.kinds.filter((k) => !k.enabled).map((k) => k.kind)).toEqual(["booking.requested"]);
    await page.reload();
    await expect.poll(() => page.getByRole("form", { name: "接收哪些通知" }).getByRole("checkbox", { name: label }).isChecked()).toBe(false);
  });
});

describe("webhooks", () => {
  let receiver: Server;
  let receiverUrl = "";
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        received.push({ headers: request.headers, body });
        response.writeHead(200, { "content-type": "text/plain" }).end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const address = receiver.address();
    receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hooks`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  const signedWith = (secret: string, delivery: (typeof received)[number]) => {
    const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
    const expected = createHmac("sha256", key).update(`${delivery.headers["webhook-id"]}.${delivery.headers["webhook-timestamp"]}.${delivery.body}`).digest("base64");
    return String(delivery.headers["webhook-signature"] ?? "").split(" ").includes(`v1,${expected}`);
  };

  it("an admin registers an endpoint, sees its secret once, pings it (signed with that secret), rotates the secret and disables it", async () => {
    const page = await e2e.signedIn("compute@demo.cn", "/");
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "Webhook 推送" }).click();
    await heading(page, "Webhook 推送").waitFor();

    const form = page.getByRole("form", { name: "登记推送地址" });
    await form.getByLabel("接收地址（URL）").fill(receiverUrl);
    await form.getByLabel("接收全部事件（含以后新增的类型）").uncheck();
    const events = form.getByRole("group", { name: "接收的事件类型" });
    await events.getByRole("checkbox").first().check();
    await form.getByLabel(/^说明/).fill("调度系统 Scheduler");
    await form.getByRole("button", { name: "登记" }).click();

    const secretBox = page.getByRole("region", { name: "推送地址已登记：签名密钥" });
    await secretBox.waitFor();
    expect(await secretBox.textContent()).toContain("只显示这一次");
    const secret = (await secretBox.locator("code.secret").textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await secretBox.getByRole("button", { name: "复制密钥" }).click();
    await secretBox.getByRole("status").filter({ hasText: "已复制到剪贴板" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await screenshots(page, "webhooks-secret-once");
    await secretBox.getByRole("button", { name: "我已保存，关闭" }).click();
    await secretBox.waitFor({ state: "detached" });
    expect(await page.content()).not.toContain(secret);

    const card = page.getByRole("article", { name: receiverUrl });
    await card.waitFor();
    await card.getByRole("button", { name: "发送测试事件" }).click();
    await card.getByRole("status").filter({ hasText: /测试事件已送达：响应码 200，耗时 \d+ ms/ }).waitFor();
    expect(received).toHaveLength(1);
    expect(signedWith(secret, received[0]!)).toBe(true);
    const deliveries = card.getByRole("table", { name: "最近的推送" });
    await deliveries.getByRole("cell", { name: "已送达" }).waitFor();
    expect(await deliveries.getByRole("row").count()).toBe(2);

    await card.getByRole("button", { name: "轮换密钥" }).click();
    await card.getByRole("group", { name: "确认轮换密钥" }).getByRole("button", { name: "确定轮换" }).click();
    const rotatedBox = page.getByRole("region", { name: "新的签名密钥" });
    const rotated = (await rotatedBox.locator("code.secret").textContent())!;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await rotatedBox.getByRole("button", { name: "我已保存，关闭" }).click();
    await card.getByRole("button", { name: "发送测试事件" }).click();
    await expect.poll(() => received.length).toBe(2);
    // During the overlap both secrets sign.
    expect([signedWith(secret, received[1]!), signedWith(rotated, received[1]!)]).toEqual([true, true]);

    await card.getByRole("button", { name: "停用" }).click();
    await card.getByText("已停用", { exact: true }).first().waitFor();
    await screenshots(page, "webhooks-endpoint");
    const admin = await apiSession(e2e.product.baseUrl, "compute@demo.cn", DEMO_PASSWORD);
    const listed = await admin.get<{ items: { url: string; enabled: boolean; description: string; event_types: string[] }[] }>("/api/webhook-endpoints");
    expect(listed.items.find((endpoint) => endpoint.url === receiverUrl)).toMatchObject({ enabled: false, description: "调度系统 Scheduler" });
    expect(listed.items.find((endpoint) => endpoint.url === receiverUrl)?.event_types).toHaveLength(1);
  });

  it("staff who are not their organisation's admin are not offered webhooks and the address is refused", async () => {
    const page = await e2e.signedIn("reviewer@demo.cn", "/settings/webhooks");
    await heading(page, "无权访问").waitFor();
    await page.getByRole("banner").getByRole("link", { name: /^通知[ ，]/ }).waitFor();
    expect(await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "Webhook 推送" }).count()).toBe(0);
  });
});
