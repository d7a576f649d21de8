// The provider's view of an offering's slots: booked against capacity per hour (a week at a time)
// or per day (four weeks), with maintenance windows and closed hours marked.
import type { InferResponseType } from "hono/client";
import { api, send } from "../shell/api";
import { addDays, beijingDate, beijingHour, beijingInstant } from "../shell/format";
import { useI18n, type Bilingual } from "../shell/i18n";
import { Loaded, useLoad } from "../ui/load";

type Slot = InferResponseType<(typeof api.api.offerings)[":id"]["availability"]["$get"], 200>["slots"][number];

const STATE: Record<Slot["state"], Bilingual> = {
  open: ["可预约", "open"],
  full: ["已满", "full"],
  closed: ["不开放", "closed"],
  blackout: ["维护", "maintenance"],
  too_soon: ["已过", "past"],
};

const WEEKDAYS: Bilingual[] = [["周日", "Sun"], ["周一", "Mon"], ["周二", "Tue"], ["周三", "Wed"], ["周四", "Thu"], ["周五", "Fri"], ["周六", "Sat"]];

export const daysShown = (slot_minutes: number) => (slot_minutes === 60 ? 7 : 28);

export function ProviderAvailability({ offeringId, slot_minutes, from, version }: { offeringId: string; slot_minutes: number; from: string; version: number }) {
  const to = addDays(from, daysShown(slot_minutes));
  const load = useLoad(
    () => send(api.api.offerings[":id"].availability.$get({ param: { id: offeringId }, query: { from: beijingInstant(from), to: beijingInstant(to) } })),
    `${offeringId}:${from}:${version}`,
  );
  return <Loaded load={load}>{({ slots }) => (slot_minutes === 60 ? <Hours slots={slots} from={from} /> : <Days slots={slots} from={from} />)}</Loaded>;
}

function dayLabel(date: string, say: (m: Bilingual) => string) {
  return `${date.slice(5).replace("-", "/")} ${say(WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()] as Bilingual)}`;
}

/** A column's heading: the date over the weekday, so seven fit a phone's width. */
function DayHeading({ date, say }: { date: string; say: (m: Bilingual) => string }) {
  return (
    <>
      <span>{date.slice(5).replace("-", "/")}</span>
      <span>{say(WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()] as Bilingual)}</span>
    </>
  );
}

function SlotCell({ slot, label, day }: { slot: Slot | undefined; label: string; day?: string }) {
  const { t, say } = useI18n();
  if (!slot) return <td class="slot closed" />;
  // Only booked slots carry a figure, so the bookings stand out from the empty hours.
  const shown = slot.state === "blackout" ? t("修", "mnt") : slot.booked_units > 0 ? `${slot.booked_units}/${slot.capacity_units}` : "";
  const words = `${label}：${say(STATE[slot.state])}${slot.state === "closed" ? "" : t(`，已订 ${slot.booked_units}/${slot.capacity_units}`, `, ${slot.booked_units} of ${slot.capacity_units} booked`)}`;
  const busy = slot.booked_units > 0 ? " booked" : "";
  return (
    <td class={`slot ${slot.state}${busy}`} title={words}>
      {day && (
        <span class="day" aria-hidden="true">
          {day}
        </span>
      )}
      <span aria-hidden="true">{shown}</span>
      <span class="visually-hidden">{words}</span>
    </td>
  );
}

function Hours({ slots, from }: { slots: Slot[]; from: string }) {
  const { t, say } = useI18n();
  const days = Array.from({ length: 7 }, (_, i) => addDays(from, i));
  const at = new Map(slots.map((s) => [`${beijingDate(Date.parse(s.starts_at))}:${beijingHour(Date.parse(s.starts_at))}`, s]));
  const hours = Array.from({ length: 24 }, (_, h) => h).filter((h) => days.some((d) => (at.get(`${d}:${h}`)?.state ?? "closed") !== "closed"));
  return (
    <div class="grid-wrap">
      <table class="availability provider">
        <caption>{t("每小时已订/容量（北京时间）", "Booked of capacity per hour (Beijing time)")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("时", "Hour")}</th>
            {days.map((d) => (
              <th scope="col" key={d}>
                <DayHeading date={d} say={say} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {hours.map((h) => (
            <tr key={h}>
              <th scope="row">{String(h).padStart(2, "0")}</th>
              {days.map((d) => (
                <SlotCell key={d} slot={at.get(`${d}:${h}`)} label={`${d} ${String(h).padStart(2, "0")}:00`} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {!hours.length && <p class="empty">{t("这一周没有开放时段。", "No open hours this week.")}</p>}
      <Legend />
    </div>
  );
}

function Days({ slots, from }: { slots: Slot[]; from: string }) {
  const { t, say } = useI18n();
  const at = new Map(slots.map((s) => [beijingDate(Date.parse(s.starts_at)), s]));
  const weeks = Array.from({ length: 4 }, (_, w) => Array.from({ length: 7 }, (_, d) => addDays(from, w * 7 + d)));
  return (
    <div class="grid-wrap">
      <table class="availability provider days">
        <caption>{t("每天已订/容量（北京时间）", "Booked of capacity per day (Beijing time)")}</caption>
        <tbody>
          {weeks.map((week) => (
            <tr key={week[0]}>
              {week.map((d) => (
                <SlotCell key={d} slot={at.get(d)} label={dayLabel(d, say)} day={dayLabel(d, say)} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <Legend />
    </div>
  );
}

function Legend() {
  const { t } = useI18n();
  return (
    <p class="legend hint">
      <span class="key free">&nbsp;</span> {t("空闲", "free")} <span class="key booked">3/8</span> {t("已订/容量", "booked/capacity")} <span class="key full">8/8</span> {t("已满", "full")}{" "}
      <span class="key blackout">{t("修", "mnt")}</span> {t("维护停用", "maintenance")} <span class="key past">&nbsp;</span> {t("已过或不开放", "past or closed")}
    </p>
  );
}
