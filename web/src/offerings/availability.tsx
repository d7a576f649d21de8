// An offering's free units per slot, compactly: hourly slots as an hour × day grid over a week,
// daily slots as weeks of days over four weeks. Open cells are buttons that choose the start.
import type { InferResponseType } from "hono/client";
import { api, send } from "../shell/api";
import { addDays, beijingDate, beijingHour, beijingInstant } from "../shell/format";
import { useI18n, type Bilingual } from "../shell/i18n";
import { Loaded, useLoad } from "../ui/load";

type Availability = InferResponseType<(typeof api.api.offerings)[":id"]["availability"]["$get"], 200>;
type Slot = Availability["slots"][number];

const WEEKDAYS: Bilingual[] = [
  ["周日", "Sun"], ["周一", "Mon"], ["周二", "Tue"], ["周三", "Wed"], ["周四", "Thu"], ["周五", "Fri"], ["周六", "Sat"],
];
const STATE: Record<Slot["state"], Bilingual> = {
  open: ["可预约", "open"],
  full: ["已满", "full"],
  closed: ["不开放", "not bookable"],
  blackout: ["维护停用", "maintenance"],
  too_soon: ["已过或太近", "past or too soon"],
};
/** Days shown at once: a week of hourly slots, four weeks of daily ones (within the API's 62). */
export const windowDays = (slot_minutes: number) => (slot_minutes === 60 ? 7 : 28);

export interface Picked {
  date: string;
  hour: number;
}

interface GridProps {
  offeringId: string;
  slot_minutes: number;
  /** First day shown, Beijing date. */
  from: string;
  /** The range the booking form holds, to mark on the grid. */
  chosen: { starts_ms: number; ends_ms: number } | null;
  onPick: (picked: Picked) => void;
  /** Changes when a booking was made, so the grid reloads. */
  version: number;
  /** PageUp / PageDown in the grid: the previous (-1) or next (+1) window of days. */
  onWeek?: (step: -1 | 1) => void;
}

export function AvailabilityGrid(props: GridProps) {
  const { offeringId, slot_minutes, from, version } = props;
  const to = addDays(from, windowDays(slot_minutes));
  const load = useLoad(
    () => send(api.api.offerings[":id"].availability.$get({ param: { id: offeringId }, query: { from: beijingInstant(from), to: beijingInstant(to) } })),
    `${offeringId}:${from}:${version}`,
  );
  return (
    <Loaded load={load}>
      {(availability) => (slot_minutes === 60 ? <HourGrid {...props} slots={availability.slots} /> : <DayGrid {...props} slots={availability.slots} />)}
    </Loaded>
  );
}

/** The day of the month and the weekday, narrow enough for seven columns on a phone; the full date for screen readers. */
function dayHeader(date: string, say: (m: Bilingual) => string) {
  const weekday = WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()] as Bilingual;
  return (
    <>
      <span aria-hidden="true">{Number(date.slice(8))}</span>
      <span class="weekday" aria-hidden="true">
        {say(weekday)}
      </span>
      <span class="visually-hidden">{date}</span>
    </>
  );
}

function Cell({ slot, label, chosen, onPick, at, tabbable }: { slot: Slot | undefined; label: string; chosen: boolean; onPick: () => void; at: string; tabbable: boolean }) {
  const { t, say } = useI18n();
  if (!slot) return <td class="slot closed" />;
  const text = slot.state === "open" ? String(slot.free_units) : slot.state === "full" ? t("满", "full") : slot.state === "blackout" ? t("修", "mnt") : "—";
  const name = `${label}${t("：", ": ")}${say(STATE[slot.state])}${slot.state === "open" ? t(`，空闲 ${slot.free_units}`, `, ${slot.free_units} free`) : ""}`;
  const classes = `slot ${slot.state}${chosen ? " chosen" : ""}`;
  if (slot.state !== "open") {
    return (
      <td class={classes} title={name}>
        <span aria-hidden="true">{text}</span>
        <span class="visually-hidden">{name}</span>
      </td>
    );
  }
  return (
    <td class={classes}>
      <button type="button" onClick={onPick} aria-label={name} aria-pressed={chosen ? "true" : "false"} data-at={at} tabIndex={tabbable ? 0 : -1}>
        {text}
      </button>
    </td>
  );
}

