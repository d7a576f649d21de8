// How one webhook attempt is sent. Two implementations behind one type: Node's own http/https
// client (src/webhooks/node-sender.ts), which checks every address a name resolves to at connect
// time, and fetch on Workers (below), where the platform itself cannot reach private networks.
import { addressAllowed, classifyAddress } from "../domain/network-address";

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookResponse {
  status: number;
  /** Seconds from a Retry-After header, when the receiver sent one. */
  retry_after_seconds: number | null;
}

/** Sends one attempt; throws WebhookSendError when there was no HTTP answer. */
export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResponse>;

export class WebhookSendError extends Error {
  constructor(
    readonly code: "timeout" | "refused_address" | "network_error",
    message: string,
  ) {
    super(message);
  }
}

export const ATTEMPT_TIMEOUT_MS = 10_000;
/** Only this much of a receiver's answer is read; the rest is dropped. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Why a URL may not be a webhook target, or null when it may. Names are checked again when resolved. */
export function urlProblem(raw: string, allowLoopback: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "不是有效的网址 / Not a valid URL";
  }
  if (url.username || url.password) return "网址不能包含用户名或密码 / The URL must not carry credentials";
  const host = url.hostname;
  const literal = classifyAddress(host);
  const loopbackName = host === "localhost" || host.endsWith(".localhost");
  const loopback = loopbackName || literal === "loopback";
  if (url.protocol === "http:" && !(allowLoopback && loopback)) {
    return "须使用 https（http 仅限开发环境的本机地址）/ Use https (http only for loopback in development)";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "须使用 https / Use https";
  if (loopback && !allowLoopback) return "不能发送到本机地址 / Loopback addresses are not allowed";
  if (literal && !addressAllowed(host, allowLoopback)) return "不能发送到内网、本机或保留地址 / Private, loopback, link-local and reserved addresses are not allowed";
  return null;
}

/** Workers: fetch without following redirects, with a timeout and a bounded read of the answer. */
export function fetchSender(allowLoopback: boolean): WebhookSender {
  return async (request) => {
    const problem = urlProblem(request.url, allowLoopback);
    if (problem) throw new WebhookSendError("refused_address", problem);
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        redirect: "manual",
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
    } catch (error) {
      const timeout = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      throw new WebhookSendError(timeout ? "timeout" : "network_error", timeout ? "no answer within 10 s" : String(error));
    }
    await response.body?.cancel();
    return { status: response.status, retry_after_seconds: parseRetryAfter(response.headers.get("retry-after"), Date.now()) };
  };
}
