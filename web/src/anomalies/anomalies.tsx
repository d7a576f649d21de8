// 异常标记 for agency staff and auditors: patterns the sweep found in their programmes (related
// parties on both sides, shared contacts, usage beyond what was booked or exists, redemptions
// bunched before expiry, one provider serving one SME, a reused invoice, cancel-and-rebook),
// each with the rows that raised it. Reviewers (and admins) mark a flag reviewed with a note, once.
import type { InferResponseType } from "hono/client";
import { useState } from "preact/hooks";
import { api, send } from "../shell/api";
import { may } from "../shell/access";
import { useI18n } from "../shell/i18n";
import { Link, useLocation } from "../shell/router";
import { useMe } from "../shell/session";
import { TextArea } from "../ui/fields";
import { DangerSubmit, FormStatus, useForm } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { DataText, Instant } from "../ui/values";
import { FilterPills } from "../ui/filter-pills";
import { ROW_KIND, ROW_ROLE, RULE_NAME, SEVERITY_NAME, STATUS_NAME } from "./anomaly-words";
import { EvidenceRecord, type RecordKind } from "./evidence-record";

export const ANOMALIES_PATH = "/agency/anomalies";
const PAGE_SIZE = 50;
const NOTE_MAX = 1000;

type AnomalyPage = InferResponseType<typeof api.api.anomalies.$get, 200>;
type Anomaly = AnomalyPage["items"][number];
type EvidenceRow = Anomaly["evidence"]["rows"][number];

const FILTERS = [
  ["false", ["待复核", "To review"]],
  ["true", ["已复核", "Reviewed"]],
] as const;
const FILTER_VALUES: readonly string[] = ["all", ...FILTERS.map(([value]) => value)];

function loadPage(reviewed: string, cursor: string | null) {
  const query: Record<string, string> = { limit: String(PAGE_SIZE) };
  if (reviewed !== "all") query.reviewed = reviewed;
  if (cursor) query.cursor = cursor;
  return send(api.api.anomalies.$get({ query }));
}

export function AnomaliesPage() {
  const { t } = useI18n();
  const here = useLocation();
  const asked = here.query.get("reviewed");
  const reviewed = asked !== null && FILTER_VALUES.includes(asked) ? (asked as (typeof FILTERS)[number][0] | "all") : "false";
  const cursor = here.query.get("cursor");
  const open = here.query.get("open");
  const record = parseRecord(here.query.get("record"));
  const page = useLoad(() => loadPage(reviewed, cursor), `${reviewed}:${cursor ?? ""}`);
  return (
    <Page
      title={t("异常标记", "Anomaly flags")}
      lead={t(
        "系统定期检查本机构各计划中的预约、用量、券和兑付申请，发现可疑模式时在此列出，并附上引发标记的记录。标记不会阻止任何操作，需要人工复核。",
        "The platform regularly checks the bookings, usage, vouchers and claims of your programmes and lists suspicious patterns here with the records that raised them. A flag never blocks anything; a person reviews it.",
      )}
    >
      {record && <EvidenceRecord kind={record.kind} id={record.id} />}
      <FilterPills choices={FILTERS} current={reviewed} href={(value) => `${ANOMALIES_PATH}?reviewed=${value}`} />
      <Loaded load={page}>
        {(data) => (
          <>
            <DataTable
              caption={t("异常标记（最新在前）", "Anomaly flags, newest first")}
              columns={[
                { header: t("严重程度", "Severity"), cell: (f) => <span class={`badge severity-${f.severity}`}>{t(...SEVERITY_NAME[f.severity])}</span> },
                { header: t("规则", "Rule"), cell: (f) => t(...RULE_NAME[f.rule]) },
                {
                  header: t("说明", "What was found"),
                  cell: (f) => (
                    <Link href={hrefWith(here.query, { open: open === f.id ? null : f.id, record: null })} aria-expanded={open === f.id ? "true" : "false"}>
                      <DataText>{t(f.evidence.summary_zh, f.evidence.summary_en)}</DataText>
                    </Link>
                  ),
                },
                { header: t("计划", "Programme"), cell: (f) => <DataText>{f.programme.name}</DataText> },
                { header: t("发现时间", "Found"), cell: (f) => <Instant at={f.created_at} /> },
                { header: t("状态", "Status"), cell: (f) => t(...STATUS_NAME[f.status]) },
              ]}
              rows={data.items}
              rowKey={(f) => f.id}
              empty={reviewed === "false" ? t("没有待复核的异常标记。", "No flags to review.") : t("没有异常标记。", "No flags.")}
              below={(f) => (open === f.id ? <FlagDetail flag={f} onReviewed={page.reload} /> : null)}
            />
            <p>
              {cursor && <Link href={hrefWith(here.query, { cursor: null, open: null, record: null })}>{t("回到第一页", "First page")}</Link>}{" "}
              {data.next_cursor && <Link href={hrefWith(here.query, { cursor: data.next_cursor, open: null, record: null })}>{t("下一页", "Next page")}</Link>}
            </p>
          </>
        )}
      </Loaded>
    </Page>
  );
}

