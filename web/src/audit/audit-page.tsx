// 审计日志 for agency staff, auditors and the platform admin: the events they may read, filtered
// and paged by sequence number; "verify" re-checks the whole log and the ledger on the server; the
// latest signed checkpoint and the public key, with the export, are what an outsider needs to
// check the log offline with `npm run cli -- verify-export`.
import type { InferResponseType } from "hono/client";
import { useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { may } from "../shell/access";
import { beijingMidnight } from "../shell/format";
import { useI18n } from "../shell/i18n";
import { Link, navigate, useLocation } from "../shell/router";
import { useMe } from "../shell/session";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { ExportLink } from "../ui/export-link";
import { DateRange, FilterForm, ProgrammeChoice, type FieldReader } from "../ui/filter-form";
import { Fold, startsOnPhone } from "../ui/fold";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { loadProgrammes } from "../programmes";
import { CheckpointCard } from "./checkpoint";
import { VerifyCard } from "./verify";

export const AUDIT_PATH = "/agency/audit";
const PAGE_SIZE = 50;
const PHONE_PAGE_SIZE = 10;

type AuditEvent = InferResponseType<typeof api.api.audit.events.$get, 200>["items"][number];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[a-z]{2,5}_[A-Za-z0-9]{6,40}$/;
const WORD = /^[a-z][a-z_.]{0,63}$/;

interface Filters {
  programme?: string;
  action?: string;
  subject_type?: string;
  subject?: string;
  actor?: string;
  from?: string;
  to?: string;
}

function filtersOf(q: URLSearchParams): Filters {
  const match = (key: string, pattern: RegExp) => (pattern.test(q.get(key) ?? "") ? (q.get(key) as string) : undefined);
  return { programme: match("programme", ID), action: match("action", WORD), subject_type: match("subject_type", /^[a-z][a-z_]{0,63}$/), subject: match("subject", ID), actor: match("actor", ID), from: match("from", DATE), to: match("to", DATE) };
}

function hrefOf(f: Filters, after = 0): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(f)) if (value) q.set(key, value);
  if (after) q.set("after", String(after));
  const text = q.toString();
  return text ? `${AUDIT_PATH}?${text}` : AUDIT_PATH;
}

/** The API's filters (shared by the list and both exports); dates are whole Beijing days, `to` inclusive. */
function apiFilters(f: Filters): Record<string, string> {
  return {
    ...(f.programme ? { programme_id: f.programme } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.subject_type ? { subject_type: f.subject_type } : {}),
    ...(f.subject ? { subject_id: f.subject } : {}),
    ...(f.actor ? { actor_user_id: f.actor } : {}),
    ...(f.from ? { from: new Date(beijingMidnight(f.from)).toISOString() } : {}),
    ...(f.to ? { to: new Date(beijingMidnight(f.to) + 86_400_000).toISOString() } : {}),
  };
}

export function AuditPage() {
  const { t } = useI18n();
  const me = useMe();
  const { query } = useLocation();
  const filters = filtersOf(query);
  const after = Math.max(0, Math.floor(Number(query.get("after")) || 0));
  const everything = me.organisation.kind === "platform";
  return (
    <Page
      title={t("审计日志", "Audit log")}
      lead={t("系统的每一次变更都记录为审计事件，按序号封存进默克尔树并定期签名。任何人可以用检查点和公钥离线核对。", "Every change is recorded as an audit event, sealed in sequence into a Merkle tree and signed at checkpoints; anyone can check it offline with a checkpoint and the public key.")}
    >
      {may(me, "GET /api/audit/verify") && <VerifyCard />}
      <CheckpointCard exportHref={`/api/exports/audit-events.ndjson`} everything={everything} />
      <Events filters={filters} after={after} />
    </Page>
  );
}

async function loadEvents(f: Filters, after: number, limit: number) {
  const [page, programmes] = await Promise.all([
    send(api.api.audit.events.$get({ query: { ...apiFilters(f), after_seq: String(after), limit: String(limit) } })),
    loadProgrammes().catch(() => ({ items: [] as { id: string; name: string }[] })),
  ]);
  return { ...page, programmes: programmes.items.map((p) => [p.id, p.name] as const) };
}

