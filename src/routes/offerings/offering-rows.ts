// From request bodies to offering rows: units per category, defaults, and the checks that need
// more than one field. A change that lowers capacity goes through the collision rules.
import { eq, sql, type SQLWrapper } from "drizzle-orm";
import { CATEGORY_FIELDS, STANDARD_UNITS, type UnitShape } from "../../domain/offering-units";
import { MAX_BOOKING_MINUTES, slotCeil, type WeeklyHours } from "../../domain/slots";
import type { AuditInput } from "../../db/audit";
import type { ConstraintViolation } from "../../db/constraints";
import { offerings, type Booking, type Offering, type Organisation } from "../../db/schema";
import type { Store } from "../../db/store";
import { conflict, forbidden, unprocessable, type AppError } from "../../lib/errors";
import { setCapacityFrom } from "../../services/capacity";
import { bookedSlotsClosedBy, clearForRetirement, clearTheWay, HOURS_NOTICE, mergeOverfull, noBookingsOutside, overfullSlots } from "../../services/offering-changes";
import { publishedProviderGuard } from "../../services/blackouts";
import { activeOfferingsGuard } from "../../services/write-limits";
import type { OfferingInput, OfferingPatch } from "./offering.schemas";

function unitShapeOf(body: OfferingInput): UnitShape & { unit: string } {
  if (body.category === "platform_service") {
    if (body.unit_minutes % body.slot_minutes !== 0) {
      throw unprocessable("unit_not_whole_slots", "计价单位时长须为时段长度的整数倍 / A unit must last a whole number of slots");
    }
    return { unit: body.unit, unit_minutes: body.unit_minutes, slot_minutes: body.slot_minutes };
  }
  return { unit: body.unit, ...STANDARD_UNITS[body.unit] };
}

/** The longest booking allowed: the provider's maximum, within a year. */
function checkDurations(min: number, max: number, unitMinutes: number): void {
  if (max < min) throw unprocessable("duration_bounds", "最长时长不能短于最短时长 / The maximum duration is below the minimum");
  if (max * unitMinutes > MAX_BOOKING_MINUTES) {
    throw unprocessable("duration_bounds", "最长时长不能超过一年 / The maximum duration cannot exceed a year");
  }
}

export function newOfferingRow(body: OfferingInput, provider: Organisation, id: string, now: number): Offering {
  const shape = unitShapeOf(body);
  const max = body.max_duration_units ?? Math.min(10_000, Math.floor(MAX_BOOKING_MINUTES / shape.unit_minutes));
  checkDurations(body.min_duration_units, max, shape.unit_minutes);
  return {
    id,
    provider_org_id: provider.id,
    category: body.category,
    name: body.name,
    description: body.description,
    // The provider's registered region: what programmes' regional rules look at.
    region_code: provider.region_code,
    status: body.status,
    ...shape,
    unit_price_fen: body.unit_price_fen,
    capacity_units: body.capacity_units,
    min_duration_units: body.min_duration_units,
    max_duration_units: max,
    lead_time_minutes: body.lead_time_minutes,
    cancellation_notice_minutes: body.cancellation_notice_minutes,
    requires_confirmation: body.requires_confirmation,
    weekly_hours_json: body.weekly_hours ? JSON.stringify(body.weekly_hours) : null,
    domestic: body.category === "compute" ? body.domestic : false,
    accelerator_model: body.category === "compute" ? body.accelerator_model : null,
    cards_per_node: body.category === "compute" ? body.cards_per_node : null,
    licence_terms: body.category === "dataset" ? body.licence_terms : null,
    access_mode: body.category === "dataset" ? body.access_mode : null,
    sensitivity_level: body.category === "dataset" ? body.sensitivity_level : null,
    created_at: now,
    updated_at: now,
  };
}

const ALL_CATEGORY_FIELDS = new Set(Object.values(CATEGORY_FIELDS).flat());

function checkFieldsFit(category: Offering["category"], fields: readonly string[]): void {
  const own = new Set<string>(CATEGORY_FIELDS[category]);
  const foreign = fields.filter((f) => ALL_CATEGORY_FIELDS.has(f as never) && !own.has(f));
  if (foreign.length > 0) {
    throw unprocessable("field_not_for_category", `此类资源没有这些字段：${foreign.join(", ")} / An offering of this category has no ${foreign.join(", ")}`);
  }
}

