// The latest signed checkpoint and the public key, downloadable as the files the offline verifier
// reads, beside the export and the command that checks them (docs/audit-log.md).
import { api, ApiError, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { Facts } from "../ui/facts";
import { Fold } from "../ui/fold";
import { Loaded, useLoad } from "../ui/load";
import { Instant } from "../ui/values";

async function loadCheckpoint() {
  const maybe = <T,>(request: Promise<T>) => request.catch((error: unknown) => (error instanceof ApiError && (error.status === 404 || error.status === 503) ? null : Promise.reject(error)));
  const [checkpoint, key] = await Promise.all([maybe(send(api.api.audit.checkpoints.$get())), maybe(send(api.api.audit["public-key"].$get()))]);
  return { checkpoint, key };
}

function downloadText(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export const VERIFY_COMMAND = "npm run cli -- verify-export audit-events.ndjson --checkpoint checkpoint.txt --public-key public-key.txt";

export function CheckpointCard({ exportHref, everything }: { exportHref: string; everything: boolean }) {
  const { t } = useI18n();
  const loaded = useLoad(loadCheckpoint, "checkpoint");
  return (
    <section class="card" aria-labelledby="checkpoint">
      <h2 id="checkpoint">{t("最新检查点与离线核对", "Latest checkpoint and offline checking")}</h2>
      <Loaded load={loaded}>
        {({ checkpoint, key }) => (
          <>
            {checkpoint ? (
              <>
                <Facts
                  rows={[
                    [t("覆盖事件数", "Events covered"), <span id="checkpoint-size">{checkpoint.tree_size}</span>],
                    [t("签名时间", "Signed at"), <Instant at={checkpoint.created_at} />],
                    [t("根哈希", "Root hash"), <code class="hash">{checkpoint.root_hash}</code>],
                    [t("公钥", "Public key"), key ? <code class="hash">{key.verifier_key}</code> : t("未配置签名密钥", "No signing key is configured")],
                  ]}
                />
                <details>
                  <summary>{t("签名文本（C2SP 检查点）", "The signed note (C2SP checkpoint)")}</summary>
                  <pre class="note">{checkpoint.checkpoint}</pre>
                </details>
              </>
            ) : (
              <p class="empty">{t("还没有签名的检查点。", "No checkpoint has been signed yet.")}</p>
            )}
            <div class="buttons">
              <a class="button" href={exportHref} download="audit-events.ndjson">
                {t("下载事件导出（NDJSON）", "Download the event export (NDJSON)")}
              </a>
              {checkpoint && (
                <button type="button" onClick={() => downloadText("checkpoint.txt", checkpoint.checkpoint)}>
                  {t("下载检查点", "Download the checkpoint")}
                </button>
              )}
              {key && (
                <button type="button" onClick={() => downloadText("public-key.txt", `${key.verifier_key}\n`)}>
                  {t("下载公钥", "Download the public key")}
                </button>
              )}
            </div>
            {/* Folded at first on a phone: the figures and downloads above are what most people came for. */}
            <Fold class="howto-fold" summary={t("如何离线核对", "How to check it offline")}>
              <ol class="howto">
                <li>{t("下载上面的三个文件，放在同一目录。", "Download the three files above into one folder.")}</li>
                <li>
                  {t("在本系统的源代码目录中运行（不需要数据库，也不联网）：", "In a copy of this system's source, run (no database, no network):")}
                  <pre class="command">
                    <code>{VERIFY_COMMAND}</code>
                  </pre>
                </li>
                <li>
                  {t(
                    "通过时最后一行是 “export verifies”；否则命令以状态 1 退出，并给出第一个有问题的序号。保存检查点：以后用 --older 传入，可证明新的日志是它的延续。",
                    "On success the last line reads “export verifies”; otherwise it exits with status 1 and names the first bad sequence number. Keep the checkpoint: pass it later with --older to prove the newer log extends it.",
                  )}
                </li>
              </ol>
              {!everything && (
                <p class="message info">
                  {t(
                    "您下载的导出只含本机构可见的事件，每条附有包含证明，末行有签名清单：同一命令可离线证明每条事件都在已签名的日志中、文件未被删改；但不能证明没有遗漏本机构可见的事件，这需要平台管理员的完整导出。",
                    "Your export holds only the events your agency may see, each with its inclusion proof, and ends with a signed manifest: the same command proves offline that each event is in the signed log and the file was not trimmed or edited, but not that no event in your scope was left out; that needs the platform administrator's full export.",
                  )}
                </p>
              )}
            </Fold>
          </>
        )}
      </Loaded>
    </section>
  );
}
