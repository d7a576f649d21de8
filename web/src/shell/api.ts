// The API through Hono's typed client: paths, inputs and bodies are checked against src/app.ts
// at compile time. `send` turns every refusal into an ApiError with the server's
// "中文 / English" message and any field-level issues (details.issues).
import { hc, type ClientResponse } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { AppType } from "../../../src/app";

export const api = hc<AppType>("/");

export interface FieldIssue {
  /** The body path the API names, e.g. "organisation.credit_code". */
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
    /** The refusal's details as the API sent them (e.g. the eligibility behind a 422), for pages that explain them. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type SuccessBody<R> = R extends ClientResponse<infer T, infer S, infer _F> ? (S extends SuccessStatusCode ? T : never) : never;

let onSignedOut: () => void = () => {};
/** Called when any request answers 401: the session ended (expired, or signed out elsewhere). */
export function whenSignedOut(handler: () => void) {
  onSignedOut = handler;
}

export async function send<R extends ClientResponse<unknown, number, "json" | "text">>(request: Promise<R>): Promise<SuccessBody<R>> {
  let response: R;
  try {
    response = await request;
  } catch {
    throw new ApiError(0, "network", "无法连接服务器，请检查网络后重试 / Cannot reach the server; check your connection and retry");
  }
  if (response.ok) {
    return (response.status === 204 ? undefined : await response.json()) as SuccessBody<R>;
  }
  const error = readError(response.status, await response.text());
  if (error.status === 401) onSignedOut();
  throw error;
}

function readError(status: number, text: string): ApiError {
  const fallback = new ApiError(status, "http_error", `请求失败（HTTP ${status}），请稍后重试 / Request failed (HTTP ${status}); please retry`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fallback;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (typeof error?.code !== "string" || typeof error.message !== "string") return fallback;
  return new ApiError(status, error.code, error.message, issuesOf(error.details), error.details);
}

function issuesOf(details: unknown): FieldIssue[] {
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (issue): issue is FieldIssue => typeof issue?.field === "string" && typeof issue?.message === "string",
  );
}
