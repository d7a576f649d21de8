// A booking's metered usage beside what was booked, in total and per Beijing day, as the API
// keeps them apart (GET /api/bookings/{id}/usage). Quantities are thousandths of the unit.
import type { InferResponseType } from "hono/client";
import { MILLI } from "../../../src/domain/usage";
import { api, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { DataTable } from "../ui/table";

export type BookingUsage = InferResponseType<(typeof api.api.bookings)[":id"]["usage"]["$get"], 200>;

export const loadBookingUsage = (id: string) => send(api.api.bookings[":id"].usage.$get({ param: { id } }));

/** 1500 → "1.5"; exact, no floating point. */
export function formatMilli(milli: number): string {
  const sign = milli < 0 ? "-" : "";
  const whole = Math.floor(Math.abs(milli) / MILLI);
  const rest = String(Math.abs(milli) % MILLI).padStart(3, "0").replace(/0+$/, "");
  return `${sign}${whole}${rest ? `.${rest}` : ""}`;
}

export function UsageByDay({ usage, unitName }: { usage: BookingUsage; unitName: string }) {
  const { t } = useI18n();
  return (
    <>
      <p>
        {t(`计量用量 ${formatMilli(usage.metered_milli)} ${unitName}，预约 ${formatMilli(usage.booked_milli)} ${unitName}（${usage.events} 条用量记录）`, `Metered ${formatMilli(usage.metered_milli)} ${unitName} of ${formatMilli(usage.booked_milli)} ${unitName} booked (${usage.events} usage events)`)}
      </p>
      <DataTable
        caption={t("每日用量（北京时间）", "Usage by day (Beijing time)")}
        rows={usage.days}
        rowKey={(day) => day.on}
        empty={t("尚无用量记录。", "No usage reported yet.")}
        columns={[
          { header: t("日期", "Day"), cell: (day) => day.on },
          { header: t("预约", "Booked"), cell: (day) => formatMilli(day.booked_milli), class: "num" },
          { header: t("计量", "Metered"), cell: (day) => formatMilli(day.metered_milli), class: "num" },
          { header: t("记录数", "Events"), cell: (day) => day.events, class: "num" },
        ]}
      />
    </>
  );
}
