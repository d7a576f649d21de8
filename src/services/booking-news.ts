// Who hears about a booking's move, and what they read: one place for every path that moves a
// booking (requests, provider and SME moves, the lapse sweep, forced cancellations, voucher ends).
// Names come from sub-selects inside the announcing statement, so announcing reads nothing first.
import { eq, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { programmes, type Booking } from "../db/schema";
import type { Store } from "../db/store";
import { formatCny } from "../domain/money";
import { shanghaiText } from "../lib/time";
import { announce, type Announcement } from "./announce";

const smeName = (b: Booking) => sql`(SELECT name FROM organisations WHERE id = ${b.sme_org_id})`;
const providerName = (b: Booking) => sql`(SELECT name FROM organisations WHERE id = ${b.provider_org_id})`;
const offeringName = (b: Booking) => sql`(SELECT name FROM offerings WHERE id = ${b.offering_id})`;

/** "<offering> × <quantity>, <start> – <end>" in Beijing time. */
function what(b: Booking): SQL {
  return sql`${offeringName(b)} || ${` × ${b.quantity}，${shanghaiText(b.starts_at)} – ${shanghaiText(b.ends_at)}`}`;
}
function whatEn(b: Booking): SQL {
  return sql`${offeringName(b)} || ${` × ${b.quantity}, ${shanghaiText(b.starts_at)} – ${shanghaiText(b.ends_at)} (Beijing time)`}`;
}

const smeLink = (b: Booking) => `/my-bookings?id=${b.id}`;
const providerLink = (b: Booking) => `/provider/bookings?id=${b.id}`;

type News = Omit<Announcement, "subject_type" | "subject_id" | "data">;

function newsFor(before: Booking | null, after: Booking, actorOrgId: string | null, agencyOrgId: string | null): News[] {
  const toSme = { to: [{ org_id: after.sme_org_id }], link: smeLink(after) };
  const toProvider = { to: [{ org_id: after.provider_org_id }], link: providerLink(after) };
  const reason = after.status_reason ? `：${after.status_reason}` : "";
  const reasonEn = after.status_reason ? `: ${after.status_reason}` : "";
  if (!before) {
    const waiting = after.status === "requested";
    return [
      {
        kind: "booking.requested",
        ...toProvider,
        body_zh: sql`${smeName(after)} || ${waiting ? " 申请预约（待您确认）" : " 预约了"} || ' ' || ${what(after)}`,
        body_en: sql`${smeName(after)} || ${waiting ? " requests (awaiting your confirmation) " : " booked "} || ${whatEn(after)}`,
      },
    ];
  }
  if (before.confirmation_state !== "disputed" && after.confirmation_state === "disputed") {
    const why = after.dispute_reason ? `：${after.dispute_reason}` : "";
    const whyEn = after.dispute_reason ? `: ${after.dispute_reason}` : "";
    const news: News[] = [{ kind: "usage.disputed", ...toProvider, body_zh: sql`${smeName(after)} || ' 对交付结果有异议：' || ${what(after)} || ${why}`, body_en: sql`${smeName(after)} || ' disputes the delivery of ' || ${whatEn(after)} || ${whyEn}` }];
    // The programme's agency resolves it: its deciders hear too.
    if (agencyOrgId) {
      news.push({
        kind: "usage.disputed",
        to: [{ org_id: agencyOrgId, roles: ["admin", "reviewer"] }],
        link: "/agency/disputes",
        body_zh: sql`${smeName(after)} || ' 对 ' || ${providerName(after)} || ' 的交付有异议，待裁决：' || ${what(after)} || ${why}`,
        body_en: sql`${smeName(after)} || ' disputes the delivery by ' || ${providerName(after)} || ', awaiting your decision: ' || ${whatEn(after)} || ${whyEn}`,
      });
    }
    return news;
  }
  if (before.status === after.status) return [];
  switch (after.status) {
    case "confirmed":
      return [{ kind: "booking.confirmed", ...toSme, body_zh: sql`${providerName(after)} || ' 确认了您的预约 ' || ${what(after)}`, body_en: sql`${providerName(after)} || ' confirmed your booking ' || ${whatEn(after)}` }];
    case "rejected":
      return [{ kind: "booking.rejected", ...toSme, body_zh: sql`${providerName(after)} || ' 拒绝了您的预约 ' || ${what(after)} || ${reason}`, body_en: sql`${providerName(after)} || ' rejected your booking ' || ${whatEn(after)} || ${reasonEn}` }];
    case "in_use":
      return [{ kind: "booking.started", ...toSme, body_zh: sql`'已开始使用 ' || ${what(after)}`, body_en: sql`'In use: ' || ${whatEn(after)}` }];
    case "delivered":
      return [{ kind: "booking.delivered", ...toSme, body_zh: sql`${providerName(after)} || ' 已交付 ' || ${what(after)} || '，请确认交付结果'`, body_en: sql`${providerName(after)} || ' delivered ' || ${whatEn(after)} || '; please confirm the delivery'` }];
    case "lapsed":
      return [
        { kind: "booking.lapsed", ...toSme, body_zh: sql`'预约已失效：' || ${what(after)} || ${reason}`, body_en: sql`'Booking lapsed: ' || ${whatEn(after)} || ${reasonEn}` },
        { kind: "booking.lapsed", ...toProvider, body_zh: sql`'预约已失效：' || ${what(after)} || ${reason}`, body_en: sql`'Booking lapsed: ' || ${whatEn(after)} || ${reasonEn}` },
      ];
    case "cancelled": {
      // The SME cancelled: the provider hears. Anyone else cancelled it (a capacity change, a
      // maintenance window, the voucher's end): the SME hears why, and the provider too.
      const bySme = actorOrgId === after.sme_org_id;
      const who = bySme ? smeName(after) : actorOrgId === after.provider_org_id ? providerName(after) : sql`'系统'`;
      const whoEn = bySme ? smeName(after) : actorOrgId === after.provider_org_id ? providerName(after) : sql`'The system'`;
      const news: News[] = [
        { kind: "booking.cancelled", ...toProvider, body_zh: sql`${who} || ' 取消了预约 ' || ${what(after)} || ${reason}`, body_en: sql`${whoEn} || ' cancelled the booking ' || ${whatEn(after)} || ${reasonEn}` },
      ];
      if (!bySme) {
        news.push({ kind: "booking.cancelled", ...toSme, body_zh: sql`'您的预约已被取消 ' || ${what(after)} || ${reason}`, body_en: sql`'Your booking was cancelled: ' || ${whatEn(after)} || ${reasonEn}` });
      }
      return news;
    }
    default:
      return [];
  }
}

/** The agency whose programme subsidises the booking, when the move is one it must hear of (a dispute). */
export async function concernedAgency(store: Store, before: Booking, after: Booking): Promise<string | null> {
  if (before.confirmation_state === "disputed" || after.confirmation_state !== "disputed" || !after.programme_id) return null;
  // A programme's agency never changes, so reading it before the write is safe.
  const [row] = await store.db.select({ agency_org_id: programmes.agency_org_id }).from(programmes).where(eq(programmes.id, after.programme_id));
  return row?.agency_org_id ?? null;
}

/**
 * The statements announcing a booking's creation (before = null) or move, for its batch.
 * `agencyOrgId` (from concernedAgency) is told of disputes.
 */
export async function bookingNews(
  before: Booking | null,
  after: Booking,
  actor: { user_id: string | null; org_id: string | null },
  now: number,
  agencyOrgId: string | null = null,
): Promise<SQLWrapper[]> {
  const statements: SQLWrapper[] = [];
  for (const news of newsFor(before, after, actor.org_id, agencyOrgId)) {
    statements.push(
      ...(await announce(
        {
          ...news,
          subject_type: "booking",
          subject_id: after.id,
          except_user_id: actor.user_id,
          data: {
            booking_id: after.id,
            status: after.status,
            offering_id: after.offering_id,
            quantity: after.quantity,
            starts_at: new Date(after.starts_at).toISOString(),
            ends_at: new Date(after.ends_at).toISOString(),
            gross_fen: after.gross_fen,
            subsidy_fen: after.subsidy_fen,
            copay_fen: after.copay_fen,
          },
        },
        now,
      )),
    );
  }
  return statements;
}

/**
 * The reminder that a request lapses soon, to the provider whose confirmation it waits for.
 * Written by the reminder sweep with its once-only gate (src/services/reminders.ts).
 */
export function bookingLapsingNews(booking: Booking, gate: { once_key: string; only_if: SQL }, now: number): Promise<SQLWrapper[]> {
  const deadline = shanghaiText(booking.confirm_by_at ?? now);
  return announce(
    {
      kind: "booking.lapsing",
      subject_type: "booking",
      subject_id: booking.id,
      link: providerLink(booking),
      body_zh: sql`${smeName(booking)} || ${` 的预约请求将于 ${deadline} 失效，请尽快确认或拒绝：`} || ${what(booking)}`,
      body_en: sql`${smeName(booking)} || ${`'s request lapses at ${deadline} (Beijing time) unless you confirm or reject it: `} || ${whatEn(booking)}`,
      to: [{ org_id: booking.provider_org_id }],
      data: { booking_id: booking.id, status: booking.status, confirm_by_at: new Date(booking.confirm_by_at ?? now).toISOString() },
      ...gate,
    },
    now,
  );
}

/**
 * The news of an extension or a reschedule, for the change's own batch: the provider hears what
 * changed (old and new range, the new price), and so does the SME's organisation (the person who
 * made the change excepted), so both see it beside the booking's status history.
 */
export function bookingChangeNews(kind: "extend" | "reschedule", before: Booking, after: Booking, actor: { user_id: string | null; org_id: string | null }, now: number): Promise<SQLWrapper[]> {
  const from = `${shanghaiText(before.starts_at)} – ${shanghaiText(before.ends_at)}`;
  const to = `${shanghaiText(after.starts_at)} – ${shanghaiText(after.ends_at)}`;
  const verbZh = kind === "extend" ? "延长了预约" : "改期了预约";
  const verbEn = kind === "extend" ? "extended the booking" : "rescheduled the booking";
  const yuan = formatCny;
  const price = `（总价 ${yuan(after.gross_fen)}，券补贴 ${yuan(after.subsidy_fen)}）`;
  const priceEn = ` (total ${yuan(after.gross_fen)}, voucher subsidy ${yuan(after.subsidy_fen)})`;
  const body_zh = sql`${smeName(after)} || ${` ${verbZh} `} || ${offeringName(after)} || ${` × ${after.quantity}：${from} → ${to}${price}`}`;
  const body_en = sql`${smeName(after)} || ${` ${verbEn} `} || ${offeringName(after)} || ${` × ${after.quantity}: ${from} → ${to} (Beijing time)${priceEn}`}`;
  const base = {
    kind: kind === "extend" ? ("booking.extended" as const) : ("booking.rescheduled" as const),
    subject_type: "booking",
    subject_id: after.id,
    except_user_id: actor.user_id,
    body_zh,
    body_en,
    data: {
      booking_id: after.id,
      status: after.status,
      offering_id: after.offering_id,
      quantity: after.quantity,
      previous_starts_at: new Date(before.starts_at).toISOString(),
      previous_ends_at: new Date(before.ends_at).toISOString(),
      starts_at: new Date(after.starts_at).toISOString(),
      ends_at: new Date(after.ends_at).toISOString(),
      gross_fen: after.gross_fen,
      subsidy_fen: after.subsidy_fen,
      copay_fen: after.copay_fen,
    },
  };
  return Promise.all([
    announce({ ...base, to: [{ org_id: after.provider_org_id }], link: providerLink(after) }, now),
    announce({ ...base, to: [{ org_id: after.sme_org_id }], link: smeLink(after) }, now),
  ]).then((parts) => parts.flat());
}