/** Events read so far by "show more" (keyset: each read starts after the last sequence number shown). */
interface MoreEvents {
  key: string;
  items: AuditEvent[];
  next: number | null;
  reading: boolean;
  error?: string;
}

function Events({ filters: f, after }: { filters: Filters; after: number }) {
  const { t, say } = useI18n();
  // Each event is a card of eight lines on a phone: ten at a time there, fifty on a wider screen.
  const [pageSize] = useState(() => (startsOnPhone() ? PHONE_PAGE_SIZE : PAGE_SIZE));
  const key = `${hrefOf(f)}:${after}`;
  const events = useLoad(() => loadEvents(f, after, pageSize), key);
  const [more, setMore] = useState<MoreEvents | null>(null);
  const extra = more?.key === key ? more : null;
  const showMore = async (from: number) => {
    if (extra?.reading) return;
    const base = { key, items: extra?.items ?? [], next: from };
    setMore({ ...base, reading: true });
    try {
      const page = await send(api.api.audit.events.$get({ query: { ...apiFilters(f), after_seq: String(from), limit: String(pageSize) } }));
      setMore({ key, items: [...base.items, ...page.items], next: page.next_after_seq, reading: false });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setMore({ ...base, reading: false, error: error.message });
    }
  };
  return (
    <section class="card audit-events" aria-labelledby="events">
      <h2 id="events">{t("事件", "Events")}</h2>
      <Loaded load={events}>
        {({ items: first, next_after_seq, programmes }) => {
          const items = [...first, ...(extra?.items ?? [])];
          const next = extra ? extra.next : next_after_seq;
          return (
            <>
              <EventFilters filters={f} programmes={programmes} actorName={items.find((e) => e.actor_user_id === f.actor)?.actor_user_name ?? undefined} />
              <DataTable
                caption={t("审计事件（按序号）", "Audit events by sequence number")}
                rows={items}
                rowKey={(e) => String(e.seq)}
                empty={t("没有符合条件的事件。", "No events match.")}
                columns={[
                  { header: t("序号", "Seq"), cell: (e) => e.seq, class: "num" },
                  { header: t("时间", "When"), cell: (e) => <Instant at={e.at} /> },
                  { header: t("操作", "Action"), cell: (e) => <code>{e.action}</code> },
                  {
                    header: t("操作人", "Actor"),
                    cell: (e) =>
                      e.actor_user_id ? (
                        <Link href={hrefOf({ ...f, actor: e.actor_user_id })} aria-label={t(`只看 ${e.actor_user_name ?? ""} 的事件`, `Only events by ${e.actor_user_name ?? "this person"}`)}>
                          {e.actor_user_name ?? t("（已删除）", "(removed)")}
                        </Link>
                      ) : (
                        t("系统", "System")
                      ),
                  },
                  { header: t("机构", "Organisation"), cell: (e) => e.actor_org_name ?? "—" },
                  {
                    header: t("对象", "Subject"),
                    cell: (e) => (
                      <Link href={hrefOf({ ...f, subject_type: e.subject_type, subject: e.subject_id })} aria-label={t(`只看此${e.subject_type}的事件`, `Only events about this ${e.subject_type}`)}>
                        {e.subject_type}
                      </Link>
                    ),
                  },
                  { header: t("项目", "Programme"), cell: (e) => e.programme_name ?? "—" },
                  { header: t("封存", "Sealed"), cell: (e) => (e.hash ? <code title={e.hash}>{e.hash.slice(0, 10)}…</code> : t("未封存", "Not yet")) },
                ]}
              />
              <div class="events-more" aria-live="polite">
                {items.length > 0 && (
                  <p class="hint">
                    {next === null
                      ? t(`共显示 ${items.length} 条，已到末尾。`, `${items.length} shown; that is the last.`)
                      : t(`已显示 ${items.length} 条（序号 ${items[0]!.seq}–${items[items.length - 1]!.seq}）。`, `${items.length} shown (sequence ${items[0]!.seq}–${items[items.length - 1]!.seq}).`)}
                  </p>
                )}
                {extra?.error && (
                  <p class="message error" role="alert">
                    {say(extra.error)}
                  </p>
                )}
              </div>
              <nav class="pager" aria-label={t("翻页", "Pages")}>
                {next !== null && (
                  <button type="button" onClick={() => showMore(next)} aria-disabled={extra?.reading ? "true" : undefined}>
                    {extra?.reading ? t("加载中…", "Loading…") : t(`再显示 ${pageSize} 条`, `Show ${pageSize} more`)}
                  </button>
                )}
                {after > 0 && <Link href={hrefOf(f)}>{t("← 第一页", "← First page")}</Link>}
                {next !== null && <Link href={hrefOf(f, next)}>{t("从下一条起的页面 →", "A page from the next event →")}</Link>}
              </nav>
              <div class="buttons">
                <ExportLink file="audit-events.csv" filters={apiFilters(f)} />
                <ExportLink file="audit-events.ndjson" filters={apiFilters(f)} primary={false} />
              </div>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

const SUBJECT_TYPES = ["programme", "voucher", "voucher_application", "booking", "claim", "offering", "organisation", "user", "usage_batch", "file", "webhook_endpoint", "webhook_delivery"];

/** The filters: fields in a grid (one column on a phone, folded there at first), the active ones as chips that each remove one. */
function EventFilters({ filters: f, programmes, actorName }: { filters: Filters; programmes: readonly (readonly [string, string])[]; actorName?: string }) {
  const { t } = useI18n();
  const filter = (value: FieldReader) => {
    const subjectType = value("subject_type");
    navigate(hrefOf({ ...f, programme: value("programme"), action: value("action"), subject_type: subjectType, subject: subjectType === f.subject_type ? f.subject : undefined, from: value("from"), to: value("to") }));
  };
  const active: [keyof Filters, string][] = [];
  if (f.programme) active.push(["programme", t(`项目：${programmes.find(([id]) => id === f.programme)?.[1] ?? f.programme}`, `Programme: ${programmes.find(([id]) => id === f.programme)?.[1] ?? f.programme}`)]);
  if (f.subject_type) active.push(["subject_type", t(`对象类型：${f.subject_type}`, `Subject type: ${f.subject_type}`)]);
  if (f.subject) active.push(["subject", t(`对象：${f.subject}`, `Subject: ${f.subject}`)]);
  if (f.action) active.push(["action", t(`操作：${f.action}`, `Action: ${f.action}`)]);
  if (f.actor) active.push(["actor", t(`操作人：${actorName ?? "（本页无其事件）"}`, `Actor: ${actorName ?? "(none on this page)"}`)]);
  if (f.from) active.push(["from", t(`起始：${f.from}`, `From: ${f.from}`)]);
  if (f.to) active.push(["to", t(`截止：${f.to}`, `To: ${f.to}`)]);
  return (
    <>
      <Fold
        class="audit-filter-fold"
        summary={
          <>
            {t("筛选事件", "Filter events")}
            {active.length > 0 && <span class="badge">{t(`已选 ${active.length} 项`, `${active.length} set`)}</span>}
          </>
        }
      >
        <FilterForm class="audit-filters" label={t("筛选事件", "Filter events")} clearHref={AUDIT_PATH} onFilter={filter}>
          <ProgrammeChoice value={f.programme} programmes={programmes} all={t("全部", "All")} />
          <label>
            {t("对象类型", "Subject type")}
            <select name="subject_type" value={f.subject_type ?? ""}>
              <option value="">{t("全部", "All")}</option>
              {SUBJECT_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("操作（如 voucher.issued）", "Action (e.g. voucher.issued)")}
            <input name="action" value={f.action ?? ""} maxLength={64} pattern="[a-z][a-z_.]*" spellcheck={false} autocapitalize="off" />
          </label>
          <div class="date-pair">
            <DateRange from={f.from} to={f.to} labels={[t("起始日期", "From"), t("截止日期（含）", "To (inclusive)")]} />
          </div>
        </FilterForm>
      </Fold>
      {active.length > 0 && (
        <ul class="active-filters" aria-label={t("已用的筛选条件", "Filters in use")}>
          {active.map(([key, label]) => (
            <li key={key}>
              <span>{label}</span>
              <Link href={hrefOf({ ...f, [key]: undefined, ...(key === "subject_type" ? { subject: undefined } : {}) })} aria-label={t(`取消筛选：${label}`, `Remove the filter ${label}`)}>
                ×
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
