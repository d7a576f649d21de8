// The web front end end-to-end: the real server on a temporary database with the demo data,
// driven in Chromium as the people who use it would.
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/seed/demo";
import { formatFen } from "../../web/src/shell/format";
import { MOBILE, screenshots } from "./support/browser";
import { E2E_PASSWORD, registerProvider, uniqueCreditCode, uniqueEmail, uniqueSuffix } from "./support/data";
import { beijingMinutes, signIn, type Tab } from "./support/session";
import { heading, stage } from "./support/stage";

const e2e = stage();

describe("web front end", () => {

  it("the server answers app addresses with the app and unknown API addresses with a JSON 404", async () => {
    const page = await fetch(`${e2e.product.baseUrl}/providers?status=pending`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toMatch(/<script type="module" src="\/app\.[A-Z0-9]{8}\.js" fetchpriority="low"><\/script>/);
    const missing = await fetch(`${e2e.product.baseUrl}/api/no-such-thing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("the front end goes out compressed, its hashed files cached for good, index.html revalidated, no source map", async () => {
    const base = e2e.product.baseUrl;
    const index = await fetch(`${base}/`, { headers: { "Accept-Encoding": "br, gzip" } });
    expect(index.headers.get("content-encoding")).toBe("br");
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(index.headers.get("etag")).toBeTruthy();
    const html = await index.text();
    const script = html.match(/src="(\/app\.[A-Z0-9]{8}\.js)"/)?.[1];
    const sheet = html.match(/href="(\/styles\.[\w-]{12}\.css)"/)?.[1];
    expect(script && sheet).toBeTruthy();
    const revalidated = await fetch(`${base}/`, { headers: { "Accept-Encoding": "br, gzip", "If-None-Match": index.headers.get("etag")! } });
    expect(revalidated.status).toBe(304);

    for (const [path, type] of [[script!, "javascript"], [sheet!, "text/css"]] as const) {
      const gzipped = await fetch(`${base}${path}`, { headers: { "Accept-Encoding": "gzip" } });
      expect(gzipped.status).toBe(200);
      expect(gzipped.headers.get("content-type")).toContain(type);
      expect(gzipped.headers.get("content-encoding")).toBe("gzip");
      expect(gzipped.headers.get("vary")).toContain("Accept-Encoding");
      expect(gzipped.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      const plain = await fetch(`${base}${path}`, { headers: { "Accept-Encoding": "identity" } });
      expect(plain.headers.get("content-encoding")).toBeNull();
      // fetch undoes the gzip: the same file either way.
      expect(await gzipped.text()).toBe(await plain.text());
      expect(Number(plain.headers.get("content-length"))).toBeGreaterThan(Number(gzipped.headers.get("content-length")));
    }
    for (const path of [`${script}.map`, "/app.js.map", `${script}.gz`, "/.assetsignore", "/_headers", "/_csp.json", "/chunk.GONE1234.js", "/favicon.ico"]) {
      const hidden = await fetch(`${base}${path}`);
      expect(hidden.status, path).toBe(404);
    }
    // A page address is the app itself, revalidated like index.html.
    const deepLink = await fetch(`${base}/bookings`);
    expect(deepLink.headers.get("cache-control")).toBe("no-cache");
  });

  it("index.html's inline style is allowed by its hash alone, never by 'unsafe-inline'", async () => {
    const base = e2e.product.baseUrl;
    const page = await fetch(`${base}/catalogue`);
    const html = await page.text();
    const inline = [...html.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1]!);
    expect(inline).toHaveLength(1);
    expect(inline[0]!.length).toBeGreaterThan(500);
    // Nothing holds the first frame's paint: the whole sheet is preloaded, applied by the app.
    expect(html).not.toContain('rel="stylesheet"');
    expect(html).toMatch(/<link rel="preload" href="\/styles\.[\w-]{12}\.css" as="style" fetchpriority="low" \/>/);
    const policy = (page.headers.get("content-security-policy") ?? "").split("; ");
    expect(policy).toContain(`style-src 'self' 'sha256-${createHash("sha256").update(inline[0]!, "utf8").digest("base64")}'`);
    expect(policy.join("; ")).not.toContain("unsafe-inline");
    expect(policy).toContain("script-src 'self'");
    // The API's answers are never documents with a style in them.
    const api = await fetch(`${base}/api/no-such-thing`);
    expect((api.headers.get("content-security-policy") ?? "").split("; ")).toContain("style-src 'self'");
  });

  it("what the first frame does not need is fetched below the document's priority: the script and the shell's chunks low, the style sheet one step down", async () => {
    const { page } = await e2e.tab(MOBILE);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    const priorities = new Map<string, string>();
    cdp.on("Network.requestWillBeSent", (event: { request: { url: string; initialPriority: string } }) => {
      // The first request for each (the app's own stylesheet link later takes the preloaded answer).
      const path = new URL(event.request.url).pathname;
      if (!priorities.has(path)) priorities.set(path, event.request.initialPriority);
    });
    await page.goto("/catalogue", { waitUntil: "load" });
    const html = await (await fetch(`${e2e.baseUrl}/catalogue`)).text();
    const firstFiles = [...html.matchAll(/(?:src|href)="(\/(?:app|chunk|styles)\.[\w-]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(firstFiles.length).toBeGreaterThanOrEqual(3);
    // Chromium lowers a style sheet's preload one step only (from VeryHigh), a script's to Low.
    const expected = (path: string) => (path.endsWith(".css") ? "High" : "Low");
    expect(Object.fromEntries(firstFiles.map((path) => [path, priorities.get(path)]))).toEqual(Object.fromEntries(firstFiles.map((path) => [path, expected(path)])));
    expect(priorities.get("/catalogue")).toBe("VeryHigh");
    await cdp.detach();
  });

  it("the first frame looks the same on its inline rules as once the whole style sheet has arrived", async () => {
    const { page } = await e2e.tab(MOBILE);
    // No script: index.html alone stays on screen. The style sheet is held until the first look.
    await page.route(/\.js$/, (route) => route.abort());
    let release!: () => void;
    const held = new Promise<void>((done) => (release = done));
    await page.route(/\/styles\.[\w-]+\.css$/, async (route) => (await held, route.continue()));
    await page.goto("/catalogue", { waitUntil: "commit" });
    await page.locator("#app p.loading").waitFor();
    // Every computed property and the box of every element of the frame.
    const look = () =>
      page.evaluate(() => ({
        sheet: (document.querySelector('link[rel="stylesheet"]') as HTMLLinkElement | null)?.sheet != null,
        elements: [...document.querySelectorAll("body, #app, #app *")].map((el) => {
          const style = getComputedStyle(el);
          const box = el.getBoundingClientRect();
          return { el: `${el.tagName.toLowerCase()}.${el.className}`, box: [box.x, box.y, box.width, box.height].map(Math.round), style: Object.fromEntries([...style].map((p) => [p, style.getPropertyValue(p)])) };
        }),
      }));
    const inlineOnly = await look();
    expect(inlineOnly.sheet).toBe(false);
    // The tab's icon is inline (no /favicon.ico round trip, which the server answers 404), and an image.
    const icon = await page.evaluate(async () => {
      const img = new Image();
      img.src = document.querySelector<HTMLLinkElement>('link[rel="icon"]')!.href;
      await img.decode();
      return { scheme: img.src.slice(0, 19), width: img.naturalWidth };
    });
    expect(icon).toEqual({ scheme: "data:image/svg+xml,", width: 32 });
    // The inline rules did style it (the header's blue bar), not the browser's defaults.
    expect(inlineOnly.elements.find((e) => e.el === "header.site")?.style["background-color"]).toBe("rgb(29, 79, 145)");
    release();
    // index.html only preloads the whole sheet (a stylesheet link would hold the paint); the app's
    // script applies it, and with no script here the test applies it the same way.
    await page.evaluate(() => {
      const sheet = document.createElement("link");
      sheet.rel = "stylesheet";
      sheet.href = document.querySelector<HTMLLinkElement>('link[rel="preload"][as="style"]')!.href;
      document.head.append(sheet);
    });
    await page.waitForFunction(() => (document.querySelector('link[rel="stylesheet"]') as HTMLLinkElement | null)?.sheet != null);
    const whole = await look();
    expect(whole.sheet).toBe(true);
    expect(whole.elements).toEqual(inlineOnly.elements);
  });

  it("the app draws nothing before the whole style sheet has arrived, and reads the session meanwhile", async () => {
    const page = await e2e.signedIn("qiming@demo.cn", "/signin");
    await heading(page, "工作台").waitFor();
    // When the app first draws anything of its own (a heading, the navigation), is the sheet there?
    await page.addInitScript({
      content: `(() => {
        const seen = new MutationObserver(() => {
          if (!document.querySelector("#app h1, #app nav.main")) return;
          window.__sheetWhenAppDrew = document.querySelector('link[rel="stylesheet"]')?.sheet != null;
          seen.disconnect();
        });
        seen.observe(document, { childList: true, subtree: true });
      })();`,
    });
    let release!: () => void;
    const held = new Promise<void>((done) => (release = done));
    await page.route(/\/styles\.[\w-]+\.css$/, async (route) => (await held, route.continue()));
    const session = page.waitForRequest((request) => new URL(request.url()).pathname === "/api/me");
    await page.goto("/catalogue", { waitUntil: "commit" });
    // The script runs without waiting for the sheet: it asks for the session at once...
    await session;
    await page.waitForTimeout(1_500);
    // ...but draws nothing of its own while the sheet is held: index.html's first frame stays.
    expect(await page.locator("#app h1, #app nav.main").count()).toBe(0);
    expect(await page.locator("#app p.loading").isVisible()).toBe(true);
    release();
    await page.locator('main a[href^="/catalogue?id="]').first().waitFor();
    expect(await page.evaluate(() => (window as unknown as { __sheetWhenAppDrew?: boolean }).__sheetWhenAppDrew)).toBe(true);
  });

  it("a first visit to the catalogue asks for its list at start-up, before the page's code arrives, and only once", async () => {
    const page = await e2e.signedIn("qiming@demo.cn", "/signin");
    await heading(page, "工作台").waitFor();
    const lists: string[] = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname === "/api/offerings") lists.push(url.search);
    });
    // The file with the catalogue's code is held until the list has been asked for (10 s at most).
    let listBeforeCode: boolean | null = null;
    await page.route(/\/chunk\.[A-Z0-9]+\.js$/, async (route) => {
      const body = await (await fetch(route.request().url())).text();
      if (/\bas CataloguePage\b/.test(body)) {
        for (let waited = 0; lists.length === 0 && waited < 10_000; waited += 50) await new Promise((done) => setTimeout(done, 50));
        listBeforeCode = lists.length > 0;
      }
      return route.continue();
    });
    await page.goto("/catalogue?category=compute");
    await page.locator('main a[href^="/catalogue?id="]').first().waitFor();
    expect(listBeforeCode).toBe(true);
    // On a wide screen the filter form's four fields sit on one line.
    const tops = await page.locator("form.filters > .field-row > *").evaluateAll((fields) => fields.map((field) => Math.round(field.getBoundingClientRect().top)));
    expect(tops).toHaveLength(4);
    expect(new Set(tops).size).toBe(1);
    // The page took that answer rather than asking again.
    expect(lists).toEqual(["?category=compute&limit=20&offset=0"]);
    // Moving on reads afresh: the early answer is for the first page only.
    await page.getByLabel("类别").selectOption({ label: "数据集" });
    await page.locator("form.filters").getByRole("button", { name: "筛选" }).click();
    await page.waitForURL(/category=dataset/);
    await page.locator('main a[href^="/catalogue?id="]').first().waitFor();
    expect(lists).toHaveLength(2);
  });

  it("signed out, the catalogue's early list is never shown: after signing in the list is read again", async () => {
    const { page } = await e2e.tab();
    const lists: number[] = [];
    page.on("response", (response) => new URL(response.url()).pathname === "/api/offerings" && lists.push(response.status()));
    await page.goto("/catalogue");
    await page.waitForURL("**/signin?next=%2Fcatalogue");
    await signIn(page, "qiming@demo.cn", DEMO_PASSWORD);
    await heading(page, "资源目录").waitFor();
    await page.locator('main a[href^="/catalogue?id="]').first().waitFor();
    // One read at start-up without a session, one after signing in, which is the one shown.
    expect(lists.at(-1)).toBe(200);
    expect(lists.length).toBeGreaterThanOrEqual(2);
  });

  it("a page's code arrives when it is first opened, by role; a page that fails to arrive says so and loads on retry", async () => {
    const { page } = await e2e.tab();
    const scripts: string[] = [];
    page.on("request", (request) => request.resourceType() === "script" && scripts.push(new URL(request.url()).pathname));
    await page.goto("/signin");
    await signIn(page, "qiming@demo.cn", DEMO_PASSWORD);
    await heading(page, "工作台").waitFor();
    // Signed in as an enterprise: no agency page's code came with the shell or the home page.
    // (A chunk names the pages it exports, `export{… as CataloguePage …}`, minified or not.)
    const agencyCode = /\bas (?:VerificationQueuePage|ProvidersPage|AuditPage|AnomaliesPage)\b/;
    for (const path of scripts) {
      const body = await (await fetch(`${e2e.baseUrl}${path}`)).text();
      expect(body, path).not.toMatch(agencyCode);
    }

    // The enterprise's pages are one file, fetched when the first of them is opened; this time it
    // does not arrive.
    let dropped = 0;
    await page.route(/\/chunk\.[A-Z0-9]+\.js$/, async (route) => {
      const body = await (await fetch(route.request().url())).text();
      if (/\bas CataloguePage\b/.test(body) && dropped === 0) {
        dropped += 1;
        return route.abort("connectionreset");
      }
      return route.continue();
    });
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "资源目录" }).click();
    const failure = page.getByRole("alert").filter({ hasText: "页面没有加载成功" });
    await failure.waitFor();
    expect(dropped).toBe(1);
    await failure.getByRole("button", { name: "重试" }).click();
    await heading(page, "资源目录").waitFor();
    await page.locator('main a[href^="/catalogue?id="]').first().waitFor();
    // The agency's file exists (the check above looked for something real) and was never fetched.
    const agencyFile = (await Promise.all(readdirSync("dist/web").filter((f) => /^chunk\..+\.js$/.test(f)).map(async (f) => ({ f, body: await (await fetch(`${e2e.baseUrl}/${f}`)).text() })))).find(({ body }) => agencyCode.test(body));
    expect(agencyFile).toBeDefined();
    expect(scripts).not.toContain(`/${agencyFile!.f}`);
  });

  it("a demo SME signs in, sees its home and organisation, and declares a related party", async () => {
    const { page } = await e2e.tab();
    await page.goto("/organisation");
    await page.waitForURL("**/signin?next=%2Forganisation");
    await heading(page, "登录").waitFor();
    await signIn(page, "qiming@demo.cn", DEMO_PASSWORD);

    await heading(page, "我的机构").waitFor();
    expect(new URL(page.url()).pathname).toBe("/organisation");
    const facts = page.locator("dl.facts");
    await expect(facts.textContent()).resolves.toContain("启明智能科技 Qiming AI");
    await expect(facts.textContent()).resolves.toContain("91110108MA0000005");
    const registered = page.locator("dl.facts time");
    const registeredIso = (await registered.getAttribute("datetime")) as string;
    await expect(registered.textContent()).resolves.toBe(beijingMinutes(registeredIso));

    await page.getByLabel("关系").selectOption("shareholder");
    await page.getByLabel("关联方名称或姓名").fill("启明投资控股");
    const partyCode = uniqueCreditCode();
    await page.getByLabel("关联方统一社会信用代码").fill(partyCode.toLowerCase());
    await page.getByRole("button", { name: "申报" }).click();
    await page.getByRole("status").filter({ hasText: "已申报：启明投资控股" }).waitFor();
    const row = page.getByRole("row").filter({ hasText: "启明投资控股" });
    await expect(row.textContent()).resolves.toContain(partyCode);
    await expect(page.getByLabel("关联方名称或姓名").inputValue()).resolves.toBe("");
    await screenshots(page, "sme-organisation");

    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "工作台" }).click();
    await heading(page, "工作台").waitFor();
    await expect(page.locator(".lead").textContent()).resolves.toContain("吴启明 Wu Qiming");
    const declared = page.getByRole("region", { name: "关联方申报" }).locator(".figure");
    await expect(declared.textContent()).resolves.toBe("1 条已申报");
    // The voucher card totals what the API says is available on the SME's active vouchers.
    const vouchers = await page.evaluate(async () => (await fetch("/api/vouchers?limit=100")).json());
    const active = (vouchers.items as { status: string; available_fen: number }[]).filter((v) => v.status === "active");
    expect(active.length).toBeGreaterThan(0);
    const available = active.reduce((sum, v) => sum + v.available_fen, 0);
    const voucherFigure = page.getByRole("region", { name: "我的券" }).locator(".figure");
    await expect(voucherFigure.textContent()).resolves.toBe(`${formatFen(available)} 可用（${active.length}张有效券）`);
    await expect(page.getByRole("region", { name: "我的预约" }).getByRole("link", { name: "查看预约" }).count()).resolves.toBe(1);
    await expect(page.getByRole("link", { name: "服务商审核" }).count()).resolves.toBe(0);
    await screenshots(page, "sme-home");
  });

  it("a bad credit code is flagged beside its field, and a refused sign-up keeps what was typed", async () => {
    const { page } = await e2e.tab();
    const posted: string[] = [];
    page.on("request", (request) => request.method() === "POST" && posted.push(new URL(request.url()).pathname));
    await page.goto("/signup");
    await heading(page, "注册").waitFor();
    await page.getByLabel("机构名称").fill("错码测试科技");
    await page.getByLabel("统一社会信用代码").fill("91110108MA01W2B46B");
    await page.getByLabel("省级", { exact: true }).selectOption({ label: "北京市" });
    await page.getByLabel("地市级", { exact: true }).selectOption({ label: "市辖区" });
    await page.getByLabel("区县级", { exact: true }).selectOption({ label: "海淀区" });
    await page.getByLabel("企业规模").selectOption("small");
    await page.getByLabel("成立日期").fill("2023-04-01");
    await page.getByLabel("姓名").fill("测试 Tester");
    await page.getByLabel("邮箱（登录用）").fill("qiming@demo.cn");
    await page.getByLabel("密码", { exact: true }).fill(E2E_PASSWORD);
    await page.getByLabel("再次输入密码").fill(E2E_PASSWORD);
    await page.getByRole("button", { name: "注册并登录" }).click();

    const creditCode = page.getByLabel("统一社会信用代码");
    await expect(creditCode.getAttribute("aria-invalid")).resolves.toBe("true");
    const describedBy = (await creditCode.getAttribute("aria-describedby")) ?? "";
    const fieldError = page.locator(`[id="${describedBy.split(" ").at(-1)}"]`);
    await expect(fieldError.textContent()).resolves.toContain("统一社会信用代码校验位不正确");
    await expect(creditCode.evaluate((input) => input === document.activeElement)).resolves.toBe(true);
    expect(posted).toEqual([]);
    await screenshots(page, "signup-credit-code-error");

    // Fixed code, but an email that is taken: the server refuses and nothing typed is lost.
    const goodCode = uniqueCreditCode();
    await creditCode.fill(goodCode);
    await expect(creditCode.getAttribute("aria-invalid")).resolves.toBeNull();
    await page.getByRole("button", { name: "注册并登录" }).click();
    await page.getByRole("alert").filter({ hasText: "该邮箱已注册" }).waitFor();
    expect(posted).toEqual(["/api/auth/signup"]);
    await expect(page.getByLabel("机构名称").inputValue()).resolves.toBe("错码测试科技");
    await expect(creditCode.inputValue()).resolves.toBe(goodCode);
    await expect(page.getByLabel("密码", { exact: true }).inputValue()).resolves.toBe(E2E_PASSWORD);
    await expect(page.getByRole("button", { name: "注册并登录" }).isVisible()).resolves.toBe(true);
  });

  const provider = { name: `云启算力 ${uniqueSuffix()}`, email: uniqueEmail("provider") };
  let providerTab: Tab;

  it("a new provider signs up and is told it awaits the agency's approval", async () => {
    providerTab = await e2e.tab();
    const { page } = providerTab;
    await page.goto("/signin");
    await page.getByRole("link", { name: "注册企业或服务商" }).click();
    await heading(page, "注册").waitFor();
    await page.getByRole("radio", { name: /^服务商/ }).check();
    await page.getByLabel("机构名称").fill(provider.name);
    await page.getByLabel("统一社会信用代码").fill(uniqueCreditCode("310115"));
    // Province → city → district by name; a district the credit code was not registered in is warned about, not refused.
    await page.getByLabel("省级", { exact: true }).selectOption({ label: "上海市" });
    await page.getByLabel("地市级", { exact: true }).selectOption({ label: "市辖区" });
    await page.getByLabel("区县级", { exact: true }).selectOption({ label: "黄浦区" });
    const warning = page.locator(".message.warning").filter({ hasText: "登记机关在上海市 浦东新区 (310115)，与所填地区上海市 黄浦区 (310101)不一致" });
    await warning.waitFor();
    await page.getByLabel("区县级", { exact: true }).selectOption({ label: "浦东新区" });
    await warning.waitFor({ state: "detached" });
    await page.getByText("行政区划代码 310115").waitFor();
    await page.getByLabel("企业规模").selectOption("medium");
    await page.getByLabel("成立日期").fill("2021-06-18");
    await page.getByLabel("注册地址").fill("上海市浦东新区张江路8号");
    await page.getByLabel("姓名").fill("陈云 Chen Yun");
    await page.getByLabel("邮箱（登录用）").fill(provider.email);
    await page.getByLabel("密码", { exact: true }).fill(E2E_PASSWORD);
    await page.getByLabel("再次输入密码").fill(E2E_PASSWORD);
    await page.getByRole("button", { name: "注册并登录" }).click();

    await heading(page, "工作台").waitFor();
    const approval = page.getByRole("region", { name: "服务商审核状态" });
    await approval.locator(".badge").filter({ hasText: "待审核" }).waitFor();
    await expect(approval.textContent()).resolves.toContain("主管部门正在审核你的注册");
    await screenshots(page, "provider-pending");
  });

  it("the agency reviewer approves the new provider, and the provider then sees it is approved", async () => {
    const { page } = await e2e.tab();
    await page.goto("/");
    await signIn(page, "reviewer@demo.cn", DEMO_PASSWORD);
    await heading(page, "工作台").waitFor();
    const queue = page.getByRole("region", { name: "服务商审核" });
    await queue.getByText("家服务商待审核").waitFor();
    await screenshots(page, "reviewer-home");
    await queue.getByRole("link", { name: "去审核" }).click();

    await heading(page, "服务商审核").waitFor();
    const row = page.getByRole("row").filter({ hasText: provider.name });
    await expect(row.textContent()).resolves.toContain("待审核");
    await screenshots(page, "reviewer-providers-pending");
    await row.getByRole("button", { name: `批准 ${provider.name}` }).click();
    await page.getByRole("status").filter({ hasText: `已批准：${provider.name}` }).waitFor();
    await row.waitFor({ state: "detached" });

    await page.getByRole("navigation", { name: "按状态筛选" }).getByRole("link", { name: "已批准" }).click();
    await page.waitForURL("**/providers?status=approved");
    await expect(page.getByRole("row").filter({ hasText: provider.name }).textContent()).resolves.toContain("已批准");

    await providerTab.page.reload();
    await providerTab.page.getByRole("region", { name: "服务商审核状态" }).locator(".badge").filter({ hasText: "已批准" }).waitFor();
  });

  it("rejecting a provider needs a reason, which the provider then reads on its home", async () => {
    const { name, email } = await registerProvider(e2e.product.baseUrl);

    const { page } = await e2e.tab(MOBILE);
    await page.goto("/providers");
    await signIn(page, "reviewer@demo.cn", DEMO_PASSWORD);
    await heading(page, "服务商审核").waitFor();
    await page.getByRole("button", { name: `驳回 ${name}` }).click();
    const reason = page.getByLabel("驳回原因");
    await expect(reason.evaluate((field) => field === document.activeElement)).resolves.toBe(true);
    await page.getByRole("button", { name: "确认驳回" }).click();
    await expect(reason.getAttribute("aria-invalid")).resolves.toBe("true");
    await page.getByText("请填写此项").waitFor();
    await screenshots(page, "reviewer-reject-reason-required");
    await reason.fill("营业执照信息与申报不符");
    await page.getByRole("button", { name: "确认驳回" }).click();
    await page.getByRole("status").filter({ hasText: `已驳回：${name}` }).waitFor();

    const providerPage = (await e2e.tab()).page;
    await providerPage.goto("/");
    await signIn(providerPage, email, E2E_PASSWORD);
    const approval = providerPage.getByRole("region", { name: "服务商审核状态" });
    await approval.locator(".badge").filter({ hasText: "已驳回" }).waitFor();
    await expect(approval.textContent()).resolves.toContain("营业执照信息与申报不符");
  });

  it("the language toggle switches the interface and the server's messages to English, and is remembered", async () => {
    const { page } = await e2e.tab();
    await page.goto("/");
    await page.getByRole("button", { name: "English" }).click();
    await heading(page, "Sign in").waitFor();
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("en");
    await page.getByLabel("Email").fill("xihu@demo.cn");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong email or password" }).waitFor();
    await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password" }).textContent()).resolves.not.toMatch(/[\u4e00-\u9fff]/);

    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await heading(page, "Home").waitFor();
    await page.reload();
    await heading(page, "Home").waitFor();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My organisation" }).count()).resolves.toBe(1);
    await screenshots(page, "english-home");
    await page.getByRole("button", { name: "中文" }).click();
    await heading(page, "工作台").waitFor();
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("zh-CN");
  });

  it("signing out everywhere ends the person's sessions on other devices too", async () => {
    const laptop = (await e2e.tab()).page;
    const phone = (await e2e.tab(MOBILE)).page;
    for (const page of [laptop, phone]) {
      await page.goto("/");
      await signIn(page, "shentong@demo.cn", DEMO_PASSWORD);
      await heading(page, "工作台").waitFor();
    }
    await laptop.locator("details.account > summary").filter({ hasText: "账户：郑瞳 Zheng Tong" }).click();
    await screenshots(laptop, "account-menu");
    await laptop.getByRole("button", { name: "在所有设备上退出" }).click();
    await heading(laptop, "登录").waitFor();
    await laptop.getByRole("status").filter({ hasText: "你已在所有设备上退出登录" }).waitFor();

    // At phone width the page list sits behind the menu button.
    await phone.getByRole("navigation", { name: "主导航" }).getByRole("button", { name: "菜单 · 工作台" }).click();
    await phone.getByRole("link", { name: "我的机构" }).click();
    await heading(phone, "登录").waitFor();
    await phone.getByRole("status").filter({ hasText: "登录已失效，请重新登录" }).waitFor();
    expect(new URL(phone.url()).search).toBe("?next=%2Forganisation");
  });
});
