// A provider's change that collides with bookings (less capacity, a maintenance window, opening
// hours that no longer cover them) is refused with the bookings in the way. This lists them and
// offers the forced version, which cancels exactly those bookings, voids their voucher holds and
// tells the enterprises why.
import { ApiError } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { BOOKING_STATUS } from "../shell/labels";
import { LIMITS } from "../shell/limits";
import { CheckboxField, TextArea } from "../ui/fields";
import type { Form, Values } from "../ui/form";
import { Money } from "../ui/amounts";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";

export interface BookingInTheWay {
  id: string;
  sme_org_id: string;
  sme_name: string;
  status: keyof typeof BOOKING_STATUS;
  quantity: number;
  starts_at: string;
  ends_at: string;
  subsidy_fen: number;
}

const COLLISIONS = new Set(["capacity_below_bookings", "blackout_over_bookings", "retire_over_bookings", "hours_exclude_bookings", "bookings_in_progress"]);

/** The bookings a collision refusal names, or null when the refusal is about something else. */
export function bookingsInTheWay(error: unknown): BookingInTheWay[] | null {
  if (!(error instanceof ApiError) || !COLLISIONS.has(error.code)) return null;
  const bookings = (error.details as { bookings?: unknown } | undefined)?.bookings;
  return Array.isArray(bookings) ? (bookings as BookingInTheWay[]) : [];
}

/**
 * The refusal in words for the person who made the change (the API's own message speaks of
 * "force" and calls every booking confirmed); other errors pass unchanged.
 */
export function collisionRefusal(error: unknown, bookings: readonly BookingInTheWay[]): unknown {
  if (!(error instanceof ApiError)) return error;
  const n = bookings.length;
  const message =
    error.code === "bookings_in_progress"
      ? `冲突的预约中有已开始使用的，不能取消，未作修改 / Some bookings in the way have already started and cannot be cancelled; nothing was changed`
      : `有 ${n} 个预约与此变更冲突，未作修改：见下表 / ${n} ${n === 1 ? "booking is" : "bookings are"} in the way, so nothing was changed: see below`;
  return new ApiError(error.status, error.code, message, [], error.details);
}

/** Force and notice, for a form that may send the forced version of its change. */
export const FORCE_SPECS = { force: LIMITS.blackout.force, notice: LIMITS.blackout.notice };
export const forceFields = (values: Values) => (values.force === "true" ? { force: true, ...(values.notice?.trim() ? { notice: values.notice.trim() } : {}) } : {});

export function InTheWay({ bookings, form, started }: { bookings: readonly BookingInTheWay[]; form: Form<Values>; started: boolean }) {
  const { t, say } = useI18n();
  return (
    <div class="in-the-way" role="region" aria-label={t("冲突的预约", "Bookings in the way")}>
      <DataTable
        caption={t(`与此变更冲突的预约（${bookings.length}）`, `Bookings in the way (${bookings.length})`)}
        rows={bookings}
        rowKey={(row) => row.id}
        empty={t("没有列出冲突的预约。", "No bookings were listed.")}
        columns={[
          { header: t("预约号", "Booking"), cell: (row) => <code>{row.id}</code> },
          { header: t("企业", "Enterprise"), cell: (row) => row.sme_name },
          { header: t("时间", "When"), cell: (row) => <><Instant at={row.starts_at} /> — <Instant at={row.ends_at} /></> },
          { header: t("数量", "Quantity"), cell: (row) => row.quantity, class: "num" },
          { header: t("状态", "Status"), cell: (row) => <span class={`badge ${row.status}`}>{say(BOOKING_STATUS[row.status])}</span> },
          { header: t("冻结补贴", "Subsidy held"), cell: (row) => <Money fen={row.subsidy_fen} />, class: "num" },
        ]}
      />
      {started ? (
        <p class="message error">{t("其中有已开始使用的预约，不能取消：请缩短或改期此变更。", "Some of them have already started and cannot be cancelled: change a shorter or later period.")}</p>
      ) : (
        <div class="force">
          <p class="message warning">
            {t(
              "强制执行将取消以上全部预约：占用的容量释放，企业的券冻结作废（补贴退回券内），企业会看到下面的说明。此操作不能撤回。",
              "Forcing cancels every booking above: their capacity is released, the enterprises' voucher holds are voided (the subsidy returns to the voucher) and they read the notice below. This cannot be undone.",
            )}
          </p>
          <CheckboxField form={form} name="force" label={t("我确认取消以上预约并强制执行", "I confirm: cancel these bookings and force the change")} />
          {form.values.force === "true" && (
            <TextArea form={form} name="notice" label={t("给企业的说明", "Notice to the enterprises")} hint={t("留空则使用默认说明", "Blank for the standard notice")} rows={2} />
          )}
        </div>
      )}
    </div>
  );
}
