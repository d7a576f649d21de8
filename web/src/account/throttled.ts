// A 429 said with how long to wait (details.retry_after_seconds), after the API's own words.
import { ApiError } from "../shell/api";

export function throttledMessage(error: ApiError): ApiError {
  const seconds = Number((error.details as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds);
  if (!Number.isFinite(seconds) || seconds <= 0) return error;
  const minutes = Math.ceil(seconds / 60);
  const [zh, en = zh] = error.message.split(" / ");
  const message = `${zh}（请在 ${minutes} 分钟后再试）/ ${en} (try again in ${minutes} minute${minutes === 1 ? "" : "s"})`;
  return new ApiError(429, error.code, message, [], error.details);
}
