// A booking's states and the moves between them (DESIGN §3). Pure.
//
//   requested ─confirm→ confirmed ─start→ in_use ─deliver→ delivered (→ settled, by claims)
//   confirmed ─deliver (from its start, on metered usage)→ delivered
//   requested ─reject→ rejected        requested ─lapse (unconfirmed past confirm_by_at)→ lapsed
//   requested | confirmed ─cancel (SME, before the offering's notice period)→ cancelled
// Every move out of requested/confirmed into cancelled/rejected/lapsed gives the capacity back
// and voids the voucher hold, exactly once (the status transition is the guard).
import { applyRatioFloor } from "./pricing";

export const BOOKING_STATUSES = ["requested", "confirmed", "in_use", "delivered", "settled", "cancelled", "rejected", "lapsed"] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Statuses whose quantity is counted in slot_usage.booked_units. */
export const HOLDS_CAPACITY: readonly BookingStatus[] = ["requested", "confirmed", "in_use", "delivered", "settled"];

/** Statuses a booking can be released from (its service has not started). */
export const RELEASABLE: readonly BookingStatus[] = ["requested", "confirmed"];

export const MOVES = {
  confirm: { from: ["requested"], to: "confirmed" },
  start: { from: ["confirmed"], to: "in_use" },
  // From its start (checked by the move), whether or not the provider marked it in use.
  deliver: { from: ["confirmed", "in_use"], to: "delivered" },
  cancel: { from: RELEASABLE, to: "cancelled" },
  reject: { from: ["requested"], to: "rejected" },
  lapse: { from: ["requested"], to: "lapsed" },
} as const satisfies Record<string, { from: readonly BookingStatus[]; to: BookingStatus }>;
export type Move = keyof typeof MOVES;

/** How long a provider has to confirm a booking that needs confirmation. */
export const CONFIRMATION_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A request lapses unconfirmed a day after it is made, or when its service would start if sooner. */
export function confirmBy(now: number, startsAt: number): number {
  return Math.min(now + CONFIRMATION_WINDOW_MS, startsAt);
}

/** The SME may cancel until the offering's notice period before the start. */
export function cancellableUntil(startsAt: number, cancellationNoticeMinutes: number): number {
  return startsAt - cancellationNoticeMinutes * 60_000;
}

/**
 * The subsidy for what was actually delivered: the quoted ratio applied to the delivered gross,
 * never more than was held (so every cap the hold respected still holds).
 */
export function deliveredSubsidyFen(deliveredGrossFen: number, ratioBp: number, heldFen: number): number {
  return Math.min(heldFen, applyRatioFloor(deliveredGrossFen, ratioBp));
}
