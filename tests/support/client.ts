// A cookie-keeping HTTP client over app.request, like a browser tab or a curl session.
export interface FetchApp {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Like a browser, name the page's origin on unsafe requests (the API refuses them otherwise),
 * unless the test sets Origin or Sec-Fetch-Site itself to play another site or client.
 */
function originOf(method: string, path: string, headers: Record<string, string>): Record<string, string> {
  const named = Object.keys(headers).some((h) => ["origin", "sec-fetch-site"].includes(h.toLowerCase()));
  if (!UNSAFE_METHODS.has(method.toUpperCase()) || named) return {};
  return { Origin: new URL(path, "http://localhost").origin };
}

export class TestClient {
  private cookies = new Map<string, string>();

  constructor(
    private readonly app: FetchApp,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  get sessionToken(): string | undefined {
    return this.cookies.get("session");
  }

  setCookie(name: string, value: string) {
    this.cookies.set(name, value);
  }

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const raw = typeof body === "string" || body instanceof Uint8Array;
    const init: RequestInit = {
      method,
      headers: {
        ...originOf(method, path, { ...this.defaultHeaders, ...headers }),
        ...this.defaultHeaders,
        ...(body !== undefined && !raw ? { "Content-Type": "application/json" } : {}),
        ...(this.cookies.size ? { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
        ...headers,
      },
    };
    if (body !== undefined) init.body = raw ? (body as BodyInit) : JSON.stringify(body);
    const response = await this.app.request(path, init);
    if (headers["X-Test-Raw-Response"]) return { status: response.status, body: new Uint8Array(await response.arrayBuffer()) as T, headers: response.headers };
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...value] = (pair ?? "").split("=");
      if (!name) continue;
      const expired = attributes.some((a) => /max-age=0\b/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a.trim()));
      if (expired || value.join("=") === "") this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join("="));
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** A GET whose body is returned as bytes (downloads). */
  getBytes(path: string) {
    return this.call<Uint8Array>("GET", path, undefined, { "X-Test-Raw-Response": "1" });
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.call<T>("GET", path, undefined, headers);
  }

  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.call<T>("POST", path, body ?? {}, headers);
  }

  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.call<T>("PATCH", path, body ?? {}, headers);
  }

  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.call<T>("PUT", path, body ?? {}, headers);
  }
}