function parseRecord(value: string | null): { kind: RecordKind; id: string } | null {
  const match = value?.match(/^(booking|claim|organisation):([a-z]+_[a-z2-7]+)$/);
  return match ? { kind: match[1] as RecordKind, id: match[2] as string } : null;
}

function hrefWith(query: URLSearchParams, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(query);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) next.delete(key);
    else next.set(key, value);
  }
  const search = next.toString();
  return search ? `${ANOMALIES_PATH}?${search}` : ANOMALIES_PATH;
}

function FlagDetail({ flag, onReviewed }: { flag: Anomaly; onReviewed: () => void }) {
  const { t } = useI18n();
  const me = useMe();
  return (
    <div class="flag-detail">
      <h3>{t("证据", "Evidence")}</h3>
      <ul>
        {flag.evidence.rows.map((row, i) => (
          <li key={`${row.kind}:${row.id}:${i}`}>
            <EvidenceLink row={row} />
          </li>
        ))}
      </ul>
      {flag.status === "reviewed" ? (
        <p class="message info">
          {t("复核人：", "Reviewed by ")}
          {flag.reviewed_by?.display_name} · {flag.reviewed_at && <Instant at={flag.reviewed_at} />}
          <br />
          <DataText>{flag.review_note}</DataText>
        </p>
      ) : may(me, "POST /api/anomalies/{id}/review") ? (
        <ReviewForm flag={flag} onReviewed={onReviewed} />
      ) : (
        <p class="hint">{t("只有审核员或管理员可以复核。", "Only reviewers and administrators review flags.")}</p>
      )}
    </div>
  );
}

function EvidenceLink({ row }: { row: EvidenceRow }) {
  const { t } = useI18n();
  const here = useLocation();
  const kind = t(...(ROW_KIND[row.kind] ?? [row.kind, row.kind]));
  const role = row.role && ROW_ROLE[row.role] ? ` · ${t(...ROW_ROLE[row.role]!)}` : "";
  const label = <DataText>{row.label}</DataText>;
  let link = null;
  if (row.id && row.kind === "voucher") link = <Link href={`/agency/vouchers?id=${encodeURIComponent(row.id)}`}>{label}</Link>;
  else if (row.id && (row.kind === "booking" || row.kind === "claim" || row.kind === "organisation")) {
    link = <Link href={hrefWith(here.query, { record: `${row.kind}:${row.id}` })}>{label}</Link>;
  }
  return (
    <>
      {kind}
      {role}：{link ?? label}
    </>
  );
}

function ReviewForm({ flag, onReviewed }: { flag: Anomaly; onReviewed: () => void }) {
  const { t } = useI18n();
  const [done, setDone] = useState(false);
  const form = useForm({
    initial: { note: "" },
    specs: { note: { required: true, maxLength: NOTE_MAX } },
    confirmFirst: true,
    submit: async (values) => {
      await send(api.api.anomalies[":id"].review.$post({ param: { id: flag.id }, json: { note: values.note.trim() } }));
      setDone(true);
      onReviewed();
      return ["已标记为已复核", "Marked reviewed"];
    },
  });
  if (done) return null;
  return (
    <form class="form" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t("复核此标记", "Review this flag")}>
      <TextArea form={form} name="note" label={t("复核说明", "Review note")} hint={t(`最多 ${NOTE_MAX} 字；记入审计日志`, `At most ${NOTE_MAX} characters; written to the audit log`)} />
      <FormStatus form={form} />
      <DangerSubmit
        form={form}
        busyLabel={t("提交中…", "Sending…")}
        confirmLabel={t("确认已复核", "Yes, mark reviewed")}
        consequences={<p>{t("复核只能进行一次，提交后不能修改说明。", "A flag is reviewed once; the note cannot be changed afterwards.")}</p>}
      >
        {t("标记为已复核…", "Mark reviewed…")}
      </DangerSubmit>
    </form>
  );
}
