// A programme's attachments (申报指南 files): listed for download to whoever reads the programme;
// its agency's admin uploads (PDF, DOCX, XLSX, JPEG, PNG, ≤ 10 MiB, ≤ 10 files) and removes them,
// removal asked first (docs/eligibility-and-regions.md).
import { useRef, useState } from "preact/hooks";
import { ApiError } from "../shell/api";
import { useI18n, type Bilingual } from "../shell/i18n";
import { Loaded, useLoad } from "../ui/load";
import { formatBytes } from "../shell/format";
import { MAX_UPLOAD_BYTES } from "../shell/limits";

interface Attachment {
  id: string;
  original_name: string;
  size_bytes: number;
}

const base = (programmeId: string) => `/api/programmes/${encodeURIComponent(programmeId)}/attachments`;
const ACCEPTED = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png";

async function call(method: string, url: string, body?: File): Promise<unknown> {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: body ? { "Content-Type": "application/octet-stream", "X-File-Name": encodeURIComponent(body.name) } : {},
    body,
  });
  const data = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!response.ok) {
    const message = response.status === 413 ? "文件超过 10 MiB 上限 / The file is larger than the 10 MiB limit" : (data?.error?.message ?? `HTTP ${response.status}`);
    throw new ApiError(response.status, data?.error?.code ?? "http_error", message);
  }
  return data;
}

export function ProgrammeAttachments({ programmeId, manage }: { programmeId: string; manage: boolean }) {
  const { t, say } = useI18n();
  const list = useLoad(() => call("GET", base(programmeId)) as Promise<{ items: Attachment[] }>, programmeId);
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string | Bilingual } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const run = async (work: () => Promise<unknown>, done: Bilingual) => {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    try {
      await work();
      setMessage({ ok: true, text: done });
      list.reload();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setMessage({ ok: false, text: error.message });
    } finally {
      setBusy(false);
      setConfirming(null);
    }
  };
  const upload = (event: Event) => {
    event.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) return setMessage({ ok: false, text: ["请选择文件", "Choose a file first"] });
    if (file.size > MAX_UPLOAD_BYTES) return setMessage({ ok: false, text: [`文件为 ${formatBytes(file.size)}，超过 10 MiB 上限`, `The file is ${formatBytes(file.size)}, over the 10 MiB limit`] });
    void run(async () => {
      await call("POST", base(programmeId), file);
      if (input.current) input.current.value = "";
    }, [`已上传：${file.name}`, `Attached: ${file.name}`]);
  };
  return (
    <section class="card" aria-labelledby="attachments">
      <h2 id="attachments">{t("附件", "Attachments")}</h2>
      <Loaded load={list}>
        {({ items }) =>
          items.length === 0 ? (
            <p class="hint">{t("暂无附件。", "No attachments.")}</p>
          ) : (
            <ul class="files">
              {items.map((file) => (
                <li key={file.id}>
                  <a href={`${base(programmeId)}/${encodeURIComponent(file.id)}`} download={file.original_name}>
                    {file.original_name}
                  </a>{" "}
                  <span class="hint">{formatBytes(file.size_bytes)}</span>
                  {manage &&
                    (confirming === file.id ? (
                      <span role="group" aria-label={t(`确认删除 ${file.original_name}`, `Confirm removing ${file.original_name}`)}>
                        {" "}
                        {t("删除后企业将无法再下载此文件。", "Enterprises will no longer be able to download it.")}{" "}
                        <button type="button" class="danger" onClick={() => run(() => call("DELETE", `${base(programmeId)}/${encodeURIComponent(file.id)}`), [`已删除：${file.original_name}`, `Removed: ${file.original_name}`])}>
                          {t("确认删除", "Remove")}
                        </button>{" "}
                        <button type="button" onClick={() => setConfirming(null)}>
                          {t("取消", "Cancel")}
                        </button>
                      </span>
                    ) : (
                      <>
                        {" "}
                        <button type="button" class="link" aria-label={t(`删除 ${file.original_name}`, `Remove ${file.original_name}`)} onClick={() => setConfirming(file.id)}>
                          {t("删除", "Remove")}
                        </button>
                      </>
                    ))}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <div role="alert">{message && !message.ok && <p class="message error">{say(message.text)}</p>}</div>
      <div role="status">{message?.ok && <p class="message success">{say(message.text)}</p>}</div>
      {manage && (
        <form class="subform" noValidate onSubmit={upload}>
          <div class="field">
            <label for="attachment-file">{t("添加附件（PDF、Word、Excel、JPG 或 PNG，不超过 10 MiB，最多 10 个）", "Attach a file (PDF, Word, Excel, JPG or PNG, at most 10 MiB, 10 files)")}</label>
            <input id="attachment-file" type="file" accept={ACCEPTED} ref={input} onChange={() => setMessage(null)} />
          </div>
          <button type="submit" aria-disabled={busy ? "true" : undefined}>
            {busy ? t("上传中…", "Uploading…") : t("上传附件", "Attach")}
          </button>
        </form>
      )}
    </section>
  );
}
