// The atomic batch on both drivers (a better-sqlite3 transaction, a D1 batch): a violated guard
// fails its statement and the whole batch rolls back, audit events included (DESIGN §4, §5).
import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { commitAs } from "../../src/db/atomic";
import type { AuditMeta } from "../../src/db/audit";
import { constraintViolation } from "../../src/db/constraints";
import { transition } from "../../src/db/guards";
import { audit_events, ledger_accounts, organisations } from "../../src/db/schema";
import { newId } from "../../src/lib/ids";
import { newClient, signupBody, signUpProvider, uniqueCreditCode, uniqueSuffix } from "../support/fixtures";

const harness = await createHarness();
const { store } = harness;
const db = store.db;

/** A voucher-like account: its debits (pending + posted) may never exceed its posted credits. */
function voucherAccount(credits_posted_fen: number, debits_posted_fen = 0) {
  return {
    id: newId("acc"),
    kind: "voucher" as const,
    credits_posted_fen,
    debits_posted_fen,
    debits_must_not_exceed_credits: true,
    credits_must_not_exceed_debits: false,
    created_at: harness.clock.now,
  };
}

const accountRows = (ids: string[]) => db.select().from(ledger_accounts).where(inArray(ledger_accounts.id, ids));

/** The batch's failure, mapped to the guard it names. */
async function guardFailure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "the batch should have failed").not.toBeNull();
  return constraintViolation(error);
}

function providerOrg() {
  return {
    id: newId("org"),
    kind: "provider" as const,
    name: `原子测试 ${uniqueSuffix()}`,
    credit_code: uniqueCreditCode(),
    region_code: "110108",
    size_class: "small" as const,
    founded_on: "2024-01-01",
    provider_status: "active" as const,
    created_at: harness.clock.now,
  };
}

