// 资源排期 for providers: every own offering × day over one or two weeks, like a host calendar.
// Each cell names what the day holds (free units at the tightest hour, maintenance, full) and is
// a button; the grid is one Tab stop (arrow keys between cells, PageUp / PageDown change the
// period). Choosing a cell lists that day's bookings by the enterprise's name and the maintenance
// windows below the grid. On a phone the grid scrolls sideways in a labelled, focusable region.
import type { InferResponseType } from "hono/client";
import { useState } from "preact/hooks";
import { api, send } from "../shell/api";
import { addDays, beijingDate, beijingMidnight } from "../shell/format";
import { useI18n, type Bilingual } from "../shell/i18n";
import { BOOKING_STATUS, OFFERING_STATUS } from "../shell/labels";
import { Link } from "../shell/router";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { useGridKeys } from "./availability";
import { OFFERINGS_PATH } from "./offering-form";

type Timeline = InferResponseType<(typeof api.api)["provider-timeline"]["$get"], 200>;
type Row = Timeline["offerings"][number];
type Cell = Row["days"][number];

export const TIMELINE_PATH = "/provider/timeline";

const WEEKDAYS: Bilingual[] = [
  ["周日", "Sun"], ["周一", "Mon"], ["周二", "Tue"], ["周三", "Wed"], ["周四", "Thu"], ["周五", "Fri"], ["周六", "Sat"],
];
const STATE: Record<Cell["state"], Bilingual> = {
  free: ["空闲", "free"],
  busy: ["有预约", "booked"],
  full: ["有时段已满", "full at times"],
  blackout: ["维护停用", "maintenance"],
  closed: ["不开放", "not open"],
};

/** The Monday of the week containing `date` (Beijing). */
function mondayOf(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((weekday + 6) % 7));
}

const overlapsDay = (item: { starts_at: string; ends_at: string }, date: string) => {
  const from = beijingMidnight(date);
  return Date.parse(item.starts_at) < from + 86_400_000 && Date.parse(item.ends_at) > from;
};

export function ProviderTimelinePage() {
  const { t } = useI18n();
  const [from, setFrom] = useState(() => mondayOf(beijingDate(Date.now())));
  const [days, setDays] = useState<7 | 14>(7);
  const [picked, setPicked] = useState<{ offering: string; date: string } | null>(null);
  const load = useLoad(() => send(api.api["provider-timeline"].$get({ query: { from, days: String(days) } })), `${from}:${days}`);
  const move = (step: -1 | 1) => {
    setFrom(addDays(from, step * days));
    setPicked(null);
  };
  return (
    <Page
      title={t("资源排期", "Timeline")}
      lead={t("各资源每天的预约、维护和空闲容量（北京时间）。", "Each offering's bookings, maintenance and free capacity by day (Beijing time).")}
    >
      <div class="timeline-controls">
        <nav class="pager" aria-label={t("翻页", "Pages")}>
          <button type="button" onClick={() => move(-1)}>
            {t("← 前一段", "← Earlier")}
          </button>
          <button type="button" onClick={() => setFrom(mondayOf(beijingDate(Date.now())))}>
            {t("本周", "This week")}
          </button>
          <button type="button" onClick={() => move(1)}>
            {t("后一段 →", "Later →")}
          </button>
        </nav>
        <fieldset class="choices inline">
          <legend>{t("显示", "Show")}</legend>
          {([7, 14] as const).map((n) => (
            <label key={n}>
              <input type="radio" name="timeline-days" checked={days === n} onChange={() => setDays(n)} />
              {n === 7 ? t("一周", "One week") : t("两周", "Two weeks")}
            </label>
          ))}
        </fieldset>
      </div>
      <Loaded load={load}>
        {(timeline) => (
          <>
            <TimelineGrid timeline={timeline} picked={picked} onPick={setPicked} onWeek={move} />
            {picked && <DayDetail timeline={timeline} picked={picked} />}
            {timeline.has_more && <p class="hint">{t("只显示前 50 个资源。", "Only the first 50 offerings are shown.")}</p>}
            {timeline.truncated && <p class="message warning">{t("预约太多，未全部列出；请只看一周。", "Too many bookings to list them all; show one week.")}</p>}
          </>
        )}
      </Loaded>
    </Page>
  );
}