export interface OfferingChange {
  statements: SQLWrapper[];
  events: AuditInput[];
  after: Offering;
  cancelled: Booking[];
}

export async function planOfferingChange(store: Store, before: Offering, patch: OfferingPatch, now: number): Promise<OfferingChange> {
  const { force, notice, weekly_hours, ...fields } = patch;
  const changed = Object.keys(fields).filter((k) => fields[k as keyof typeof fields] !== undefined);
  if (changed.length === 0 && weekly_hours === undefined) throw unprocessable("nothing_to_change", "请至少修改一项 / Change at least one field");
  if (before.status === "retired") throw conflict("offering_retired", "该资源已下架，不能修改 / The offering is retired and cannot change");
  checkFieldsFit(before.category, changed);
  if (before.status === "draft" && fields.status === "paused") {
    throw conflict("draft_not_published", "草稿须先发布才能暂停 / Publish a draft before pausing it");
  }
  const set: Partial<Offering> = { ...fields, updated_at: Math.max(now, before.updated_at + 1) };
  if (weekly_hours !== undefined) set.weekly_hours_json = weekly_hours ? JSON.stringify(weekly_hours) : null;
  const after: Offering = { ...before, ...set };
  checkDurations(after.min_duration_units, after.max_duration_units, after.unit_minutes);

  const retiring = fields.status === "retired";
  const cut = fields.capacity_units !== undefined && fields.capacity_units < before.capacity_units;
  // New weekly hours (not "around the clock") may close slots already booked.
  const newHours: WeeklyHours | null = weekly_hours ?? null;
  // Slots already begun keep the capacity they had; the rest take the new one.
  const from = slotCeil(now, before.slot_minutes);
  let way = { statements: [] as SQLWrapper[], events: [] as AuditInput[], cancelled: [] as Booking[] };
  if (retiring) {
    // Pausing only stops new bookings; retiring may not strand one, so every booking still to end is in the way.
    way = await clearForRetirement(store, before, { force, notice: notice ?? null, now });
  } else if (cut || newHours) {
    // Fewer units, or hours that close booked slots: one list of bookings in the way, cancelled once.
    const overfull = mergeOverfull(
      cut ? await overfullSlots(store, before.id, fields.capacity_units as number, from, null) : [],
      newHours ? await bookedSlotsClosedBy(store, before, newHours, from) : [],
    );
    const code = newHours && overfull.some((s) => s.limit_units === 0) ? "hours_exclude_bookings" : "capacity_below_bookings";
    way = await clearTheWay(store, before, overfull, { force, code, notice: notice ?? (code === "hours_exclude_bookings" ? HOURS_NOTICE : null), now });
  }
  const statements: SQLWrapper[] = [...way.statements];
  if (fields.capacity_units !== undefined && fields.capacity_units !== before.capacity_units) {
    statements.push(setCapacityFrom(before.id, from, fields.capacity_units));
  }
  // The hours guard is in this write: updated_at becomes NULL (NOT NULL fails the batch) if a slot
  // outside the new hours still holds a booking once the batch's own cancellations are done.
  const guard = newHours ? { updated_at: sql<number>`CASE WHEN ${noBookingsOutside(before, newHours, from)} THEN ${set.updated_at} ELSE NULL END` } : {};
  statements.push(store.db.update(offerings).set({ ...set, ...guard }).where(eq(offerings.id, before.id)));
  if (fields.status === "active" && before.status !== "active") {
    statements.push(publishedProviderGuard(before.id, before.provider_org_id), activeOfferingsGuard(before.provider_org_id, now));
  }
  const event: AuditInput = { action: "offering.updated", subject_type: "offering", subject_id: before.id, before, after };
  return { statements, events: [...way.events, event], after, cancelled: way.cancelled };
}

/** The 409 when bookings kept arriving between the read and the write of a provider's change. */
export function explainOfferingGuard(v: ConstraintViolation): AppError {
  return conflict(
    "bookings_changed",
    `预约刚发生变化，请重新操作（${v.name}）/ Bookings changed while this was being applied; try again (${v.name})`,
  );
}

/** Publishing (making an offering active) needs a provider approved by an agency and not suspended. */
export const notApprovedToPublish = (): AppError =>
  forbidden("服务商须经至少一家机构审核通过（且未被平台暂停）才能发布资源；可先保存为草稿 / Only a provider approved by at least one agency (and not suspended by the platform) can publish offerings; save it as a draft meanwhile");