describe(`atomic batches on ${harness.driver}`, () => {
  it("a CHECK violated by a later statement rolls back the earlier ones", async () => {
    const earlier = voucherAccount(100);
    const overdrawn = voucherAccount(100, 101);
    const violation = await guardFailure(
      store.batch([db.insert(ledger_accounts).values(earlier), db.insert(ledger_accounts).values(overdrawn)]),
    );
    expect(violation).toEqual({ kind: "check", name: "ledger_account_overdrawn" });
    expect(await accountRows([earlier.id, overdrawn.id])).toEqual([]);
  });

  it("two holds that together overdraw an account: the second fails and the first is undone", async () => {
    const account = voucherAccount(100);
    await store.batch([db.insert(ledger_accounts).values(account)]);
    const hold = db
      .update(ledger_accounts)
      .set({ debits_pending_fen: sql`${ledger_accounts.debits_pending_fen} + 60` })
      .where(eq(ledger_accounts.id, account.id));
    expect(await guardFailure(store.batch([hold, hold]))).toEqual({ kind: "check", name: "ledger_account_overdrawn" });
    expect((await accountRows([account.id]))[0]?.debits_pending_fen).toBe(0);

    await store.batch([hold]);
    expect((await accountRows([account.id]))[0]?.debits_pending_fen).toBe(60);
  });

  it("a UNIQUE violation rolls back the batch", async () => {
    // At most one verified organisation per credit code (unverified registrations may share one).
    const first = { ...providerOrg(), verification_state: "verified" as const };
    const second = { ...providerOrg(), credit_code: first.credit_code, verification_state: "verified" as const };
    const violation = await guardFailure(
      store.batch([db.insert(organisations).values(first), db.insert(organisations).values(second)]),
    );
    expect(violation).toEqual({ kind: "unique", name: "organisations.credit_code" });
    expect(await db.select().from(organisations).where(eq(organisations.credit_code, first.credit_code))).toEqual([]);
  });

  it("an UPDATE that matches no row does NOT fail the batch (so a WHERE on state is no guard)", async () => {
    const account = voucherAccount(100);
    await store.batch([
      db.insert(ledger_accounts).values(account),
      db.update(ledger_accounts).set({ debits_posted_fen: 1 }).where(eq(ledger_accounts.id, "acc_doesnotexist")),
    ]);
    expect(await accountRows([account.id])).toHaveLength(1);
  });

  it("batches handed in at once stay separate: each commits or fails whole, in order, with its own rows back", async () => {
    // On Node these share one commit (group commit, src/db/node.ts): each is a savepoint of it.
    const account = voucherAccount(100);
    await store.batch([db.insert(ledger_accounts).values(account)]);
    const hold = (fen: number) =>
      db
        .update(ledger_accounts)
        .set({ debits_pending_fen: sql`${ledger_accounts.debits_pending_fen} + ${fen}` })
        .where(eq(ledger_accounts.id, account.id))
        .returning({ debits_pending_fen: ledger_accounts.debits_pending_fen });
    const [a, b, c] = [voucherAccount(1), voucherAccount(2), voucherAccount(3)];
    const outcomes = await Promise.allSettled([
      store.batch([db.insert(ledger_accounts).values(a), hold(60)]),
      store.batch([db.insert(ledger_accounts).values(b), hold(60)]),
      store.batch([db.insert(ledger_accounts).values(c), hold(40)]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(outcomes[0]).toMatchObject({ value: [[], [{ debits_pending_fen: 60 }]] });
    expect(outcomes[2]).toMatchObject({ value: [[], [{ debits_pending_fen: 100 }]] });
    expect(constraintViolation((outcomes[1] as PromiseRejectedResult).reason)).toEqual({ kind: "check", name: "ledger_account_overdrawn" });
    expect((await accountRows([a.id, b.id, c.id])).map((r) => r.id).sort()).toEqual([a.id, c.id].sort());
    expect((await accountRows([account.id]))[0]?.debits_pending_fen).toBe(100);
  });

  it("transition() fails the batch when the row is not in an allowed state, and moves it when it is", async () => {
    const provider = providerOrg();
    await store.batch([db.insert(organisations).values(provider)]);
    const bystander = voucherAccount(10);
    const suspend = db
      .update(organisations)
      .set({ provider_status: transition(organisations.provider_status, ["suspended"], "active") })
      .where(eq(organisations.id, provider.id));
    const violation = await guardFailure(store.batch([db.insert(ledger_accounts).values(bystander), suspend]));
    // provider_status may be NULL only for non-providers, so the NULL transition() yields fails this CHECK.
    expect(violation).toEqual({ kind: "check", name: "organisations_provider_status_only_for_providers" });
    expect(await accountRows([bystander.id])).toEqual([]);
    const statusOf = async () => (await db.select().from(organisations).where(eq(organisations.id, provider.id)))[0]?.provider_status;
    expect(await statusOf()).toBe("active");

    const suspendForFraud = db
      .update(organisations)
      .set({ provider_status: transition(organisations.provider_status, ["active"], "suspended") })
      .where(eq(organisations.id, provider.id));
    await store.batch([suspendForFraud]);
    expect(await statusOf()).toBe("suspended");
  });
});

describe(`audit events in the same batch on ${harness.driver}`, () => {
  const meta = (): AuditMeta => ({ at: harness.clock.now, request_id: `req-${uniqueSuffix()}`, actor_user_id: null, actor_org_id: null });
  const eventsOf = (requestId: string) =>
    db.select().from(audit_events).where(eq(audit_events.request_id, requestId)).orderBy(audit_events.seq);
  const event = (subject_id: string, action: string) => ({ action, subject_type: "ledger_account", subject_id });

  it("commits events with the change, with increasing sequence numbers", async () => {
    const [first, second] = [meta(), meta()];
    const a = voucherAccount(5);
    const b = voucherAccount(5);
    await commitAs(store, first, [db.insert(ledger_accounts).values(a)], [event(a.id, "test.opened"), event(a.id, "test.checked")]);
    await commitAs(store, second, [db.insert(ledger_accounts).values(b)], [event(b.id, "test.opened")]);

    const firstEvents = await eventsOf(first.request_id);
    const secondEvents = await eventsOf(second.request_id);
    expect(firstEvents.map((e) => e.action)).toEqual(["test.opened", "test.checked"]);
    expect(firstEvents[1]?.seq).toBeGreaterThan(firstEvents[0]?.seq as number);
    expect(secondEvents[0]?.seq).toBeGreaterThan(firstEvents[1]?.seq as number);
    expect(firstEvents[0]).toMatchObject({ at: first.at, subject_id: a.id, hash: null });
  });

  it("writes no event when the batch fails", async () => {
    const failed = meta();
    const account = voucherAccount(1, 2);
    await guardFailure(commitAs(store, failed, [db.insert(ledger_accounts).values(account)], [event(account.id, "test.opened")]));
    expect(await eventsOf(failed.request_id)).toEqual([]);
    expect(await accountRows([account.id])).toEqual([]);
  });
});

describe(`every change through the API is audited under its request id on ${harness.driver}`, () => {
  const eventsFor = async (res: { headers: Headers }) => {
    const requestId = res.headers.get("X-Request-Id") as string;
    expect(requestId).toBeTruthy();
    const rows = await db.select().from(audit_events).where(eq(audit_events.request_id, requestId)).orderBy(audit_events.seq);
    return rows.map((e) => `${e.action} ${e.subject_id} by ${e.actor_user_id}`);
  };

  it("sign-up, login, logout and 'log out everywhere'", async () => {
    const client = newClient(harness);
    const body = signupBody("sme");
    const signup = await client.post("/api/auth/signup", body);
    const { user, organisation } = signup.body;
    expect(await eventsFor(signup)).toEqual([`organisation.registered ${organisation.id} by null`, `user.created ${user.id} by null`]);

    const laptop = newClient(harness);
    const login = await laptop.post("/api/auth/login", { email: body.user.email, password: body.user.password });
    expect(await eventsFor(login)).toEqual([`user.signed_in ${user.id} by ${user.id}`]);
    expect(await eventsFor(await client.post("/api/auth/logout"))).toEqual([`user.signed_out ${user.id} by ${user.id}`]);
    expect(await eventsFor(await laptop.post("/api/auth/logout-all"))).toEqual([`user.signed_out_everywhere ${user.id} by ${user.id}`]);
  });

  it("an agency's decision on a provider, with the state before and after", async () => {
    const provider = await signUpProvider(harness, { approved: true });
    const approvals = await db.select().from(audit_events).where(eq(audit_events.subject_id, provider.org.id));
    const approval = approvals.find((e) => e.action === "provider.approved");
    // Sign-up listed the provider, pending, with every agency; the approving agency's row moved.
    expect(JSON.parse(approval?.before_json as string)).toMatchObject({ status: "pending", agency_org_id: approval?.actor_org_id });
    expect(JSON.parse(approval?.after_json as string)).toMatchObject({ status: "approved", agency_org_id: approval?.actor_org_id, decided_by: approval?.actor_user_id });
    expect(approval?.actor_org_id).not.toBe(provider.org.id);
    expect(approval?.actor_user_id).toMatch(/^usr_/);
  });
});