function TimelineGrid(props: { timeline: Timeline; picked: { offering: string; date: string } | null; onPick: (p: { offering: string; date: string }) => void; onWeek: (step: -1 | 1) => void }) {
  const { timeline, picked, onPick, onWeek } = props;
  const { t, say } = useI18n();
  const onKeyDown = useGridKeys(onWeek);
  if (timeline.offerings.length === 0) {
    return (
      <p class="empty">
        {t("还没有资源。", "No offerings yet.")} <Link href={`${OFFERINGS_PATH}?new`}>{t("发布或保存草稿", "Publish one or save a draft")}</Link>
      </p>
    );
  }
  const bookingsOf = (offering: string, date: string) => timeline.bookings.filter((b) => b.offering_id === offering && overlapsDay(b, date));
  const stopAt = picked ? `${timeline.dates.indexOf(picked.date)}:${timeline.offerings.findIndex((o) => o.id === picked.offering)}` : "0:0";
  // The key and the keyboard hint sit above the scrolling grid, not in it: on a phone the grid is
  // wider than the screen, and a caption in the table was as wide as the table (read only by
  // scrolling sideways) while the key scrolled away with the cells it explains. The caption stays
  // for screen readers (the page's lead says the same on screen).
  return (
    <>
      <div class="timeline-key">
        <ul class="legend timeline-legend hint" aria-hidden="true">
          <li class="item"><span class="key open">5/8</span><span>{t("最紧时段空闲/容量", "free at the tightest hour / capacity")}</span></li>
          <li class="item"><span class="key busy">3/8</span><span>{t("有预约（显示企业名称）", "booked (by the enterprise's name)")}</span></li>
          <li class="item"><span class="key full">0/8</span><span>{t("有时段已满", "full at times")}</span></li>
          <li class="item"><span class="key blackout">{t("维护", "Maint.")}</span><span>{t("维护停用", "maintenance")}</span></li>
          <li class="item"><span class="key open has-blackout">6/8</span><span>{t("部分时段维护", "maintenance at times")}</span></li>
          <li class="item"><span class="key closed">—</span><span>{t("不开放", "not open")}</span></li>
        </ul>
        <p class="hint keys" id="timeline-keys">{t("方向键在格子间移动，回车查看当天明细，PageUp / PageDown 换一段。", "Arrow keys move between cells, Enter shows the day, PageUp / PageDown change the period.")}</p>
      </div>
      <div class="grid-wrap timeline-wrap" role="region" aria-label={t("资源排期表（可横向滚动）", "Timeline grid (scrolls sideways)")} aria-describedby="timeline-keys" tabIndex={0}>
        <table class="availability timeline" onKeyDown={onKeyDown}>
          <caption class="visually-hidden">{t("每个资源每天的预约与空闲（空闲为当天最紧时段的空闲数量）", "Each offering by day (free = units free at the day's tightest hour)")}</caption>
          <thead>
            <tr>
              <th scope="col" class="offering">{t("资源", "Offering")}</th>
              {timeline.dates.map((date) => (
                <th scope="col" key={date}>
                  <span aria-hidden="true">{date.slice(5)}</span>
                  <span class="weekday" aria-hidden="true">{say(WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()] as Bilingual)}</span>
                  <span class="visually-hidden">{date}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {timeline.offerings.map((offering, row) => (
              <tr key={offering.id}>
                <th scope="row" class="offering">
                  <Link href={`${OFFERINGS_PATH}?id=${offering.id}`}>{offering.name}</Link>
                  {offering.status !== "active" && <span class={`badge ${offering.status}`}>{say(OFFERING_STATUS[offering.status])}</span>}
                </th>
                {offering.days.map((cell, col) => {
                  const at = `${col}:${row}`;
                  const names = [...new Set(bookingsOf(offering.id, cell.date).map((b) => b.sme_name))];
                  const chosen = picked?.offering === offering.id && picked.date === cell.date;
                  const free = cell.free_units_min === null ? "—" : `${cell.free_units_min}/${cell.capacity_units}`;
                  const mark = cell.state === "blackout" ? t("维护", "Maint.") : free;
                  const who = names.length ? (names.length > 2 ? `${names.slice(0, 2).join("、")} +${names.length - 2}` : names.join("、")) : "";
                  const label = `${mark}${who ? ` ${who}` : ""}${t("：", ": ")}${offering.name} ${cell.date} ${say(STATE[cell.state])}${cell.blackout_slots && cell.state !== "blackout" ? t("，部分时段维护", ", maintenance at times") : ""}${names.length ? t(`，预约：${names.join("、")}`, `, booked by ${names.join(", ")}`) : ""}`;
                  return (
                    <td key={cell.date} class={`slot ${cell.state}${chosen ? " chosen" : ""}${cell.blackout_slots ? " has-blackout" : ""}`}>
                      <button type="button" data-at={at} tabIndex={at === stopAt ? 0 : -1} aria-pressed={chosen ? "true" : "false"} aria-label={label} onClick={() => onPick({ offering: offering.id, date: cell.date })}>
                        <span class="free">{mark}</span>
                        {who && <span class="who">{who}</span>}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function DayDetail({ timeline, picked }: { timeline: Timeline; picked: { offering: string; date: string } }) {
  const { t, say } = useI18n();
  const offering = timeline.offerings.find((o) => o.id === picked.offering);
  if (!offering) return null;
  const bookings = timeline.bookings.filter((b) => b.offering_id === offering.id && overlapsDay(b, picked.date));
  const windows = timeline.blackouts.filter((b) => b.offering_id === offering.id && overlapsDay(b, picked.date));
  return (
    <section class="card" aria-labelledby="timeline-day" aria-live="polite">
      <h2 id="timeline-day">
        {offering.name} · {picked.date}
      </h2>
      <DataTable
        caption={t("当天的预约", "Bookings that day")}
        rows={bookings}
        rowKey={(row) => row.id}
        empty={t("当天没有预约。", "No bookings that day.")}
        columns={[
          { header: t("企业", "Enterprise"), cell: (row) => <Link href={`/provider/bookings?id=${row.id}`}>{row.sme_name}</Link> },
          { header: t("时间", "When"), cell: (row) => <><Instant at={row.starts_at} /> — <Instant at={row.ends_at} /></> },
          { header: t("数量", "Quantity"), cell: (row) => row.quantity, class: "num" },
          { header: t("状态", "Status"), cell: (row) => <span class={`badge ${row.status}`}>{say(BOOKING_STATUS[row.status as keyof typeof BOOKING_STATUS])}</span> },
        ]}
      />
      <DataTable
        caption={t("当天的维护时段", "Maintenance that day")}
        rows={windows}
        rowKey={(row) => row.id}
        empty={t("当天没有维护。", "No maintenance that day.")}
        columns={[
          { header: t("时间", "When"), cell: (row) => <><Instant at={row.starts_at} /> — <Instant at={row.ends_at} /></> },
          { header: t("原因", "Reason"), cell: (row) => row.reason },
        ]}
      />
      <p>
        <Link href={`${OFFERINGS_PATH}?id=${offering.id}`}>{t("管理此资源的维护时段", "Manage this offering's maintenance")}</Link>
      </p>
    </section>
  );
}
