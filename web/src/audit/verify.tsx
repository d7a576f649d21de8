// "Verify the log": re-checks the whole audit log (hash chain, Merkle tree, checkpoint
// signatures) and the ledger invariants on the server, and shows what it found.
import type { InferResponseType } from "hono/client";
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { useI18n } from "../shell/i18n";

type VerifyReport = InferResponseType<typeof api.api.audit.verify.$get, 200>;

export function VerifyCard() {
  const { t, say } = useI18n();
  const [state, setState] = useState<{ running: true; started: number } | { running: false; report?: VerifyReport; error?: string }>({ running: false });
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!state.running) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [state.running]);
  const run = async () => {
    if (state.running) return;
    setState({ running: true, started: Date.now() });
    try {
      setState({ running: false, report: await send(api.api.audit.verify.$get()) });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setState({ running: false, error: error.message });
    }
  };
  return (
    <section class="card" aria-labelledby="verify">
      <h2 id="verify">{t("校验日志", "Verify the log")}</h2>
      <p class="hint">
        {t("在服务器上从第 1 条事件起重新计算哈希链和默克尔树，核对每个检查点的签名，并检查账本不变式。", "Recomputes the hash chain and the Merkle tree from event 1, checks every checkpoint's signature, and checks the ledger invariants, on the server.")}
      </p>
      <div class="buttons">
        <button type="button" class="primary" onClick={run} aria-disabled={state.running ? "true" : undefined}>
          {state.running ? t("校验中…", "Verifying…") : t("开始校验", "Verify now")}
        </button>
      </div>
      <div role="status" aria-live="polite">
        {state.running && (
          <p class="verify-progress">
            <progress aria-label={t("校验进度", "Verification progress")} />
            {t(`正在逐条校验，已用 ${Math.floor((now - state.started) / 1000)} 秒…`, `Checking every event: ${Math.floor((now - state.started) / 1000)} s so far…`)}
          </p>
        )}
        {!state.running && state.report && <VerifyResult report={state.report} />}
      </div>
      <div role="alert">{!state.running && state.error && <p class="message error">{say(state.error)}</p>}</div>
    </section>
  );
}

function VerifyResult({ report }: { report: VerifyReport }) {
  const { t } = useI18n();
  const { audit, ledger } = report;
  const failedChecks = ledger.checks.filter((c) => !c.ok);
  return (
    <div id="verify-result" class={`message ${report.ok ? "success" : "error"}`}>
      {audit.ok ? (
        <p>
          <strong>{t("日志完整。", "The log is intact.")}</strong>{" "}
          {t(
            `${audit.sealed} 条事件已封存且全部核对一致；${audit.checkpoints.count} 个检查点签名有效${audit.checkpoints.latest_size === null ? "" : `（最新覆盖 ${audit.checkpoints.latest_size} 条）`}；尚未封存 ${audit.unsealed_tail.count} 条。`,
            `${audit.sealed} sealed events all check out; ${audit.checkpoints.count} checkpoint signatures are valid${audit.checkpoints.latest_size === null ? "" : ` (the latest covers ${audit.checkpoints.latest_size})`}; ${audit.unsealed_tail.count} not yet sealed.`,
          )}
        </p>
      ) : (
        <p>
          <strong>{t("日志有断点。", "The log is broken.")}</strong>{" "}
          {audit.first_break
            ? t(`首个断点在序号 ${audit.first_break.seq}：${audit.first_break.problem}`, `First break at sequence ${audit.first_break.seq}: ${audit.first_break.problem}`)
            : audit.checkpoints.first_bad
              ? t(`规模为 ${audit.checkpoints.first_bad.tree_size} 的检查点有误：${audit.checkpoints.first_bad.problem}`, `The checkpoint of size ${audit.checkpoints.first_bad.tree_size} is wrong: ${audit.checkpoints.first_bad.problem}`)
              : t("树的存储与事件不符。", "The stored tree does not match the events.")}
        </p>
      )}
      <p>
        {ledger.ok
          ? t(`账本不变式：${ledger.checks.length} 项全部成立。`, `Ledger invariants: all ${ledger.checks.length} hold.`)
          : t(`账本不变式：${failedChecks.length} 项不成立：`, `Ledger invariants: ${failedChecks.length} fail: `) + failedChecks.map((c) => `${c.name} (${c.detail})`).join("; ")}
      </p>
    </div>
  );
}
