// Builds every router the same way: one validation hook, one not-found handler, one error
// handler, so every error has the same shape (STYLE: hono-open-api-starter).
import { OpenAPIHono, type Hook } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import type { Context } from "hono";
import type { AppEnv } from "./context";
import "./validation-messages";
import { AppError, errorBody } from "./errors";

export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.join(".") || result.target,
    message: issue.message,
    code: issue.code,
  }));
  const fields = [...new Set(issues.map((i) => i.field))].join(", ");
  return c.json(
    errorBody("invalid_request", `请求内容有误：${fields} / Invalid request: check ${fields}`, { issues }),
    400,
  );
};

export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

export function handleError(error: Error, c: Context<AppEnv>) {
  if (error instanceof AppError) {
    // Every throttle's 429 says when to come back, in the header as well as in details.
    const retryAfter = (error.details as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds;
    if ((error.status === 429 || error.status === 503) && typeof retryAfter === "number") c.header("Retry-After", String(retryAfter));
    return c.json(errorBody(error.code, error.message, error.details), error.status);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 413) {
      return c.json(errorBody("payload_too_large", "请求内容过大 / Request body too large"), 413);
    }
    if (status === 400) {
      return c.json(errorBody("invalid_request", `请求格式有误 / ${error.message || "Malformed request"}`), 400);
    }
    if (status === 415) {
      return c.json(
        errorBody("unsupported_media_type", "请求内容应为 JSON / Send the body as JSON (Content-Type: application/json)"),
        415,
      );
    }
    return c.json(errorBody("http_error", `请求无法处理 / ${error.message || "Request failed"}`), status);
  }
  console.error(`[${c.var.requestId ?? "-"}]`, error);
  return c.json(
    errorBody("internal_error", `服务器内部错误，请稍后重试 / Internal error (request ${c.var.requestId ?? "-"})`),
    500,
  );
}
