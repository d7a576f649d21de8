// 预约明细 for agency staff and auditors: bookings across the agency's programmes, filtered by
// programme, status, start date, provider and enterprise (click a name to filter by it), with
// names rather than ids and the same filters on the CSV download. One booking opens read-only:
// who, what, when, the money quoted and delivered, the voucher it drew on.
import type { ComponentChildren } from "preact";
import type { InferResponseType } from "hono/client";
import { api, send } from "../shell/api";
import { beijingMidnight } from "../shell/format";
import { useI18n, type Bilingual } from "../shell/i18n";
import { BOOKING_STATUS } from "../shell/labels";
import { Link, navigate, useLocation } from "../shell/router";
import { Money, TimeRange } from "../ui/amounts";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { ExportLink } from "../ui/export-link";
import { DateRange, FilterForm, ProgrammeChoice } from "../ui/filter-form";
import { DataTable } from "../ui/table";
import { Facts } from "../ui/facts";
import { DataText, Instant } from "../ui/values";
import { loadProgrammes } from "../programmes";
import { BookingStatusBadge } from "./booking-detail";
import { QuotedVsDelivered } from "./delivery";

export const AGENCY_BOOKINGS_PATH = "/agency/bookings";
const PAGE_SIZE = 50;

type NamedBooking = InferResponseType<typeof api.api.bookings.$get, 200>["items"][number];
type Status = NamedBooking["status"];
const STATUSES = Object.keys(BOOKING_STATUS) as Status[];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[a-z]{2,5}_[A-Za-z0-9]{6,40}$/;

interface Filters {
  programme?: string;
  status?: Status;
  from?: string;
  to?: string;
  provider?: string;
  sme?: string;
}

/** The filters in the address, each checked; anything malformed is ignored rather than sent. */
function filtersOf(query: URLSearchParams): Filters {
  const id = (key: string) => (ID.test(query.get(key) ?? "") ? (query.get(key) as string) : undefined);
  const date = (key: string) => (DATE.test(query.get(key) ?? "") ? (query.get(key) as string) : undefined);
  return { programme: id("programme"), status: STATUSES.find((s) => s === query.get("status")), from: date("from"), to: date("to"), provider: id("provider"), sme: id("sme") };
}

function hrefOf(f: Filters, offset = 0): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(f)) if (value) q.set(key, value);
  if (offset) q.set("offset", String(offset));
  const text = q.toString();
  return text ? `${AGENCY_BOOKINGS_PATH}?${text}` : AGENCY_BOOKINGS_PATH;
}

/** The API's query for the filters: dates are whole Beijing days, `to` inclusive. */
function apiQuery(f: Filters) {
  return {
    ...(f.programme ? { programme_id: f.programme } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.provider ? { provider_org_id: f.provider } : {}),
    ...(f.sme ? { sme_org_id: f.sme } : {}),
    ...(f.from ? { from: new Date(beijingMidnight(f.from)).toISOString() } : {}),
    ...(f.to ? { to: new Date(beijingMidnight(f.to) + 86_400_000).toISOString() } : {}),
  };
}

export function AgencyBookingsPage() {
  const { query } = useLocation();
  const id = query.get("id");
  return id ? <AgencyBookingDetail id={id} /> : <AgencyBookingList filters={filtersOf(query)} offset={Math.max(0, Math.floor(Number(query.get("offset")) || 0))} />;
}

async function loadList(f: Filters, offset: number) {
  const [page, programmes] = await Promise.all([
    send(api.api.bookings.$get({ query: { ...apiQuery(f), limit: String(PAGE_SIZE), offset: String(offset) } })),
    loadProgrammes(),
  ]);
  return { ...page, programmes: programmes.items.map((p) => [p.id, p.name] as const) };
}

