// One programme for agency staff: its pool, its status moves (admins), budget top-ups (admins
// and finance), the rules in force and the versions they replaced.
import { useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { may } from "../shell/access";
import { useI18n, type Bilingual } from "../shell/i18n";
import { PROGRAMME_KIND, PROGRAMME_STATUS } from "../shell/labels";
import { Link, useLocation } from "../shell/router";
import { useMe } from "../shell/session";
import { Loaded, useLoad, type Load } from "../ui/load";
import { Page } from "../ui/page";
import { MoneyStats } from "../ui/money-stats";
import { DataTable } from "../ui/table";
import { Instant, Named } from "../ui/values";
import { ProgrammeGuide } from "./programme-facts";
import { ProgrammeAttachments } from "./programme-attachments";
import type { ProgrammeDetail } from "./programme-form";
import { RulesFacts } from "./programme-rules";
import { TopUpForm } from "./programme-top-up";

export const loadProgramme = (id: string) => send(api.api.programmes[":id"].$get({ param: { id } }));

export function ProgrammeDetailPage({ id }: { id: string }) {
  const { t } = useI18n();
  const programme = useLoad(() => loadProgramme(id), id);
  const title = programme.state.status === "ready" ? programme.state.data.name : t("项目", "Programme");
  return (
    <Page title={title}>
      <p>
        <Link href="/agency/programmes">{t("← 全部项目", "← All programmes")}</Link>
      </p>
      <Loaded load={programme}>{(data) => <ProgrammeView programme={data} load={programme} />}</Loaded>
    </Page>
  );
}

const SAVED: Record<string, (p: ProgrammeDetail) => Bilingual> = {
  version: (p) => [`已保存：现行规则为第 ${p.current_version} 版`, `Saved: the rules in force are now version ${p.current_version}`],
  name: () => ["已保存，规则未变", "Saved; the rules did not change"],
};

function ProgrammeView({ programme, load }: { programme: ProgrammeDetail; load: Load<ProgrammeDetail> }) {
  const { t, say } = useI18n();
  const me = useMe();
  const saved = useLocation().query.get("saved");
  const savedMessage = saved ? SAVED[saved]?.(programme) : undefined;
  return (
    <>
      <p class="summary">
        <span class={`badge ${programme.status}`}>{say(PROGRAMME_STATUS[programme.status])}</span> {say(PROGRAMME_KIND[programme.kind])} ·{" "}
        {t(`第 ${programme.current_version} 版规则`, `Rules version ${programme.current_version}`)}
      </p>
      <div role="status">{savedMessage && <p class="message success">{say(savedMessage)}</p>}</div>
      <section class="card" aria-labelledby="pool">
        <h2 id="pool">{t("预算与资金池", "Budget and pool")}</h2>
        <PoolFigures programme={programme} />
        {may(me, "POST /api/programmes/{id}/budget") && programme.status !== "closed" && <TopUpForm programme={programme} onToppedUp={load.reload} />}
      </section>
      {may(me, "PATCH /api/programmes/{id}") && <StatusActions programme={programme} onChanged={load.reload} />}
      <ProgrammeGuide programme={programme} headingId="guide" />
      <ProgrammeAttachments programmeId={programme.id} manage={may(me, "POST /api/programmes/{id}/attachments") && programme.status !== "closed"} />
      <section class="card" aria-labelledby="rules">
        <h2 id="rules">{t(`现行规则（第 ${programme.current_version} 版）`, `Rules in force (version ${programme.current_version})`)}</h2>
        <RulesFacts rules={programme.rules} validity={programme.validity} />
      </section>
      <Versions programme={programme} />
      <p class="links">
        <Link href={`/agency/applications?programme=${programme.id}`}>{t("本项目的申请", "This programme's applications")}</Link>
        <Link href={`/agency/vouchers?programme=${programme.id}`}>{t("本项目的券", "This programme's vouchers")}</Link>
      </p>
    </>
  );
}

export function PoolFigures({ programme }: { programme: ProgrammeDetail }) {
  const { t } = useI18n();
  const { pool } = programme;
  return (
    <MoneyStats
      figures={[
        { key: "budget", label: t("总预算", "Budget"), fen: pool.budget_fen },
        { key: "issued", label: t("已发放", "Issued to vouchers"), fen: pool.issued_fen },
        { key: "returned", label: t("到期或撤销退回", "Returned (expired or revoked)"), fen: pool.returned_fen },
        { key: "pool-available", label: t("可发放余额", "Available to issue"), fen: pool.available_fen },
      ]}
    />
  );
}

type Move = "open" | "close";

function StatusActions({ programme, onChanged }: { programme: ProgrammeDetail; onChanged: () => void }) {
  const { t, say } = useI18n();
  const [busy, setBusy] = useState<Move | null>(null);
  const [confirmingClose, setConfirmingClose] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string | Bilingual } | null>(null);
  const move = async (to: Move) => {
    if (busy) return;
    setBusy(to);
    setOutcome(null);
    try {
      const param = { param: { id: programme.id } };
      await send(to === "open" ? api.api.programmes[":id"].open.$post(param) : api.api.programmes[":id"].close.$post(param));
      setOutcome({ ok: true, message: to === "open" ? ["项目已开放申请", "The programme is open for applications"] : ["项目已关闭", "The programme is closed"] });
      setConfirmingClose(false);
      onChanged();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setOutcome({ ok: false, message: error.message });
    } finally {
      setBusy(null);
    }
  };
  const closed = programme.status === "closed";
  return (
    <section class="card" aria-labelledby="status-actions">
      <h2 id="status-actions">{t("项目状态", "Status")}</h2>
      <p class="hint">
        {programme.status === "draft" && t("草稿：企业看不到此项目。开放后企业可以申请。", "Draft: enterprises cannot see it. Open it to take applications.")}
        {programme.status === "open" && t("受理中：企业可以申请，审核员可以批准发券。", "Open: enterprises apply and reviewers approve vouchers.")}
        {closed && t("已关闭：不再受理申请和审批，已发放的券仍可使用，规则不能再改。", "Closed: no more applications or approvals; issued vouchers stay usable and the rules can no longer change.")}
      </p>
      <div class="buttons">
        {programme.status !== "open" && (
          <button type="button" class="primary" onClick={() => move("open")} aria-disabled={busy ? "true" : undefined}>
            {busy === "open" ? t("处理中…", "Working…") : closed ? t("重新开放申请", "Reopen for applications") : t("开放申请", "Open for applications")}
          </button>
        )}
        {!closed && !confirmingClose && (
          <button type="button" onClick={() => setConfirmingClose(true)}>
            {t("关闭项目", "Close programme")}
          </button>
        )}
        {!closed && (
          <Link href={`/agency/programmes?id=${programme.id}&edit`} class="button">
            {t("修改名称或规则", "Edit name or rules")}
          </Link>
        )}
      </div>
      {confirmingClose && (
        <div class="confirm" role="group" aria-label={t("确认关闭项目", "Confirm closing")}>
          <p>{t("关闭后企业不能再申请，已提交的申请也不能再批准。确定关闭？", "Once closed, nobody can apply and pending applications cannot be approved. Close it?")}</p>
          <div class="buttons">
            <button type="button" class="danger" onClick={() => move("close")} aria-disabled={busy ? "true" : undefined}>
              {busy === "close" ? t("处理中…", "Working…") : t("确认关闭", "Yes, close it")}
            </button>
            <button type="button" onClick={() => setConfirmingClose(false)}>
              {t("取消", "Cancel")}
            </button>
          </div>
        </div>
      )}
      <div role="status">{outcome?.ok && <p class="message success">{say(outcome.message)}</p>}</div>
      <div role="alert">{outcome && !outcome.ok && <p class="message error">{say(outcome.message)}</p>}</div>
    </section>
  );
}

function Versions({ programme }: { programme: ProgrammeDetail }) {
  const { t } = useI18n();
  return (
    <section class="card" aria-labelledby="versions">
      <h2 id="versions">{t("规则版本", "Rule versions")}</h2>
      <p class="hint">
        {t(
          "每次修改规则生成新版本；每张券和每笔预约记录其所依据的版本。",
          "Every change of rules is a new version; each voucher and booking records the version it was issued or priced on.",
        )}
      </p>
      <DataTable
        caption={t("版本记录（最新在前）", "Versions, newest first")}
        rows={programme.versions}
        rowKey={(row) => String(row.version)}
        empty={t("没有版本记录。", "No versions.")}
        columns={[
          { header: t("版本", "Version"), cell: (row) => (row.version === programme.current_version ? t(`第 ${row.version} 版（现行）`, `${row.version} (in force)`) : t(`第 ${row.version} 版`, String(row.version))) },
          { header: t("修改人", "By"), cell: (row) => <Named name={row.created_by_name} id={row.created_by} /> },
          { header: t("时间", "When"), cell: (row) => <Instant at={row.created_at} /> },
        ]}
      />
    </section>
  );
}
