// Claim evidence files (合同、发票、验收单…): each chosen file is sent at once as the raw request body
// with XMLHttpRequest (the one browser API that reports upload progress), with its progress and
// any refusal shown beside it. The API decides the type from the bytes; the browser checks the
// limits first so a person learns of a 12 MB scan before waiting for it.
import { useState } from "preact/hooks";
import { ApiError } from "../shell/api";
import { useI18n } from "../shell/i18n";

export const MAX_ATTACHMENTS = 10;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
const ACCEPT = ["application/pdf", "image/jpeg", "image/png"];
const ACCEPT_NAME = /\.(pdf|jpe?g|png)$/i;

export interface Attachment {
  key: string;
  name: string;
  size: number;
  /** 0–1 while sending. */
  progress: number;
  id: string | null;
  error: string | null;
}

export const fileHref = (id: string) => `/api/files/${encodeURIComponent(id)}`;

function upload(orgId: string, file: File, onProgress: (fraction: number) => void): Promise<{ id: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/organisations/${encodeURIComponent(orgId)}/files?purpose=claim_evidence`);
    xhr.setRequestHeader("Content-Type", ACCEPT.includes(file.type) ? file.type : "application/octet-stream");
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onerror = () => reject(new ApiError(0, "network", "无法连接服务器，请检查网络后重试 / Cannot reach the server; check your connection and retry"));
    xhr.onload = () => {
      let body: { id?: string; error?: { code?: string; message?: string } } | null = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status === 201 && body?.id) return resolve({ id: body.id });
      reject(new ApiError(xhr.status, body?.error?.code ?? "http_error", body?.error?.message ?? `上传失败（HTTP ${xhr.status}）/ Upload failed (HTTP ${xhr.status})`));
    };
    xhr.send(file);
  });
}

const sizeText = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** The attachments field: choose files, watch them upload, remove any. `onChange` gets the list. */
export function AttachmentsField({ orgId, mayUpload, attachments, onChange }: { orgId: string; mayUpload: boolean; attachments: Attachment[]; onChange: (next: (list: Attachment[]) => Attachment[]) => void }) {
  const { t, say } = useI18n();
  const [problem, setProblem] = useState<string | null>(null);
  const choose = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const chosen = [...(input.files ?? [])];
    input.value = "";
    setProblem(null);
    const room = MAX_ATTACHMENTS - attachments.length;
    if (chosen.length > room) setProblem(t(`最多${MAX_ATTACHMENTS}个附件，只添加了前${Math.max(0, room)}个`, `At most ${MAX_ATTACHMENTS} attachments: only the first ${Math.max(0, room)} were added`));
    for (const file of chosen.slice(0, Math.max(0, room))) {
      const key = `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`;
      const refusal =
        file.size > MAX_ATTACHMENT_BYTES
          ? t(`超过10 MB（${sizeText(file.size)}）`, `Over 10 MB (${sizeText(file.size)})`)
          : file.size === 0
            ? t("文件为空", "The file is empty")
            : !ACCEPT.includes(file.type) && !ACCEPT_NAME.test(file.name)
              ? t("只能上传PDF、JPEG或PNG", "Only PDF, JPEG or PNG")
              : null;
      onChange((list) => [...list, { key, name: file.name, size: file.size, progress: 0, id: null, error: refusal }]);
      if (refusal) continue;
      const patch = (change: Partial<Attachment>) => onChange((list) => list.map((a) => (a.key === key ? { ...a, ...change } : a)));
      upload(orgId, file, (progress) => patch({ progress }))
        .then(({ id }) => patch({ id, progress: 1 }))
        .catch((error: unknown) => patch({ error: error instanceof ApiError ? say(error.message) : t("上传失败", "Upload failed") }));
    }
  };
  const inputId = "claim-attachments";
  return (
    <fieldset class="field">
      <legend>{t("附件（合同、发票、验收单等）", "Attachments (contract, invoice, acceptance form…)")}</legend>
      {mayUpload ? (
        <>
          <label for={inputId}>{t("选择文件", "Choose files")}</label>
          <input id={inputId} type="file" multiple accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" onChange={choose} aria-describedby={`${inputId}-hint`} disabled={attachments.length >= MAX_ATTACHMENTS} />
          <p class="hint" id={`${inputId}-hint`}>
            {t(`PDF、JPEG或PNG，最多${MAX_ATTACHMENTS}个，每个不超过10 MB。选择后立即上传。`, `PDF, JPEG or PNG; at most ${MAX_ATTACHMENTS} files of up to 10 MB each. Files upload as soon as they are chosen.`)}
          </p>
        </>
      ) : (
        <p class="hint">{t("附件须由本机构管理员上传。", "Your organisation's admin uploads attachments.")}</p>
      )}
      <div role="alert">{problem && <p class="message error">{problem}</p>}</div>
      {attachments.length > 0 && (
        <ul class="files" aria-label={t("已选附件", "Chosen attachments")}>
          {attachments.map((a) => (
            <li key={a.key}>
              <span>
                {a.name} · {sizeText(a.size)}
              </span>{" "}
              {a.error ? (
                <span class="message error">{a.error}</span>
              ) : a.id ? (
                <span class="badge approved">{t("已上传", "Uploaded")}</span>
              ) : (
                <progress max={100} value={Math.round(a.progress * 100)} aria-label={t(`${a.name} 上传进度`, `${a.name} upload progress`)} />
              )}{" "}
              <button type="button" class="link" onClick={() => onChange((list) => list.filter((x) => x.key !== a.key))} aria-label={t(`移除 ${a.name}`, `Remove ${a.name}`)}>
                {t("移除", "Remove")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