/**
 * The grid is one Tab stop (roving tabindex): the arrow keys move between open slots, Home / End
 * to the first / last open slot of the row, PageUp / PageDown to the previous / next window.
 * Cells carry data-at="<column>:<row>" so a move is a look-up, not a walk of the DOM.
 */
export function useGridKeys(onWeek: GridProps["onWeek"]) {
  return (event: KeyboardEvent) => {
    const from = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-at]");
    if (!from) return;
    if (event.key === "PageUp" || event.key === "PageDown") {
      event.preventDefault();
      onWeek?.(event.key === "PageUp" ? -1 : 1);
      return;
    }
    const step: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const grid = event.currentTarget as HTMLElement;
    const buttons = [...grid.querySelectorAll<HTMLButtonElement>("button[data-at]")];
    const place = (b: HTMLButtonElement) => (b.dataset.at as string).split(":").map(Number) as [number, number];
    const [col, row] = place(from);
    let target: HTMLButtonElement | undefined;
    if (event.key === "Home" || event.key === "End") {
      const inRow = buttons.filter((b) => place(b)[1] === row);
      target = event.key === "Home" ? inRow[0] : inRow.at(-1);
    } else if (step[event.key]) {
      const [dc, dr] = step[event.key] as [number, number];
      // The nearest open slot that way: along the line first, then the closest beside it.
      const ahead = buttons.filter((b) => {
        const [c, r] = place(b);
        return dc ? Math.sign(c - col) === dc : Math.sign(r - row) === dr;
      });
      const distance = (b: HTMLButtonElement) => {
        const [c, r] = place(b);
        return dc ? Math.abs(c - col) * 100 + Math.abs(r - row) : Math.abs(r - row) * 100 + Math.abs(c - col);
      };
      target = ahead.sort((a, b) => distance(a) - distance(b))[0];
    } else return;
    event.preventDefault();
    if (!target) return;
    for (const b of buttons) b.tabIndex = b === target ? 0 : -1;
    target.focus();
  };
}

/** The slot that takes the grid's Tab stop: the chosen one if shown, else the first open one. */
function tabStop(keys: { at: string; open: boolean; chosen: boolean }[]): string | undefined {
  return (keys.find((k) => k.open && k.chosen) ?? keys.find((k) => k.open))?.at;
}

const isChosen = (slot: Slot | undefined, chosen: GridProps["chosen"]) => {
  if (!slot || !chosen) return false;
  const at = Date.parse(slot.starts_at);
  return at >= chosen.starts_ms && at < chosen.ends_ms;
};

