// The API as a script would call it, beside the browser: to set up what another person did
// (an enterprise's booking) and to check outcomes the screen shows against the records.
export interface ApiSession {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
}

export async function apiSession(baseUrl: string, email: string, password: string): Promise<ApiSession> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: new URL(baseUrl).origin },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`login as ${email} answered ${login.status}: ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return {
    async get<T>(path: string) {
      const response = await fetch(`${baseUrl}${path}`, { headers: { cookie } });
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as T;
    },
    async post<T>(path: string, body: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(`${baseUrl}${path}`, { method: "POST", headers: { cookie, origin: new URL(baseUrl).origin, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as T };
    },
  };
}
