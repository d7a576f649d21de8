// One error shape for every response: { error: { code, message, details? } }.
// `code` is stable for programs; `message` is for a person (Chinese first, English after).
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const unauthorized = (message = "请先登录 / Please sign in") =>
  new AppError(401, "unauthenticated", message);
export const forbidden = (message = "无权执行此操作 / You are not allowed to do this") =>
  new AppError(403, "forbidden", message);
export const notFound = (chinese: string, english: string) =>
  new AppError(404, "not_found", `未找到${chinese} / ${english} not found`);
export const conflict = (code: string, message: string, details?: unknown) =>
  new AppError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) =>
  new AppError(422, code, message, details);

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