function HourGrid({ slots, from, chosen, onPick, onWeek }: GridProps & { slots: Slot[] }) {
  const onKeyDown = useGridKeys(onWeek);
  const { t, say } = useI18n();
  const days = Array.from({ length: 7 }, (_, i) => addDays(from, i));
  const byDayHour = new Map(slots.map((slot) => [`${beijingDate(Date.parse(slot.starts_at))}:${beijingHour(Date.parse(slot.starts_at))}`, slot]));
  // Hours no day of the week opens are left out: a 08–22 weekday offering shows 14 rows, not 24.
  const hours = Array.from({ length: 24 }, (_, hour) => hour).filter((hour) =>
    days.some((day) => {
      const state = byDayHour.get(`${day}:${hour}`)?.state;
      return state !== undefined && state !== "closed";
    }),
  );
  const stop = tabStop(
    hours.flatMap((hour, row) =>
      days.map((day, col) => {
        const slot = byDayHour.get(`${day}:${hour}`);
        return { at: `${col}:${row}`, open: slot?.state === "open", chosen: isChosen(slot, chosen) };
      }),
    ),
  );
  return (
    <div class="grid-wrap">
      <p class="hint keys">{t("方向键在空闲时段间移动，PageUp / PageDown 换一周。", "Arrow keys move between open slots; PageUp / PageDown change the week.")}</p>
      <table class="availability" onKeyDown={onKeyDown}>
        <caption>{t("每小时空闲数量（北京时间）", "Free units per hour (Beijing time)")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("时", "Hour")}</th>
            {days.map((day) => (
              <th scope="col" key={day}>
                {dayHeader(day, say)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {hours.map((hour, row) => (
            <tr key={hour}>
              <th scope="row">{String(hour).padStart(2, "0")}</th>
              {days.map((day, col) => {
                const slot = byDayHour.get(`${day}:${hour}`);
                const at = `${col}:${row}`;
                return <Cell key={day} slot={slot} label={`${day} ${String(hour).padStart(2, "0")}:00`} chosen={isChosen(slot, chosen)} onPick={() => onPick({ date: day, hour })} at={at} tabbable={at === stop} />;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {!hours.length && <p class="empty">{t("这一周没有可预约的时段。", "Nothing bookable this week.")}</p>}
      <Legend />
    </div>
  );
}

function DayGrid({ slots, from, chosen, onPick, onWeek }: GridProps & { slots: Slot[] }) {
  const { t, say } = useI18n();
  const onKeyDown = useGridKeys(onWeek);
  const byDay = new Map(slots.map((slot) => [beijingDate(Date.parse(slot.starts_at)), slot]));
  const weeks = Array.from({ length: 4 }, (_, w) => Array.from({ length: 7 }, (_, d) => addDays(from, w * 7 + d)));
  const stop = tabStop(
    weeks.flatMap((week, row) =>
      week.map((day, col) => {
        const slot = byDay.get(day);
        return { at: `${col}:${row}`, open: slot?.state === "open", chosen: isChosen(slot, chosen) };
      }),
    ),
  );
  return (
    <div class="grid-wrap">
      <p class="hint keys">{t("方向键在可预约的日子间移动，PageUp / PageDown 换四周。", "Arrow keys move between open days; PageUp / PageDown change the four weeks.")}</p>
      <table class="availability days" onKeyDown={onKeyDown}>
        <caption>{t("每天空闲数量（北京时间）", "Free units per day (Beijing time)")}</caption>
        <tbody>
          {weeks.map((week, row) => (
            <tr key={week[0]}>
              {week.map((day, col) => {
                const slot = byDay.get(day);
                const at = `${col}:${row}`;
                return <DayCell key={day} day={day} slot={slot} chosen={isChosen(slot, chosen)} onPick={() => onPick({ date: day, hour: 0 })} say={say} at={at} tabbable={at === stop} />;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <Legend />
    </div>
  );
}

function DayCell(props: { day: string; slot: Slot | undefined; chosen: boolean; onPick: () => void; say: (m: Bilingual) => string; at: string; tabbable: boolean }) {
  const { day, slot, chosen, onPick, say, at, tabbable } = props;
  const { t } = useI18n();
  const state = slot?.state ?? "closed";
  const free = state === "open" ? String(slot?.free_units) : state === "full" ? t("满", "full") : "—";
  const weekday = say(WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()] as Bilingual);
  // The name begins with what the cell shows ("3 周四 8", WCAG 2.5.3), then the date and its state.
  const name = `${Number(day.slice(8))} ${weekday} ${free}${t("：", ": ")}${day} ${say(STATE[state])}${state === "open" ? t(`，空闲 ${slot?.free_units}`, `, ${slot?.free_units} free`) : ""}`;
  const content = (
    <>
      <span class="day" aria-hidden="true">
        {dayHeader(day, say)}
      </span>
      <span class="free" aria-hidden="true">
        {free}
      </span>
    </>
  );
  return (
    <td class={`slot ${state}${chosen ? " chosen" : ""}`}>
      {state === "open" ? (
        <button type="button" onClick={onPick} aria-label={name} aria-pressed={chosen ? "true" : "false"} data-at={at} tabIndex={tabbable ? 0 : -1}>
          {content}
        </button>
      ) : (
        <span title={name}>
          {content}
          <span class="visually-hidden">{name}</span>
        </span>
      )}
    </td>
  );
}

function Legend() {
  const { t } = useI18n();
  const keys: [string, string, string][] = [
    ["open", "64", t("空闲数量，点击选为开始", "free units: choose as the start")],
    ["chosen", "\u00a0", t("已选时段", "your range")],
    ["full", t("满", "full"), t("已满", "full")],
    ["blackout", t("修", "mnt"), t("维护停用", "maintenance")],
    ["closed", "—", t("不开放或已过", "closed or past")],
  ];
  return (
    <p class="legend hint" aria-hidden="true">
      {keys.map(([state, mark, text]) => (
        <span key={state} class="item">
          <span class={`key ${state}`}>{mark}</span>
          {text}
        </span>
      ))}
    </p>
  );
}
