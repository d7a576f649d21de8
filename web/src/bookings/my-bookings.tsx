// 我的预约: this enterprise's bookings, newest first, filtered by status; one booking with its
// status timeline, money (gross, subsidy, co-pay), voucher, the quote it was made on, and
// cancellation within the offering's rule.
import { api, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { BOOKING_STATUS } from "../shell/labels";
import { Link, useLocation } from "../shell/router";
import { Money, TimeRange } from "../ui/amounts";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { FilterPills } from "../ui/filter-pills";
import { BOOKINGS_PATH, BookingDetail, BookingStatusBadge, type Booking } from "./booking-detail";
import { quantityName } from "../offerings";

const PAGE_SIZE = 20;

type Status = Booking["status"];
const STATUSES = Object.keys(BOOKING_STATUS) as Status[];

export function MyBookingsPage() {
  const id = useLocation().query.get("id");
  return id ? <BookingDetail id={id} /> : <BookingList />;
}

function BookingList() {
  const { t, say } = useI18n();
  const query = useLocation().query;
  const status = STATUSES.find((s) => s === query.get("status"));
  const offset = Math.max(0, Math.floor(Number(query.get("offset")) || 0));
  const bookings = useLoad(
    () => send(api.api.bookings.$get({ query: { ...(status ? { status } : {}), limit: String(PAGE_SIZE), offset: String(offset) } })),
    `${status ?? "all"}:${offset}`,
  );
  const href = (s: Status | "all", at = 0) => `${BOOKINGS_PATH}?status=${s}${at ? `&offset=${at}` : ""}`;
  return (
    <Page title={t("我的预约", "My bookings")}>
      <FilterPills choices={STATUSES.map((s) => [s, BOOKING_STATUS[s]] as const)} current={status ?? "all"} href={(value) => href(value)} />
      <Loaded load={bookings}>
        {({ items, has_more }) => (
          <>
            <DataTable
              caption={t("预约（最新在前）", "Bookings, newest first")}
              rows={items}
              rowKey={(row) => row.id}
              empty={t("没有预约。", "No bookings.")}
              columns={[
                { header: t("资源", "Offering"), cell: (row) => <Link href={`${BOOKINGS_PATH}?id=${row.id}`}>{row.quote.offering_name}</Link> },
                {
                  header: t("时间（北京时间）", "When (Beijing time)"),
                  cell: (row) => <TimeRange from={row.starts_at} to={row.ends_at} />,
                },
                { header: t("数量", "Quantity"), class: "num", cell: (row) => `${row.quantity} ${say(quantityName(row.quote.unit))}` },
                { header: t("状态", "Status"), cell: (row) => <BookingStatusBadge status={row.status} /> },
                { header: t("总价", "Total"), class: "num", cell: (row) => <Money fen={row.gross_fen} /> },
                { header: t("补贴", "Subsidy"), class: "num", cell: (row) => <Money fen={row.subsidy_fen} /> },
                { header: t("自付", "Co-pay"), class: "num", cell: (row) => <strong><Money fen={row.copay_fen} /></strong> },
              ]}
            />
            <nav class="pager" aria-label={t("翻页", "Pages")}>
              {offset > 0 && <Link href={href(status ?? "all", Math.max(0, offset - PAGE_SIZE))}>{t("← 上一页", "← Previous")}</Link>}
              {has_more && <Link href={href(status ?? "all", offset + PAGE_SIZE)}>{t("下一页 →", "Next →")}</Link>}
            </nav>
          </>
        )}
      </Loaded>
    </Page>
  );
}
