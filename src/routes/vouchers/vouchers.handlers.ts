import type { RouteHandler } from "@hono/zod-openapi";
import { and, desc, eq, or, sql } from "drizzle-orm";
import { commit } from "../../db/atomic";
import { idempotent } from "../../db/idempotency";
import { ledger_accounts, ledger_transfers, organisations, programmes, vouchers, type Voucher } from "../../db/schema";
import type { Store } from "../../db/store";
import type { Actor, AppEnv } from "../../lib/context";
import { conflict, notFound } from "../../lib/errors";
import { actorOf } from "../../lib/route";
import { endVoucher } from "../../services/voucher-end";
import { readVoucherWithBalance, voucherWithBalanceColumns } from "../../services/vouchers";
import { presentTransfer, presentVoucher, presentVoucherBalance } from "./present";
import type * as routes from "./vouchers.routes";

const NOT_FOUND = ["创新券", "Voucher"] as const;

/** The SME holding it, or the agency owning its programme; anyone else gets 404. */
async function visibleVoucher(store: Store, actor: Actor, voucherId: string) {
  const row = await readVoucherWithBalance(store, voucherId);
  if (!row) throw notFound(...NOT_FOUND);
  if (actor.org.kind === "sme" && row.voucher.sme_org_id === actor.org.id) return row;
  if (actor.org.kind === "agency" && (await agencyOwnsProgramme(store, actor, row.voucher.programme_id))) return row;
  throw notFound(...NOT_FOUND);
}

async function agencyOwnsProgramme(store: Store, actor: Actor, programmeId: string): Promise<boolean> {
  const [owned] = await store.db
    .select({ id: programmes.id })
    .from(programmes)
    .where(and(eq(programmes.id, programmeId), eq(programmes.agency_org_id, actor.org.id)));
  return owned !== undefined;
}

export const listVouchers: RouteHandler<typeof routes.listVouchers, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { status, programme_id, limit, offset } = c.req.valid("query");
  const scope = actor.org.kind === "agency" ? eq(programmes.agency_org_id, actor.org.id) : eq(vouchers.sme_org_id, actor.org.id);
  const rows = await c.var.store.db
    .select({ ...voucherWithBalanceColumns, sme_name: organisations.name, programme_name: programmes.name })
    .from(vouchers)
    .innerJoin(ledger_accounts, eq(ledger_accounts.id, vouchers.account_id))
    .innerJoin(programmes, eq(programmes.id, vouchers.programme_id))
    .innerJoin(organisations, eq(organisations.id, vouchers.sme_org_id))
    .where(and(scope, status ? eq(vouchers.status, status) : undefined, programme_id ? eq(vouchers.programme_id, programme_id) : undefined))
    .orderBy(desc(vouchers.issued_at), vouchers.id)
    .limit(limit)
    .offset(offset);
  return c.json({ items: rows.map((r) => ({ ...presentVoucher(r), sme_name: r.sme_name, programme_name: r.programme_name })), limit, offset }, 200);
};

export const getVoucher: RouteHandler<typeof routes.getVoucher, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { transfers_limit: limit, transfers_offset: offset } = c.req.valid("query");
  const store = c.var.store;
  const row = await visibleVoucher(store, actorOf(c), id);
  const accountId = row.voucher.account_id;
  // Newest first; within one millisecond, in commit order (rowid).
  const touches = or(eq(ledger_transfers.debit_account_id, accountId), eq(ledger_transfers.credit_account_id, accountId));
  const [items, [count], [names], [settlement]] = await Promise.all([
    store.db.select().from(ledger_transfers).where(touches).orderBy(desc(ledger_transfers.created_at), sql`rowid DESC`).limit(limit).offset(offset),
    store.db.select({ total: sql<number>`count(*)` }).from(ledger_transfers).where(touches),
    store.db
      .select({ sme_name: organisations.name, programme_name: programmes.name })
      .from(vouchers)
      .innerJoin(organisations, eq(organisations.id, vouchers.sme_org_id))
      .innerJoin(programmes, eq(programmes.id, vouchers.programme_id))
      .where(eq(vouchers.id, row.voucher.id)),
    // Settled: its bookings' claim was paid (they are 'settled'); in claims: in a claim not yet paid.
    store.all<{ settled: number | null; in_claims: number | null }>(sql`
      SELECT (SELECT sum(delivered_subsidy_fen) FROM bookings WHERE voucher_id = ${row.voucher.id} AND status = 'settled') AS settled,
             (SELECT sum(cb.subsidy_fen) FROM claim_bookings cb JOIN claims c ON c.id = cb.claim_id JOIN bookings b ON b.id = cb.booking_id
              WHERE b.voucher_id = ${row.voucher.id} AND c.status IN ('submitted', 'returned', 'reviewed', 'on_notice')) AS in_claims`),
  ]);
  if (!names) throw new Error(`voucher ${row.voucher.id} lost its holder or programme`);
  // The held amount behind each post or void on this page, so a delivery's row shows what it released.
  const pendingIds = items.flatMap((t) => (t.pending_id ? [t.pending_id] : []));
  const held = pendingIds.length === 0 ? [] : await store.all<{ id: string; amount_fen: number }>(sql`SELECT id, amount_fen FROM ledger_transfers WHERE id IN (SELECT value FROM json_each(${JSON.stringify(pendingIds)}))`);
  const heldById = new Map(held.map((h) => [h.id, Number(h.amount_fen)]));
  const transfers = { items: items.map((t) => presentTransfer(accountId, t, t.pending_id ? (heldById.get(t.pending_id) ?? null) : null)), total: Number(count?.total ?? 0), limit, offset };
  const settled = { settled_fen: Number(settlement?.settled ?? 0), in_claims_fen: Number(settlement?.in_claims ?? 0) };
  return c.json({ ...presentVoucher(row), ...names, settlement: settled, transfers }, 200);
};

const notActive = (voucher: Pick<Voucher, "status">) =>
  conflict("voucher_not_active", `创新券已${voucher.status === "revoked" ? "撤销" : "失效"} / The voucher is already ${voucher.status}`);

export const revokeVoucher: RouteHandler<typeof routes.revokeVoucher, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const store = c.var.store;
  return idempotent(c, body, async (record) => {
    const actor = actorOf(c);
    const row = await visibleVoucher(store, actor, id);
    if (actor.org.kind !== "agency") throw notFound(...NOT_FOUND);
    if (row.voucher.status !== "active") throw notActive(row.voucher);
    let result: { status: 200; body: ReturnType<typeof presentVoucherBalance> } | undefined;
    const ended = await endVoucher(store, id, { status: "revoked", reason: body.reason }, c.var.now(), async (step) => {
      if (!step.final) {
        await commit(c, step.statements, step.events);
        return;
      }
      const face = step.voucher.face_value_fen;
      const balance = { face_value_fen: face, held_fen: 0, spent_fen: face - step.returned_fen, lapsed_fen: step.returned_fen, available_fen: 0 };
      result = { status: 200, body: presentVoucherBalance(step.voucher, balance) };
      await commit(c, [...step.statements, record(result)], step.events);
    });
    if (ended.kind === "deferred") {
      throw conflict(
        "bookings_in_service",
        `有预约正在使用此券（${ended.booking_ids.join(", ")}），交付后才能撤销 / Bookings in service hold on this voucher (${ended.booking_ids.join(", ")}); revoke it after their delivery`,
        { booking_ids: ended.booking_ids },
      );
    }
    if (ended.kind !== "ended" || !result) throw notActive((await readVoucherWithBalance(store, id))?.voucher ?? row.voucher);
    return result;
  }) as never;
};
