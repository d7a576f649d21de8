// A booking's history (its moves and changes, from the audit log) and its calendar file (.ics).
import type { RouteHandler } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import { bookings, type Booking } from "../../db/schema";
import type { Store } from "../../db/store";
import { calendarFile } from "../../domain/ics";
import type { AppEnv } from "../../lib/context";
import { actorOf } from "../../lib/route";
import { toShanghaiIso } from "../../lib/time";
import { readVisibleBooking } from "../../services/booking-moves";
import { selectNamedBookings } from "./bookings.handlers";
import type * as routes from "./bookings.routes";

const CHANGE_ACTIONS = new Set(["booking.extended", "booking.rescheduled"]);

/** The booking's moves and changes from the audit log, with the acting organisation's name. */
async function historyOf(store: Store, bookingId: string) {
  const events = await store.all<{ at: number; action: string; actor_org_name: string | null; before_json: string | null; after_json: string | null }>(sql`
    SELECT e.at, e.action, o.name AS actor_org_name, e.before_json, e.after_json FROM audit_events e LEFT JOIN organisations o ON o.id = e.actor_org_id
    WHERE e.subject_type = 'booking' AND e.subject_id = ${bookingId} AND e.action LIKE 'booking.%' ORDER BY e.seq LIMIT 200`);
  return events.map((e) => {
    const after = (e.after_json ? JSON.parse(e.after_json) : {}) as Record<string, unknown>;
    const before = (e.before_json ? JSON.parse(e.before_json) : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === "string" ? v : null);
    const change = CHANGE_ACTIONS.has(e.action)
      ? {
          from: { starts_at: String(before.starts_at), ends_at: String(before.ends_at) },
          to: { starts_at: String(after.starts_at), ends_at: String(after.ends_at) },
          gross_fen: Number(after.gross_fen),
          subsidy_fen: Number(after.subsidy_fen),
          copay_fen: Number(after.copay_fen),
        }
      : null;
    return { at: toShanghaiIso(Number(e.at)), action: e.action, actor_org_name: e.actor_org_name, status: str(after.status), reason: str(after.status_reason) ?? str(after.reason), change };
  });
}

export const bookingHistory: RouteHandler<typeof routes.bookingHistory, AppEnv> = async (c) => {
  const booking = await readVisibleBooking(c.var.store, actorOf(c), c.req.valid("param").id);
  return c.json({ items: await historyOf(c.var.store, booking.id) }, 200);
};

const CALENDAR_STATUS: Partial<Record<Booking["status"], "CONFIRMED" | "TENTATIVE" | "CANCELLED">> = { requested: "TENTATIVE", cancelled: "CANCELLED", rejected: "CANCELLED", lapsed: "CANCELLED" };

// A booking that will not take place stays a file, not a 404: the same UID with STATUS:CANCELLED
// (RFC 5545 §3.8.1.11) and a higher SEQUENCE (§3.8.7.4), so a calendar that imported the live
// event replaces it with the cancelled one instead of keeping a booking that is gone. The web
// offers the download only for bookings that are or will be taking place.
export const bookingCalendar: RouteHandler<typeof routes.bookingCalendar, AppEnv> = async (c) => {
  const booking = await readVisibleBooking(c.var.store, actorOf(c), c.req.valid("param").id);
  const [row] = await selectNamedBookings(c.var.store).where(eq(bookings.id, booking.id));
  if (!row) throw new Error(`booking ${booking.id} lost its organisations`);
  const history = await historyOf(c.var.store, booking.id);
  const changes = history.filter((e) => CHANGE_ACTIONS.has(e.action)).length;
  // STATUS changed from TENTATIVE to CONFIRMED: a booking that was requested first, then confirmed
  // (one made confirmed starts with its own booking.confirmed event, which is no change).
  const confirmedLater = history.slice(1).some((e) => e.action === "booking.confirmed") ? 1 : 0;
  const status = CALENDAR_STATUS[booking.status] ?? "CONFIRMED";
  const cancelled = status === "CANCELLED";
  const what = `${booking.quote_json ? JSON.parse(booking.quote_json).offering_name : ""} × ${booking.quantity} — ${row.provider_name}`;
  const file = calendarFile({
    uid: `${booking.id}@bookings.innovation-vouchers`,
    stamp: c.var.now(),
    starts_at: booking.starts_at,
    ends_at: booking.ends_at,
    // Each change of STATUS and each change of range is a new version for calendars that imported it.
    sequence: changes + confirmedLater + (cancelled ? 1 : 0),
    status,
    // Said in the title too, for a calendar that shows a cancelled event without marking it.
    summary: cancelled ? `已取消 Cancelled: ${what}` : what,
    description: `预约 Booking ${booking.id}\n服务商 Provider: ${row.provider_name}\n企业 Enterprise: ${row.sme_name}\n总价 Total: ¥${(booking.gross_fen / 100).toFixed(2)}，券补贴 voucher subsidy ¥${(booking.subsidy_fen / 100).toFixed(2)}，自付 co-pay ¥${(booking.copay_fen / 100).toFixed(2)}`,
  });
  return c.body(file, 200, { "Content-Type": "text/calendar; charset=utf-8", "Content-Disposition": `attachment; filename="${booking.id}.ics"` }) as never;
};
