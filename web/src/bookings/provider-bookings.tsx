// 预约处理 for providers: bookings of their offerings by status, each with its money (gross,
// voucher subsidy held, the enterprise's co-pay) and the next move: confirm or reject a request,
// mark a confirmed booking in use, deliver it (settled on its metered usage), and name its Slurm account.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, send } from "../shell/api";
import { formatInstant } from "../shell/format";
import { useI18n } from "../shell/i18n";
import { BOOKING_STATUS, optionsOf } from "../shell/labels";
import { Link, useLocation } from "../shell/router";
import { Money } from "../ui/amounts";
import type { Message } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { FilterPills } from "../ui/filter-pills";
import { BookingMoves, DeliverForm, RejectForm, SlurmAccountForm, type DeskBooking, type DeskForm } from "./desk-moves";
import { quantityName } from "../offerings";
import { BookingHistory } from "./booking-changes";

type Status = DeskBooking["status"];
const STATUSES = Object.keys(BOOKING_STATUS) as Status[];
export const DESK_PATH = "/provider/bookings";

export function BookingDeskPage() {
  const { t, say } = useI18n();
  const { query } = useLocation();
  const status = query.get("status") === "all" ? undefined : (STATUSES.find((s) => s === query.get("status")) ?? "requested");
  const offeringId = query.get("offering");
  // ?id= (a notification's link): that one booking, whatever its status.
  const bookingId = query.get("id");
  const bookings = useLoad(
    () =>
      bookingId
        ? send(api.api.bookings[":id"].$get({ param: { id: bookingId } })).then((booking) => ({ items: [booking], has_more: false }))
        : send(api.api.bookings.$get({ query: { ...(status ? { status } : {}), ...(offeringId ? { offering_id: offeringId } : {}), limit: "100" } })),
    bookingId ? `id:${bookingId}` : `${status ?? "all"}:${offeringId ?? ""}`,
  );
  const [outcome, setOutcome] = useState<Message | null>(null);
  const [open, setOpen] = useState<{ id: string; form: DeskForm } | null>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);
  const moved = (message: Message) => {
    setOutcome(message);
    setOpen(null);
    bookings.reload();
  };
  // The button pressed leaves the row (the booking moved on): the keyboard goes to what happened.
  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);
  return (
    <Page title={t("预约处理", "Booking desk")} lead={t("确认或拒绝预约申请，开始服务后标记使用中，完成后按实际交付结算补贴。", "Confirm or reject requests, mark bookings in use when service starts, and deliver them for what was actually delivered.")}>
      <StatusFilter current={bookingId ? null : (status ?? "all")} offeringId={offeringId} />
      {bookingId && (
        <p>
          <Link href={DESK_PATH}>{t("← 返回全部待确认预约", "← Back to all requests")}</Link>
        </p>
      )}
      <div role="status" class="outcome" tabIndex={-1} ref={outcomeRef}>
        {outcome && <p class="message success">{say(outcome)}</p>}
      </div>
      <Loaded load={bookings}>
        {({ items, has_more }) => (
          <>
            <DataTable
              caption={bookingId ? t(`预约 ${bookingId}`, `Booking ${bookingId}`) : status ? say(BOOKING_STATUS[status]) : t("全部预约", "All bookings")}
              rows={items}
              rowKey={(row) => row.id}
              empty={t("没有符合条件的预约。", "No bookings with this status.")}
              columns={[
                { header: t("预约", "Booking"), cell: (row) => <BookingWhat booking={row} /> },
                { header: t("时间（北京）", "When (Beijing)"), cell: (row) => <When booking={row} /> },
                { header: t("金额", "Amounts"), cell: (row) => <Amounts booking={row} />, class: "num" },
                { header: t("状态", "Status"), cell: (row) => <StatusCell booking={row} /> },
                {
                  header: t("操作", "Actions"),
                  class: "actions",
                  cell: (row) => <BookingMoves booking={row} open={open?.id === row.id ? open.form : null} onOpen={(form) => setOpen(form && { id: row.id, form })} onMoved={moved} />,
                },
              ]}
              below={(row) =>
                open?.id === row.id &&
                (open.form === "reject" ? (
                  <RejectForm booking={row} onCancel={() => setOpen(null)} onMoved={moved} />
                ) : open.form === "slurm" ? (
                  <SlurmAccountForm booking={row} onCancel={() => setOpen(null)} onMoved={moved} />
                ) : (
                  <DeliverForm booking={row} onCancel={() => setOpen(null)} onMoved={moved} />
                ))
              }
            />
            {has_more && <p class="hint">{t("只显示最新的100个预约。", "Showing the newest 100 bookings.")}</p>}
            {/* One booking (?id=): its status history, as the enterprise sees it on its booking page. */}
            {bookingId && items[0] && <BookingHistory booking={items[0]} />}
          </>
        )}
      </Loaded>
    </Page>
  );
}

