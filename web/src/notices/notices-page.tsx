// The public notice (公示) of approved claims, open to anyone without signing in: programme,
// enterprise, provider, the bookings' period, the subsidy and the notice dates; paged, searchable
// by name and downloadable as CSV. Anyone may object to a claim during its notice (the API limits
// objections per address). The latest signed audit checkpoint is shown, and each notice links to
// the inclusion proof of the audit event that put the claim on notice.
import { useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { LIMITS, QUERY_LIMITS } from "../shell/limits";
import { Link, navigate, useLocation } from "../shell/router";
import { Money } from "../ui/amounts";
import { Facts } from "../ui/facts";
import { TextArea, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { DataText, Instant } from "../ui/values";

const PAGE_SIZE = 20;

const loadNotices = (q: string, offset: number) =>
  send(api.api.notices.$get({ query: { ...(q ? { q } : {}), limit: String(PAGE_SIZE), offset: String(offset) } }));

type NoticePage = Awaited<ReturnType<typeof loadNotices>>;
type Notice = NoticePage["items"][number];

/** The latest checkpoint, or null while the log has none yet (404). */
async function loadCheckpoint() {
  try {
    return await send(api.api.audit.checkpoints.$get());
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

const noticesHref = (q: string, offset = 0) => {
  const query = new URLSearchParams();
  if (q) query.set("q", q);
  if (offset) query.set("offset", String(offset));
  const text = query.toString();
  return text ? `/notices?${text}` : "/notices";
};

export function NoticesPage() {
  const { t } = useI18n();
  const here = useLocation();
  const q = (here.query.get("q") ?? "").slice(0, 60);
  const offset = Math.max(0, Math.floor(Number(here.query.get("offset")) || 0));
  const notices = useLoad(() => loadNotices(q, offset), `${q}:${offset}`);
  const [objecting, setObjecting] = useState<string | null>(null);
  const csv = `/api/exports/notices.csv${q ? `?q=${encodeURIComponent(q)}` : ""}`;
  return (
    <Page
      title={t("兑付公示", "Public notice of claims")}
      lead={t(
        "以下兑付申请已通过初审和复核，公示期内任何人都可以提出异议；有未处理的异议时不予支付。",
        "These claims passed both reviews. Anyone may object during the notice period; a claim with an open objection is not paid.",
      )}
    >
      <Checkpoint />
      <Search q={q} />
      <p>
        <a href={csv} download="notices.csv">
          {t("下载CSV（当前搜索结果）", "Download CSV (this search)")}
        </a>
      </p>
      <Loaded load={notices}>
        {({ items, total }) => (
          <>
            <DataTable
              caption={q ? t(`“${q}”的公示（共${total}条）`, `Notices matching “${q}” (${total})`) : t(`公示中的兑付（共${total}条）`, `Claims on notice (${total})`)}
              rows={items}
              rowKey={(row) => row.claim_id}
              empty={q ? t("没有符合搜索条件的公示。", "No notice matches this search.") : t("目前没有公示。", "Nothing is on notice now.")}
              columns={[
                { header: t("项目", "Programme"), cell: (row) => <DataText>{row.programme}</DataText> },
                { header: t("企业", "Enterprise"), cell: (row) => <DataText>{row.enterprise}</DataText> },
                { header: t("服务商", "Provider"), cell: (row) => <DataText>{row.provider}</DataText> },
                { header: t("服务期间", "Bookings' period"), cell: (row) => (row.period_start_on === row.period_end_on ? row.period_start_on : `${row.period_start_on} – ${row.period_end_on}`) },
                { header: t("补贴金额", "Subsidy"), class: "num", cell: (row) => <Money fen={row.subsidy_fen} /> },
                { header: t("公示期", "Notice period"), cell: (row) => <NoticeDates notice={row} /> },
                {
                  header: t("操作", "Actions"),
                  class: "actions",
                  cell: (row) => <Actions notice={row} objecting={objecting === row.claim_id} onObject={() => setObjecting(objecting === row.claim_id ? null : row.claim_id)} />,
                },
              ]}
              below={(row) => objecting === row.claim_id && <ObjectionForm notice={row} onClose={() => setObjecting(null)} />}
            />
            <Pager q={q} offset={offset} total={total} shown={items.length} />
          </>
        )}
      </Loaded>
      <p>
        <Link href="/signin">{t("登录平台", "Sign in to the platform")}</Link>
      </p>
    </Page>
  );
}

function NoticeDates({ notice }: { notice: Notice }) {
  const { t } = useI18n();
  return (
    <span>
      {notice.notice_starts_on ?? "—"} – {notice.notice_ends_on ?? "—"}
      <span class={`badge ${notice.status === "paid" ? "approved" : "pending"}`}>{notice.status === "paid" ? t("已支付", "Paid") : t("公示中", "On notice")}</span>
    </span>
  );
}

/** Whether the notice still runs today (Beijing time): objections are taken until its last day ends. */
function stillOnNotice(notice: Notice): boolean {
  if (notice.status !== "on_notice" || !notice.notice_ends_on) return false;
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  return today <= notice.notice_ends_on;
}

function Actions({ notice, objecting, onObject }: { notice: Notice; objecting: boolean; onObject: () => void }) {
  const { t } = useI18n();
  return (
    <span class="row-actions">
      {stillOnNotice(notice) && (
        <button type="button" aria-expanded={objecting ? "true" : "false"} onClick={onObject}>
          {t("提出异议", "Object")}
        </button>
      )}{" "}
      {notice.audit_seq !== null && (
        <a href={`/api/audit/proofs/inclusion?seq=${notice.audit_seq}`} aria-label={t(`审计记录第${notice.audit_seq}条的包含证明`, `Inclusion proof of audit event ${notice.audit_seq}`)}>
          {t("审计证明", "Audit proof")}
        </a>
      )}
    </span>
  );
}

function ObjectionForm({ notice, onClose }: { notice: Notice; onClose: () => void }) {
  const { t } = useI18n();
  const [sent, setSent] = useState(false);
  const form = useForm({
    initial: { name: "", contact: "", reason: "" },
    specs: LIMITS.objection,
    submit: async (values) => {
      try {
        await send(api.api.notices[":claim_id"].objections.$post({ param: { claim_id: notice.claim_id }, json: { name: values.name.trim(), contact: values.contact.trim(), reason: values.reason.trim() } }));
      } catch (error) {
        if (error instanceof ApiError && error.status === 429) {
          throw new ApiError(429, error.code, "提交过于频繁：同一网络地址每小时最多提交5条异议，请稍后再试 / Too many objections from your network address (at most 5 an hour); please try again later");
        }
        throw error;
      }
      setSent(true);
      return ["异议已提交，主管部门将核查处理；处理完毕前该笔兑付不会支付。", "Objection received. The agency will look into it; the claim is not paid until it is resolved."];
    },
  });
  return (
    <form ref={form.ref} onSubmit={form.onSubmit} class="inline-form" aria-label={t(`对${notice.enterprise}的兑付提出异议`, `Object to the claim of ${notice.enterprise}`)} noValidate>
      <p class="hint">
        {t("您的姓名和联系方式只提供给主管部门，不会公开。", "Your name and contact are shown to the agency only, never published.")}
      </p>
      {!sent && (
        <>
          <TextField form={form} name="name" label={t("姓名", "Name")} autoComplete="name" />
          <TextField form={form} name="contact" label={t("联系方式（电话或邮箱）", "Contact (phone or email)")} autoComplete="email" />
          <TextArea form={form} name="reason" label={t("异议理由", "Reason")} rows={4} />
        </>
      )}
      <FormStatus form={form} />
      <div class="actions">
        {!sent && <SubmitButton form={form}>{t("提交异议", "Submit objection")}</SubmitButton>}
        <button type="button" onClick={onClose}>
          {sent ? t("关闭", "Close") : t("取消", "Cancel")}
        </button>
      </div>
    </form>
  );
}

function Search({ q }: { q: string }) {
  const { t } = useI18n();
  const form = useForm({
    initial: { q },
    specs: { q: { ...QUERY_LIMITS.noticeSearch.q, patternMessage: ["只能包含名称中的文字、数字和标点", "Letters, digits and name punctuation only"] } },
    submit: async (values) => navigate(noticesHref(values.q.trim())),
  });
  return (
    <form ref={form.ref} onSubmit={form.onSubmit} role="search" class="filter-form" noValidate>
      <TextField form={form} name="q" label={t("按项目、企业或服务商名称搜索", "Search by programme, enterprise or provider name")} />
      <FormStatus form={form} />
      <SubmitButton form={form}>{t("搜索", "Search")}</SubmitButton>
    </form>
  );
}

function Pager({ q, offset, total, shown }: { q: string; offset: number; total: number; shown: number }) {
  const { t } = useI18n();
  if (total <= PAGE_SIZE && offset === 0) return null;
  return (
    <nav class="pager" aria-label={t("翻页", "Pages")}>
      {offset > 0 && <Link href={noticesHref(q, Math.max(0, offset - PAGE_SIZE))}>{t("上一页", "Previous")}</Link>}
      <span>
        {shown ? `${offset + 1}–${offset + shown}` : "0"} / {total}
      </span>
      {offset + PAGE_SIZE < total && <Link href={noticesHref(q, offset + PAGE_SIZE)}>{t("下一页", "Next")}</Link>}
    </nav>
  );
}

/** The latest signed checkpoint of the audit log: anyone can check a notice against it. */
function Checkpoint() {
  const { t } = useI18n();
  const checkpoint = useLoad(loadCheckpoint, "checkpoint");
  return (
    <section aria-labelledby="checkpoint-heading" class="panel">
      <h2 id="checkpoint-heading">{t("审计日志检查点", "Audit log checkpoint")}</h2>
      <Loaded load={checkpoint}>
        {(c) =>
          c ? (
            <Facts
              rows={[
                [t("事件数（树大小）", "Events (tree size)"), String(c.tree_size)],
                [t("根哈希", "Root hash"), <code class="hash">{c.root_hash}</code>],
                [t("签署时间", "Signed at"), <Instant at={c.created_at} />],
              ]}
            />
          ) : (
            <p>{t("审计日志尚未发布检查点。", "The audit log has not published a checkpoint yet.")}</p>
          )
        }
      </Loaded>
      <p class="hint">
        {t("每条公示的“审计证明”可与此检查点核对（RFC 6962 包含证明）。", "Each notice's “Audit proof” can be checked against this checkpoint (an RFC 6962 inclusion proof).")}{" "}
        <a href="/api/audit/checkpoints">{t("检查点原文", "Checkpoint as published")}</a>
      </p>
    </section>
  );
}
