// One offering: its terms, its free capacity over a week (or four weeks of days), and the
// booking form with a live quote. Opened from the catalogue or from a capacity-search option
// (which fills in quantity, start, duration and voucher).
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { addDays, beijingDate, formatFen } from "../shell/format";
import { useI18n, type Bilingual } from "../shell/i18n";
import { OFFERING_CATEGORY } from "../shell/labels";
import { Link, useLocation } from "../shell/router";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { Instant } from "../ui/values";
import { AvailabilityGrid, windowDays, type Picked } from "./availability";
import { initialBookingValues, useBookingForm, type BookingValues } from "./booking-form";
import { BookingPanel } from "./booking-panel";
import { cancellationRule, CATALOGUE_PATH, durationName, loadOffering, minutesWords, quantityName, unitName, type Offering } from "./offering-words";
import { loadVoucherChoices, type VoucherChoice } from "../vouchers";
import { Facts } from "../ui/facts";

async function loadOfferingPage(id: string) {
  const offering = await loadOffering(id);
  return { offering, vouchers: await loadVoucherChoices(offering) };
}

export function OfferingPage({ id }: { id: string }) {
  const { t } = useI18n();
  const loaded = useLoad(() => loadOfferingPage(id), id);
  const title = loaded.state.status === "ready" ? loaded.state.data.offering.name : t("资源", "Offering");
  return (
    <Page title={title} dataTitle={loaded.state.status === "ready"}>
      <p>
        <Link href={CATALOGUE_PATH}>← {t("资源目录", "Catalogue")}</Link>
      </p>
      <Loaded load={loaded}>{({ offering, vouchers }) => <OfferingView offering={offering} vouchers={vouchers} />}</Loaded>
    </Page>
  );
}

function OfferingView({ offering, vouchers }: { offering: Offering; vouchers: VoucherChoice[] }) {
  const { t } = useI18n();
  const query = useLocation().query;
  const initial = initialBookingValues(offering, query, vouchers);
  const [version, setVersion] = useState(0);
  const form = useBookingForm(offering, initial, () => setVersion((n) => n + 1));
  const [from, setFrom] = useState(() => firstDayShown(initial));
  const request = form.quote.request;
  const pick = ({ date, hour }: Picked) => form.setMany({ start_date: date, start_hour: String(hour) });
  const today = beijingDate(Date.now());
  const days = windowDays(offering.slot_minutes);
  const earliest = from <= today;
  const latest = from >= addDays(today, 360);
  // aria-disabled, not disabled: a button that disables itself under the keyboard drops focus to the page.
  const week = (step: -1 | 1) => {
    if (step < 0 ? earliest : latest) return;
    setFrom(step < 0 ? maxDate(today, addDays(from, -days)) : addDays(from, days));
  };
  // PageUp / PageDown inside the grid: the grid reloads, so the keyboard goes to the grid's new tab stop.
  const weekFromGrid = (step: -1 | 1) => {
    week(step);
    moveToGrid.current = true;
  };
  const moveToGrid = useRef(false);
  useEffect(() => {
    if (!moveToGrid.current) return;
    const timer = setInterval(() => {
      const stop = document.querySelector<HTMLElement>('table.availability button[tabindex="0"]');
      if (stop) {
        stop.focus();
        moveToGrid.current = false;
        clearInterval(timer);
      }
    }, 50);
    const giveUp = setTimeout(() => clearInterval(timer), 5_000);
    return () => {
      clearInterval(timer);
      clearTimeout(giveUp);
    };
  }, [from]);
  return (
    <>
      <OfferingFacts offering={offering} />
      <div class="offering-layout">
        <section class="card" aria-labelledby="availability">
          <h2 id="availability">{t("空闲情况", "Availability")}</h2>
          <div class="week-nav">
            <button type="button" onClick={() => week(-1)} aria-disabled={earliest ? "true" : undefined} aria-label={t(`前${days}天`, `Previous ${days} days`)}>
              ←
            </button>
            <span aria-live="polite">
              {from} – {addDays(from, days - 1)}
            </span>
            <button type="button" onClick={() => week(1)} aria-disabled={latest ? "true" : undefined} aria-label={t(`后${days}天`, `Next ${days} days`)}>
              →
            </button>
          </div>
          <AvailabilityGrid
            offeringId={offering.id}
            slot_minutes={offering.slot_minutes}
            from={from}
            version={version}
            onWeek={weekFromGrid}
            chosen={request ? { starts_ms: Date.parse(request.starts_at), ends_ms: Date.parse(request.ends_at) } : null}
            onPick={pick}
          />
        </section>
        <section class="card" aria-labelledby="book">
          <h2 id="book">{t("预约", "Book")}</h2>
          <BookingPanel offering={offering} form={form} vouchers={vouchers} />
        </section>
      </div>
    </>
  );
}

