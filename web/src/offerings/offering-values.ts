// An offering as the provider's form holds it (strings keyed by the API's field names) and the
// bodies the API takes: the whole offering to publish, only the changed fields to edit. Prices
// are typed in yuan, notice periods in hours, weekly hours as "9-18" per weekday.
import type { InferRequestType } from "hono/client";
import { STANDARD_UNITS, type StandardUnit } from "../../../src/domain/offering-units";
import { api } from "../shell/api";
import { parseYuan, yuanInput } from "../shell/format";
import type { Message, Values } from "../ui/form";
import type { Offering } from "./offering-words";

export type NewOffering = InferRequestType<typeof api.api.offerings.$post>["json"];
export type OfferingChange = InferRequestType<(typeof api.api.offerings)[":id"]["$patch"]>["json"];
export type Category = Offering["category"];

export const UNITS_BY_CATEGORY: Record<Exclude<Category, "platform_service">, StandardUnit[]> = {
  compute: ["card_hour", "node_hour"],
  dataset: ["seat_day", "licence_month"],
  simulation: ["session_hour"],
};

export const WEEKDAYS = ["1", "2", "3", "4", "5", "6", "7"] as const;
const HOURS = /^(\d{1,2})\s*[-–~至]\s*(\d{1,2})$/;

/** "9-12, 13-18" → [[9, 12], [13, 18]]; "" → []; null when it is not hours from 0 to 24. */
export function parseHours(text: string): [number, number][] | null {
  const parts = text.split(/[,，;；、\s]+/).filter(Boolean);
  const intervals: [number, number][] = [];
  for (const part of parts) {
    const match = HOURS.exec(part);
    if (!match) return null;
    const from = Number(match[1]);
    const to = Number(match[2]);
    if (from >= to || to > 24) return null;
    intervals.push([from, to]);
  }
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  return sorted.some((interval, i) => i > 0 && interval[0] < (sorted[i - 1] as [number, number])[1]) ? null : sorted;
}

export const hoursCheck = (value: string): Message | null =>
  parseHours(value) === null ? ["请按“9-18”填写整点时段，多段用逗号分隔，不能重叠", "Write whole hours as 9-18, several separated by commas, not overlapping"] : null;

const hoursText = (intervals: readonly (readonly number[])[] | undefined) => (intervals ?? []).map(([from, to]) => `${from}-${to}`).join(", ");

/** Minutes one pricing unit buys, for the standard units and for a platform service's own. */
export function unitMinutesOf(values: Values): number {
  const standard = STANDARD_UNITS[values.unit as StandardUnit];
  return standard ? standard.unit_minutes : Number(values.unit_minutes) || 60;
}

/** The form's values for an offering, or the empty form for a new one of `category`. */
export function offeringToValues(offering: Offering | null): Values {
  const week = offering?.weekly_hours ?? null;
  const values: Values = {
    category: offering?.category ?? "compute",
    name: offering?.name ?? "",
    description: offering?.description ?? "",
    unit: offering?.unit ?? "card_hour",
    unit_minutes: offering ? String(offering.unit_minutes) : "60",
    slot_minutes: offering ? String(offering.slot_minutes) : "60",
    unit_price_fen: offering ? yuanInput(offering.unit_price_fen) : "",
    capacity_units: offering ? String(offering.capacity_units) : "",
    accelerator_model: offering?.accelerator_model ?? "",
    cards_per_node: offering?.cards_per_node ? String(offering.cards_per_node) : "8",
    domestic: offering?.domestic ? "true" : "",
    licence_terms: offering?.licence_terms ?? "",
    access_mode: offering?.access_mode ?? "sandbox",
    sensitivity_level: offering?.sensitivity_level ?? "internal",
    min_duration_units: offering ? String(offering.min_duration_units) : "1",
    max_duration_units: offering ? String(offering.max_duration_units) : "",
    lead_time_minutes: offering ? String(offering.lead_time_minutes / 60) : "0",
    cancellation_notice_minutes: offering ? String(offering.cancellation_notice_minutes / 60) : "0",
    requires_confirmation: offering?.requires_confirmation ? "true" : offering ? "" : "true",
    status: offering?.status ?? "active",
    "weekly_hours.mode": week ? "weekly" : "always",
  };
  for (const day of WEEKDAYS) values[`weekly_hours.${day}`] = hoursText(week?.[day]);
  return values;
}

function weeklyHoursOf(values: Values): NewOffering["weekly_hours"] {
  if (values["weekly_hours.mode"] !== "weekly") return null;
  const week: Record<string, [number, number][]> = {};
  for (const day of WEEKDAYS) {
    const intervals = parseHours(values[`weekly_hours.${day}`] ?? "") ?? [];
    if (intervals.length) week[day] = intervals;
  }
  return week;
}

const fen = (text: string | undefined) => {
  const parsed = parseYuan(text ?? "");
  if (!parsed.ok) throw new Error(`unchecked amount: ${text}`);
  return parsed.fen;
};

/** The fields every category shares, as the API takes them. */
function commonFields(values: Values) {
  return {
    name: (values.name ?? "").trim(),
    description: (values.description ?? "").trim(),
    unit_price_fen: fen(values.unit_price_fen),
    capacity_units: Number(values.capacity_units),
    min_duration_units: Number(values.min_duration_units),
    ...(values.max_duration_units?.trim() ? { max_duration_units: Number(values.max_duration_units) } : {}),
    lead_time_minutes: Number(values.lead_time_minutes) * 60,
    cancellation_notice_minutes: Number(values.cancellation_notice_minutes) * 60,
    requires_confirmation: values.requires_confirmation === "true",
    weekly_hours: weeklyHoursOf(values),
  };
}

export function newOfferingBody(values: Values): NewOffering {
  const common = { ...commonFields(values), status: values.status === "paused" ? ("paused" as const) : values.status === "draft" ? ("draft" as const) : ("active" as const) };
  switch (values.category as Category) {
    case "compute":
      return {
        category: "compute",
        ...common,
        unit: values.unit === "node_hour" ? "node_hour" : "card_hour",
        accelerator_model: (values.accelerator_model ?? "").trim(),
        cards_per_node: Number(values.cards_per_node),
        domestic: values.domestic === "true",
      };
    case "dataset":
      return {
        category: "dataset",
        ...common,
        unit: values.unit === "licence_month" ? "licence_month" : "seat_day",
        licence_terms: (values.licence_terms ?? "").trim(),
        access_mode: values.access_mode === "download" ? "download" : "sandbox",
        sensitivity_level: values.sensitivity_level as "public" | "internal" | "sensitive",
      };
    case "simulation":
      return { category: "simulation", ...common, unit: "session_hour" };
    case "platform_service":
      return { category: "platform_service", ...common, unit: (values.unit ?? "").trim(), unit_minutes: Number(values.unit_minutes), slot_minutes: values.slot_minutes === "1440" ? 1440 : 60 };
  }
}

/** Only what changed, so a price change never touches capacity (whose cut has rules of its own). */
export function offeringChangeBody(before: Offering, values: Values): Partial<OfferingChange> {
  const after = newOfferingBody(values) as Record<string, unknown>;
  const was = newOfferingBody(offeringToValues(before)) as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    if (["category", "unit", "unit_minutes", "slot_minutes"].includes(key)) continue;
    if (JSON.stringify(value) !== JSON.stringify(was[key])) changed[key] = value;
  }
  if (values.status !== before.status) changed.status = values.status;
  return changed as Partial<OfferingChange>;
}