function StatusFilter({ current, offeringId }: { current: Status | "all" | null; offeringId: string | null }) {
  const offering = offeringId ? `&offering=${offeringId}` : "";
  return <FilterPills choices={optionsOf(BOOKING_STATUS)} current={current} href={(value) => `${DESK_PATH}?status=${value}${offering}`} />;
}

function BookingWhat({ booking }: { booking: DeskBooking }) {
  const { t, say } = useI18n();
  return (
    <span>
      <strong>{booking.quote.offering_name}</strong>
      <span class="reason">
        {booking.quantity} {say(quantityName(booking.quote.unit))} ·{" "}
        <Link href={`${DESK_PATH}?id=${booking.id}`} aria-label={t(`预约 ${booking.id} 的详情与状态记录`, `Booking ${booking.id}: details and status history`)}>
          <code>{booking.id}</code>
        </Link>
      </span>
      <span class="reason">
        {t("企业：", "Enterprise: ")}
        {booking.sme_name}
      </span>
    </span>
  );
}

/** "2026-11-23 09:00–17:00" within a day; both dates when it spans days. */
function When({ booking }: { booking: DeskBooking }) {
  const starts = formatInstant(booking.starts_at);
  const ends = formatInstant(booking.ends_at);
  const sameDay = starts.slice(0, 10) === ends.slice(0, 10);
  return (
    <span class="when">
      <time dateTime={booking.starts_at}>{starts}</time>–<time dateTime={booking.ends_at}>{sameDay ? ends.slice(11) : ends}</time>
    </span>
  );
}

/** Gross, the voucher's part and the co-pay; once delivered, the subsidy actually settled. */
export function Amounts({ booking }: { booking: DeskBooking }) {
  const { t } = useI18n();
  return (
    <dl class="amounts">
      <div>
        <dt>{t("总价", "Gross")}</dt>
        <dd>
          <Money fen={booking.gross_fen} />
        </dd>
      </div>
      <div>
        <dt>{booking.status === "delivered" || booking.status === "settled" ? t("补贴（冻结）", "Subsidy (held)") : t("补贴", "Subsidy")}</dt>
        <dd>
          <Money fen={booking.subsidy_fen} />
        </dd>
      </div>
      {booking.delivered_subsidy_fen !== null && (
        <div>
          <dt>{t("补贴（结算）", "Subsidy (settled)")}</dt>
          <dd>
            <Money fen={booking.delivered_subsidy_fen} />
          </dd>
        </div>
      )}
      <div>
        <dt>{t("企业自付", "Co-pay")}</dt>
        <dd>
          <Money fen={booking.copay_fen} />
        </dd>
      </div>
    </dl>
  );
}

function StatusCell({ booking }: { booking: DeskBooking }) {
  const { t, say } = useI18n();
  return (
    <span>
      <span class={`badge ${booking.status}`}>{say(BOOKING_STATUS[booking.status])}</span>
      {booking.status === "requested" && booking.confirm_by_at && (
        <span class="reason">
          {t("请在 ", "Confirm by ")}
          <Instant at={booking.confirm_by_at} />
          {t(" 前确认", "")}
        </span>
      )}
      {booking.status_reason && <span class="reason">{booking.status_reason}</span>}
    </span>
  );
}
