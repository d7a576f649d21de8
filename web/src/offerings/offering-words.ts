// How an offering's units, durations and notice periods read, in both languages.
import type { InferResponseType } from "hono/client";
import { api, send } from "../shell/api";
import type { Bilingual } from "../shell/i18n";
import { OFFERING_UNIT } from "../shell/labels";

export type Offering = InferResponseType<(typeof api.api.offerings)[":id"]["$get"], 200>;
export type OfferingSummary = InferResponseType<typeof api.api.offerings.$get, 200>["items"][number];

export const CATALOGUE_PATH = "/catalogue";
export const offeringHref = (id: string, params?: Record<string, string>) =>
  `${CATALOGUE_PATH}?${new URLSearchParams({ id, ...params }).toString()}`;
export const loadOffering = (id: string) => send(api.api.offerings[":id"].$get({ param: { id } }));

/** The pricing unit ("卡时"); a platform service names its own. */
export const unitName = (unit: string): Bilingual => OFFERING_UNIT[unit as keyof typeof OFFERING_UNIT] ?? [unit, unit];

const QUANTITY: Record<string, Bilingual> = {
  card_hour: ["张卡", "cards"],
  node_hour: ["个节点", "nodes"],
  session_hour: ["个会话", "sessions"],
  seat_day: ["个席位", "seats"],
  licence_month: ["个许可", "licences"],
};

/** What the quantity counts: cards, nodes, seats… */
export const quantityName = (unit: string): Bilingual => QUANTITY[unit] ?? ["个单位", "units"];

/** "1 card", "8 cards": English counts of a plural noun. */
export const countEn = (n: number, plural: string) => `${n} ${n === 1 ? plural.replace(/^(\S+?)s(?=\s|$)/, "$1") : plural}`;

const QUANTITY_LABEL: Record<string, Bilingual> = {
  card_hour: ["卡数", "Cards"],
  node_hour: ["节点数", "Nodes"],
  session_hour: ["会话数", "Sessions"],
  seat_day: ["席位数", "Seats"],
  licence_month: ["许可数", "Licences"],
};

/** The quantity field's label: "卡数", "席位数"… */
export const quantityLabel = (unit: string): Bilingual => QUANTITY_LABEL[unit] ?? ["数量", "Quantity"];

/** What the duration counts, from the minutes one pricing unit buys. */
export function durationName(unit_minutes: number): Bilingual {
  if (unit_minutes === 60) return ["小时", "hours"];
  if (unit_minutes === 1440) return ["天", "days"];
  if (unit_minutes === 30 * 1440) return ["个月（每月30天）", "months of 30 days"];
  const [zh, en] = minutesWords(unit_minutes);
  return [`个计价单位（每个${zh}）`, `units of ${en}`];
}

/** A span of minutes as people say it: "24小时" (as notice rules read), "3天", "30分钟". */
export function minutesWords(minutes: number): Bilingual {
  if (minutes % 1440 === 0 && minutes > 1440 * 2) return [`${minutes / 1440}天`, `${minutes / 1440} days`];
  if (minutes % 60 === 0) return [`${minutes / 60}小时`, `${minutes / 60} ${minutes === 60 ? "hour" : "hours"}`];
  return [`${minutes}分钟`, `${minutes} minutes`];
}

/** The cancellation rule in words. */
export function cancellationRule(notice_minutes: number): Bilingual {
  if (notice_minutes === 0) return ["开始前随时可以取消", "Can be cancelled any time before it starts"];
  const [zh, en] = minutesWords(notice_minutes);
  return [`须在开始前${zh}以上取消`, `Must be cancelled at least ${en} before it starts`];
}

/** One sentence of clauses: "甲；乙；丙。" / "A; b; c." (each clause comes without its own stop). */
export function sentence(clauses: readonly Bilingual[]): Bilingual {
  const [zh, en] = [clauses.map(([z]) => z), clauses.map(([, e]) => e)];
  const enJoined = en.map((clause, i) => (i === 0 ? clause : clause.charAt(0).toLowerCase() + clause.slice(1))).join("; ");
  return [`${zh.join("；")}。`, `${enJoined}.`];
}

/** What a person agrees to when booking: the cancellation rule, the provider's confirmation, the lead time. */
export function bookingTerms(offering: Pick<Offering, "cancellation_notice_minutes" | "requires_confirmation" | "lead_time_minutes">): Bilingual {
  const clauses: Bilingual[] = [cancellationRule(offering.cancellation_notice_minutes)];
  if (offering.requires_confirmation) clauses.push(["需服务商在24小时内确认", "The provider confirms within 24 hours"]);
  if (offering.lead_time_minutes > 0) {
    const [zh, en] = minutesWords(offering.lead_time_minutes);
    clauses.push([`须提前${zh}预约`, `Book at least ${en} ahead`]);
  }
  return sentence(clauses);
}