const maxDate = (a: string, b: string) => (a > b ? a : b);

function firstDayShown(initial: BookingValues): string {
  const today = beijingDate(Date.now());
  return initial.start_date > today ? maxDate(today, addDays(initial.start_date, -1)) : today;
}

const WEEKDAY_NAMES: Bilingual[] = [["周一", "Mon"], ["周二", "Tue"], ["周三", "Wed"], ["周四", "Thu"], ["周五", "Fri"], ["周六", "Sat"], ["周日", "Sun"]];

/** {"1": [[8, 22]], …} as "周一 08–22时；…", consecutive days with the same hours joined. */
function weeklyHoursWords(hours: Offering["weekly_hours"], t: (zh: string, en: string) => string, say: (m: Bilingual) => string): string {
  if (!hours) return t("全天24小时", "Around the clock");
  const perDay = WEEKDAY_NAMES.map((_, i) => (hours[String(i + 1)] ?? []).map(([from, to]) => `${String(from).padStart(2, "0")}:00–${String(to).padStart(2, "0")}:00`).join(", ") || t("不开放", "closed"));
  const groups: { first: number; last: number; text: string }[] = [];
  perDay.forEach((text, day) => {
    const last = groups.at(-1);
    if (last && last.text === text) last.last = day;
    else groups.push({ first: day, last: day, text });
  });
  return groups
    .map((g) => `${say(WEEKDAY_NAMES[g.first] as Bilingual)}${g.last > g.first ? `–${say(WEEKDAY_NAMES[g.last] as Bilingual)}` : ""} ${g.text}`)
    .join(t("；", "; "));
}

function OfferingFacts({ offering: o }: { offering: Offering }) {
  const { t, say } = useI18n();
  const [unitZh, unitEn] = unitName(o.unit);
  const [durZh, durEn] = durationName(o.unit_minutes);
  const rows: [string, ComponentChildren][] = [
    [t("服务商", "Provider"), o.provider_name ?? o.provider_org_id],
    [t("类别", "Category"), say(OFFERING_CATEGORY[o.category])],
    [
      t("单价", "Price"),
      <>
        <strong class="money">{formatFen(o.unit_price_fen)}</strong> {t(`/ ${unitZh}`, `per ${unitEn}`)}
      </>,
    ],
    [t("容量", "Capacity"), `${o.capacity_units} ${say(quantityName(o.unit))}`],
    [t("可预约时间", "Bookable hours"), weeklyHoursWords(o.weekly_hours, t, say)],
    [t("时长", "Duration"), t(`${o.min_duration_units}–${o.max_duration_units} ${durZh}`, `${o.min_duration_units} to ${o.max_duration_units} ${durEn}`)],
    [t("提前预约", "Notice to book"), o.lead_time_minutes ? say(minutesWords(o.lead_time_minutes)) : t("无要求", "None")],
    [t("取消规则", "Cancellation"), say(cancellationRule(o.cancellation_notice_minutes))],
    [t("服务商确认", "Provider confirms"), o.requires_confirmation ? t("需要（24小时内）", "Yes, within 24 hours") : t("不需要，预约即确认", "No: bookings are confirmed at once")],
  ];
  if (o.category === "compute") {
    rows.push([t("加速卡", "Accelerator"), `${o.accelerator_model ?? "—"}${o.cards_per_node ? t(`，每节点${o.cards_per_node}卡`, `, ${o.cards_per_node} per node`) : ""}`]);
    rows.push([t("国产算力", "Domestic (国产)"), o.domestic ? t("是", "Yes") : t("否", "No")]);
  }
  if (o.category === "dataset") {
    rows.push([t("使用方式", "Access"), o.access_mode === "sandbox" ? t("沙箱内使用，可用不可见", "In a sandbox only: usable, not visible") : t("可下载", "Download")]);
    rows.push([t("许可条款", "Licence"), o.licence_terms ?? "—"]);
  }
  return (
    <section class="card" aria-labelledby="offering-facts">
      <h2 id="offering-facts">{t("资源信息", "About this offering")}</h2>
      {o.description && <p>{o.description}</p>}
      <Facts rows={rows} />
      {o.blackouts.length > 0 && (
        <>
          <h3>{t("维护停用时段", "Maintenance windows")}</h3>
          <ul class="plain">
            {o.blackouts.map((b) => (
              <li key={b.id}>
                <Instant at={b.starts_at} /> – <Instant at={b.ends_at} />：{b.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
