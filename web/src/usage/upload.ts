// Sends a usage file as the raw request body with XMLHttpRequest, the one browser API that
// reports upload progress. The answer goes through the same reading of refusals as `send`.
import { ApiError } from "../shell/api";

export type UsageFormat = "auto" | "csv" | "slurm";

export interface ImportAnswer {
  format: "csv" | "slurm";
  rows: number;
  accepted: number;
  duplicate: number;
  chunks: number;
  steps_skipped: number;
  skipped: { line: number; reason: string }[];
  skipped_count: number;
}

export interface BadRows {
  bad_rows: { line: number; reason: string }[];
  bad_row_count: number;
}

/** Uploads `file`; `onProgress` gets the fraction sent (0–1). Rejects with an ApiError on refusal. */
export function uploadUsage(file: Blob, format: UsageFormat, onProgress: (sent: number) => void): Promise<ImportAnswer> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `/api/usage/import${format === "auto" ? "" : `?format=${format}`}`);
    request.setRequestHeader("Content-Type", "text/csv");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError(0, "network", "无法连接服务器，请检查网络后重试 / Cannot reach the server; check your connection and retry"));
    request.onload = () => {
      onProgress(1);
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = null;
      }
      if (request.status >= 200 && request.status < 300 && body) return resolve(body as ImportAnswer);
      const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      reject(
        new ApiError(
          request.status,
          error?.code ?? "http_error",
          error?.message ?? `请求失败（HTTP ${request.status}），请稍后重试 / Request failed (HTTP ${request.status}); please retry`,
          [],
          error?.details,
        ),
      );
    };
    request.send(file);
  });
}

/** The bad rows of a refused file (422 usage_file_invalid), or null for any other refusal. */
export function badRowsOf(error: ApiError): BadRows | null {
  const details = error.details as Partial<BadRows> | undefined;
  if (error.code !== "usage_file_invalid" || !Array.isArray(details?.bad_rows)) return null;
  return { bad_rows: details.bad_rows, bad_row_count: details.bad_row_count ?? details.bad_rows.length };
}
