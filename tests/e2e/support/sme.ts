// An enterprise's side of the API over HTTP, as a script beside the browser would use it: to set
// up what a test is not about (sign-up, the agency's approval, a declaration) and to check
// outcomes (rows, balances) without trusting the page under test. Never loads the app in-process.
import { DEMO_PASSWORD } from "../../../src/seed/demo";
import { E2E_PASSWORD, uniqueCreditCode, uniqueEmail, uniqueSuffix } from "./data";

export interface Answer<T = any> {
  status: number;
  body: T;
}

/** A signed-in caller: every answer comes back with its status, refusals included. */
export class Caller {
  private constructor(
    readonly baseUrl: string,
    private readonly cookie: string,
  ) {}

  static async signIn(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<Caller> {
    const response = await fetch(`${baseUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: new URL(baseUrl).origin },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 200) throw new Error(`login as ${email} answered ${response.status}: ${await response.text()}`);
    return new Caller(baseUrl, response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; "));
  }

  get<T = any>(path: string): Promise<Answer<T>> {
    return this.send<T>("GET", path);
  }

  /** A POST; money-moving routes need an Idempotency-Key. */
  post<T = any>(path: string, body: unknown, idempotencyKey?: string): Promise<Answer<T>> {
    return this.send<T>("POST", path, body, idempotencyKey);
  }

  private async send<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Answer<T>> {
    // Unsafe methods must name this site's origin, as a browser does (the API refuses them otherwise).
    const headers: Record<string, string> = { cookie: this.cookie, origin: new URL(this.baseUrl).origin };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as T };
  }
}

export interface Sme {
  name: string;
  email: string;
  password: string;
}

/** Signs up a new SME through the API (a small company founded in 2024) and returns its login. */
export async function registerSme(baseUrl: string, regionCode = "110108"): Promise<Sme> {
  const sme = { name: `测试智能 ${uniqueSuffix()}`, email: uniqueEmail("sme"), password: E2E_PASSWORD };
  const response = await fetch(`${baseUrl}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: new URL(baseUrl).origin },
    body: JSON.stringify({
      organisation: { kind: "sme", name: sme.name, credit_code: uniqueCreditCode(regionCode), region_code: regionCode, size_class: "small", founded_on: "2024-03-01" },
      user: { email: sme.email, display_name: "测试企业 Test SME", password: sme.password },
    }),
  });
  if (response.status !== 201) throw new Error(`SME sign-up answered ${response.status}: ${await response.text()}`);
  await submitForVerification(baseUrl, (await response.json()).organisation.id, response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; "));
  return sme;
}

/** The new SME uploads a (tiny) business licence and submits its facts, as it must before its first voucher. */
async function submitForVerification(baseUrl: string, orgId: string, cookie: string) {
  const licence = new TextEncoder().encode("%PDF-1.4\n% e2e business licence\n%%EOF\n");
  const uploaded = await fetch(`${baseUrl}/api/organisations/${orgId}/files?purpose=business_licence`, {
    method: "POST",
    headers: { cookie, origin: new URL(baseUrl).origin, "content-type": "application/pdf", "x-file-name": "licence.pdf" },
    body: licence,
  });
  if (uploaded.status !== 201) throw new Error(`licence upload answered ${uploaded.status}: ${await uploaded.text()}`);
  const submitted = await fetch(`${baseUrl}/api/organisations/${orgId}/verification/submit`, {
    method: "POST",
    headers: { cookie, origin: new URL(baseUrl).origin, "content-type": "application/json" },
    body: "{}",
  });
  if (submitted.status !== 200) throw new Error(`verification submit answered ${submitted.status}: ${await submitted.text()}`);
}

/** The agency's reviewer approves an application in full, as the agency's pages would. */
export async function approveApplication(baseUrl: string, applicationId: string): Promise<{ voucher: { id: string } }> {
  const reviewer = await Caller.signIn(baseUrl, "reviewer@demo.cn");
  // A newly registered SME is verified (its facts as declared) before its first voucher.
  const application = await reviewer.get(`/api/voucher-applications/${applicationId}`);
  const request = await reviewer.get(`/api/organisations/${application.body.sme_org_id}/verification`);
  if (request.body.verification?.state === "submitted") {
    const { credit_code, name, region_code, size_class, founded_on } = request.body.organisation;
    const verified = await reviewer.post(`/api/organisations/${application.body.sme_org_id}/verification/verify`, { credit_code, name, region_code, size_class, founded_on });
    if (verified.status !== 200) throw new Error(`verification answered ${verified.status}: ${JSON.stringify(verified.body)}`);
  }
  const approved = await reviewer.post(`/api/voucher-applications/${applicationId}/approve`, {}, `e2e-approve-${uniqueSuffix()}`);
  if (approved.status !== 200) throw new Error(`approval answered ${approved.status}: ${JSON.stringify(approved.body)}`);
  return approved.body;
}

/** A new Beijing SME holding an approved voucher of the Beijing programme for `amount_fen`. */
export async function smeWithVoucher(baseUrl: string, amount_fen: number): Promise<Sme & { api: Caller; voucherId: string }> {
  const sme = await registerSme(baseUrl);
  const api = await Caller.signIn(baseUrl, sme.email, sme.password);
  const applied = await api.post("/api/voucher-applications", { programme_id: "prg_demobeijing", requested_fen: amount_fen, purpose: "e2e 测试用算力" });
  if (applied.status !== 201) throw new Error(`application answered ${applied.status}: ${JSON.stringify(applied.body)}`);
  const { voucher } = await approveApplication(baseUrl, applied.body.id);
  return { ...sme, api, voucherId: voucher.id };
}