function AgencyBookingList({ filters: f, offset }: { filters: Filters; offset: number }) {
  const { t } = useI18n();
  const list = useLoad(() => loadList(f, offset), `${hrefOf(f)}:${offset}`);
  return (
    <Page title={t("预约明细", "Bookings")} lead={t("本机构各项目下的全部预约。点服务商或企业名称可只看它的预约。", "Every booking under your programmes. Click a provider or an enterprise to see only theirs.")}>
      <Loaded load={list}>
        {({ items, has_more, programmes }) => {
          const providerName = f.provider ? items.find((b) => b.provider_org_id === f.provider)?.provider_name : undefined;
          const smeName = f.sme ? items.find((b) => b.sme_org_id === f.sme)?.sme_name : undefined;
          return (
            <>
              <BookingFilters filters={f} programmes={programmes} />
              {(f.provider || f.sme) && (
                <p class="summary">
                  {f.provider && (
                    <>
                      {t("服务商：", "Provider: ")}
                      {providerName ?? t("（本页无其预约）", "(no bookings on this page)")} <Link href={hrefOf({ ...f, provider: undefined })}>{t("取消此筛选", "Remove this filter")}</Link>{" "}
                    </>
                  )}
                  {f.sme && (
                    <>
                      {t("企业：", "Enterprise: ")}
                      {smeName ?? t("（本页无其预约）", "(no bookings on this page)")} <Link href={hrefOf({ ...f, sme: undefined })}>{t("取消此筛选", "Remove this filter")}</Link>
                    </>
                  )}
                </p>
              )}
              <DataTable
                caption={t("预约（最新在前）", "Bookings, newest first")}
                rows={items}
                rowKey={(b) => b.id}
                empty={t("没有符合条件的预约。", "No bookings match.")}
                columns={[
                  { header: t("资源", "Offering"), cell: (b) => <Link href={`${AGENCY_BOOKINGS_PATH}?id=${b.id}`}>{b.quote.offering_name}</Link> },
                  { header: t("企业", "Enterprise"), cell: (b) => <Link href={hrefOf({ ...f, sme: b.sme_org_id })} aria-label={t(`只看 ${b.sme_name} 的预约`, `Only ${b.sme_name}'s bookings`)}>{b.sme_name}</Link> },
                  { header: t("服务商", "Provider"), cell: (b) => <Link href={hrefOf({ ...f, provider: b.provider_org_id })} aria-label={t(`只看 ${b.provider_name} 的预约`, `Only ${b.provider_name}'s bookings`)}>{b.provider_name}</Link> },
                  { header: t("项目", "Programme"), cell: (b) => b.programme_name ?? t("未用券", "No voucher") },
                  { header: t("时间（北京时间）", "When (Beijing time)"), cell: (b) => <TimeRange from={b.starts_at} to={b.ends_at} /> },
                  { header: t("状态", "Status"), cell: (b) => <BookingStatusBadge status={b.status} /> },
                  { header: t("总价", "Gross"), class: "num", cell: (b) => <Money fen={b.delivered_gross_fen ?? b.gross_fen} /> },
                  { header: t("补贴", "Subsidy"), class: "num", cell: (b) => <Money fen={b.delivered_subsidy_fen ?? b.subsidy_fen} /> },
                  { header: t("自付", "Co-pay"), class: "num", cell: (b) => <Money fen={b.delivered_copay_fen ?? b.copay_fen} /> },
                ]}
              />
              <div class="buttons">
                <ExportLink file="bookings.csv" filters={apiQuery(f)} />
              </div>
              <nav class="pager" aria-label={t("翻页", "Pages")}>
                {offset > 0 && <Link href={hrefOf(f, Math.max(0, offset - PAGE_SIZE))}>{t("← 上一页", "← Previous")}</Link>}
                {has_more && <Link href={hrefOf(f, offset + PAGE_SIZE)}>{t("下一页 →", "Next →")}</Link>}
              </nav>
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}

function BookingFilters({ filters: f, programmes }: { filters: Filters; programmes: readonly (readonly [string, string])[] }) {
  const { t, say } = useI18n();
  const statusChoices: [string, Bilingual][] = [["", ["全部状态", "Any status"]], ...STATUSES.map((s) => [s, BOOKING_STATUS[s]] as [string, Bilingual])];
  return (
    <FilterForm
      card
      label={t("筛选预约", "Filter bookings")}
      clearHref={AGENCY_BOOKINGS_PATH}
      onFilter={(value) => navigate(hrefOf({ ...f, programme: value("programme"), status: STATUSES.find((s) => s === value("status")), from: value("from"), to: value("to") }))}
    >
      <ProgrammeChoice value={f.programme} programmes={programmes} all={t("全部项目", "All programmes")} />
      <label>
        {t("状态", "Status")}
        <select name="status" value={f.status ?? ""}>
          {statusChoices.map(([value, label]) => (
            <option key={value} value={value}>
              {say(label)}
            </option>
          ))}
        </select>
      </label>
      <DateRange from={f.from} to={f.to} labels={[t("开始日期（起）", "Starting from"), t("开始日期（止，含）", "Starting up to (inclusive)")]} />
    </FilterForm>
  );
}

const loadBooking = (id: string) => send(api.api.bookings[":id"].$get({ param: { id } }));

function AgencyBookingDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const booking = useLoad(() => loadBooking(id), id);
  return (
    <Page title={t("预约详情", "Booking")}>
      <p>
        <Link href={AGENCY_BOOKINGS_PATH}>{t("← 预约明细", "← Bookings")}</Link>
      </p>
      <Loaded load={booking}>
        {(b) => (
          <section class="card" aria-labelledby="booking-facts">
            <h2 id="booking-facts">
              <DataText>{b.quote.offering_name}</DataText> <BookingStatusBadge status={b.status} />
            </h2>
            <Facts
              rows={[
                [t("企业", "Enterprise"), b.sme_name],
                [t("服务商", "Provider"), b.provider_name],
                [t("项目", "Programme"), b.programme_id ? <Link href={`/agency/dashboard?id=${b.programme_id}`}>{b.programme_name ?? t("（未命名）", "(unnamed)")}</Link> : t("未用券", "No voucher")],
                [t("时间（北京时间）", "When (Beijing time)"), <TimeRange from={b.starts_at} to={b.ends_at} />],
                [t("提交于", "Requested at"), <Instant at={b.created_at} />],
                ...(b.voucher_id ? [[t("使用的券", "Voucher"), <Link href={`/agency/vouchers?id=${b.voucher_id}`}>{t("查看券及其转账", "The voucher and its transfers")}</Link>] as [string, ComponentChildren]] : []),
                ...(b.status_reason ? [[t("原因", "Reason"), b.status_reason] as [string, ComponentChildren]] : []),
              ]}
            />
            <QuotedVsDelivered booking={b} />
          </section>
        )}
      </Loaded>
    </Page>
  );
}
