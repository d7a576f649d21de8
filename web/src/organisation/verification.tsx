// Organisation verification (实名核验) from the organisation's side: its state, what is still
// missing, uploading the business licence (营业执照) and submitting it for an agency's review.
import { useRef, useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { may } from "../shell/access";
import { useI18n, type Bilingual } from "../shell/i18n";
import { useMe, useSession, type Me } from "../shell/session";
import { Loaded, useLoad } from "../ui/load";
import { Instant } from "../ui/values";

export type VerificationState = Me["verification"]["state"];
export type Missing = Me["verification"]["missing"][number];

export const VERIFICATION_STATE: Record<VerificationState, Bilingual> = {
  unverified: ["未核验", "Not verified"],
  submitted: ["待核验", "Awaiting review"],
  verified: ["已核验", "Verified"],
  rejected: ["核验未通过", "Verification refused"],
};

export const MISSING: Record<Missing, Bilingual> = {
  business_licence: ["上传营业执照", "Upload the business licence"],
  submission: ["提交核验", "Submit for verification"],
  agency_review: ["等待主管部门核验", "Wait for the agency's review"],
};

import { MAX_UPLOAD_BYTES } from "../shell/limits";
export { MAX_UPLOAD_BYTES };
const ACCEPTED = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

export const loadVerification = (id: string) => send(api.api.organisations[":id"].verification.$get({ param: { id } }));

export const fileHref = (id: string) => `/api/files/${encodeURIComponent(id)}`;

import { formatBytes } from "../shell/format";
export { formatBytes };

/** Uploads one file as the raw body (not multipart), reporting progress; rejects with the server's ApiError. */
function uploadFile(orgId: string, file: File, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/organisations/${encodeURIComponent(orgId)}/files?purpose=business_licence`);
    xhr.setRequestHeader("Content-Type", file.type && /^(application\/pdf|image\/(jpeg|png))$/.test(file.type) ? file.type : "application/octet-stream");
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onerror = () => reject(new ApiError(0, "network", "无法连接服务器，请检查网络后重试 / Cannot reach the server; check your connection and retry"));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      let code = "http_error";
      let message = `上传失败（HTTP ${xhr.status}） / Upload failed (HTTP ${xhr.status})`;
      try {
        const error = (JSON.parse(xhr.responseText) as { error?: { code?: string; message?: string } }).error;
        if (error?.code) code = error.code;
        if (error?.message) message = error.message;
      } catch {
        // Not JSON (a proxy's page): keep the generic message.
      }
      if (xhr.status === 413) message = `文件超过 10 MiB 上限 / The file is larger than the 10 MiB limit`;
      reject(new ApiError(xhr.status, code, message));
    };
    xhr.send(file);
  });
}

/** Where the organisation stands, what is missing, and (for its admins) upload and submit. */
export function VerificationCard({ orgId }: { orgId: string }) {
  const { t, say } = useI18n();
  const me = useMe();
  const { signedIn } = useSession();
  const reloadMe = () => send(api.api.me.$get()).then(signedIn, () => {});
  const request = useLoad(() => loadVerification(orgId), orgId);
  const manages = may(me, "POST /api/organisations/{id}/verification/submit");
  const refresh = () => {
    request.reload();
  };
  return (
    <section class="card" aria-labelledby="verification">
      <h2 id="verification">{t("机构核验", "Organisation verification")}</h2>
      <Loaded load={request}>
        {({ verification, licences }) => (
          <>
            <p>
              <span class={`badge ${verification.state}`}>{say(VERIFICATION_STATE[verification.state])}</span>
              {verification.reason && <span class="reason"> {verification.reason}</span>}
            </p>
            {verification.state === "verified" ? (
              <p class="hint">
                {t("主管部门已核验你的登记信息。", "An agency has checked your registered facts.")}
                {verification.verified_at && <> <Instant at={verification.verified_at} /></>}
              </p>
            ) : (
              <>
                <p>{t("尚需完成：", "Still needed:")}</p>
                <ol class="missing">
                  {verification.missing.map((item) => (
                    <li key={item}>{say(MISSING[item])}</li>
                  ))}
                </ol>
                {me.organisation.kind === "sme" && (
                  <p class="hint">
                    {t(
                      "核验通过前，主管部门不能批准你的算力券申请。",
                      "An agency cannot approve your voucher applications until your organisation is verified.",
                    )}
                  </p>
                )}
              </>
            )}
            <h3>{t("已上传的营业执照", "Business licences on file")}</h3>
            {licences.length === 0 ? (
              <p class="hint">{t("尚未上传。", "None uploaded yet.")}</p>
            ) : (
              <ul class="files">
                {licences.map((file) => (
                  <li key={file.id}>
                    <a href={fileHref(file.id)} download={file.original_name}>
                      {file.original_name}
                    </a>{" "}
                    <span class="hint">
                      {formatBytes(file.size_bytes)} · <Instant at={file.created_at} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {manages && verification.state !== "verified" && (
              <>
                <LicenceUpload orgId={orgId} onUploaded={refresh} />
                {verification.state !== "submitted" && (
                  <SubmitVerification
                    orgId={orgId}
                    ready={licences.length > 0}
                    onSubmitted={() => {
                      refresh();
                      reloadMe();
                    }}
                  />
                )}
              </>
            )}
            {!manages && verification.state !== "verified" && (
              <p class="hint">{t("请由本机构管理员上传营业执照并提交核验。", "Your organisation's admin uploads the licence and submits it.")}</p>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

function LicenceUpload({ orgId, onUploaded }: { orgId: string; onUploaded: () => void }) {
  const { t, say } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [failure, setFailure] = useState<string | Bilingual | null>(null);
  const [done, setDone] = useState<Bilingual | null>(null);
  const upload = async (event: Event) => {
    event.preventDefault();
    if (progress !== null) return;
    setDone(null);
    const file = input.current?.files?.[0];
    if (!file) return setFailure(["请选择文件", "Choose a file first"]);
    if (file.size > MAX_UPLOAD_BYTES) {
      return setFailure([`文件为 ${formatBytes(file.size)}，超过 10 MiB 上限`, `The file is ${formatBytes(file.size)}, over the 10 MiB limit`]);
    }
    if (file.size === 0) return setFailure(["文件是空的", "The file is empty"]);
    setFailure(null);
    setProgress(0);
    try {
      await uploadFile(orgId, file, setProgress);
      setDone([`已上传：${file.name}`, `Uploaded: ${file.name}`]);
      if (input.current) input.current.value = "";
      onUploaded();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error.message);
    } finally {
      setProgress(null);
    }
  };
  return (
    <form class="subform" noValidate onSubmit={upload}>
      <h3>{t("上传营业执照", "Upload the business licence")}</h3>
      <div class="field">
        <label for="licence-file">{t("营业执照（PDF、JPG 或 PNG，不超过 10 MiB）", "Business licence (PDF, JPG or PNG, at most 10 MiB)")}</label>
        <input id="licence-file" type="file" accept={ACCEPTED} ref={input} onChange={() => setFailure(null)} />
      </div>
      {progress !== null && (
        <p>
          <progress max={1} value={progress} aria-label={t("上传进度", "Upload progress")} /> {Math.round(progress * 100)}%
        </p>
      )}
      <div role="alert">{failure && <p class="message error">{say(failure)}</p>}</div>
      <div role="status">{done && <p class="message success">{say(done)}</p>}</div>
      <button type="submit" aria-disabled={progress !== null ? "true" : undefined}>
        {progress !== null ? t("上传中…", "Uploading…") : t("上传", "Upload")}
      </button>
    </form>
  );
}

function SubmitVerification({ orgId, ready, onSubmitted }: { orgId: string; ready: boolean; onSubmitted: () => void }) {
  const { t, say } = useI18n();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    try {
      await send(api.api.organisations[":id"].verification.submit.$post({ param: { id: orgId }, json: {} }));
      onSubmitted();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="subform">
      <h3>{t("提交核验", "Submit for verification")}</h3>
      <p class="hint">
        {ready
          ? t("提交后，主管部门会对照营业执照核对你的登记信息。", "An agency will check your registered facts against the licence.")
          : t("请先上传营业执照。", "Upload the business licence first.")}
      </p>
      <div role="alert">{failure && <p class="message error">{say(failure)}</p>}</div>
      <button type="button" class="primary" onClick={submit} aria-disabled={busy ? "true" : undefined}>
        {busy ? t("提交中…", "Sending…") : t("提交核验", "Submit for verification")}
      </button>
    </div>
  );
}
