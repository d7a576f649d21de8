// A statement shape (src/db/store.ts) compiles a write once with placeholders and binds each
// use's values: it must give the same SQL and parameters as the write built afresh, and a refused
// shaped write must leave nothing of its batch behind. (The guards themselves are raced on both
// drivers in tests/api/bookings-race.test.ts, whose writes are now shaped.)
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openNodeStore } from "../../src/db/node";
import { compile, statementShape } from "../../src/db/store";
import { reserveSlots } from "../../src/services/capacity";
import { auditStatement } from "../../src/db/audit";

describe("statement shapes", () => {
  const double = statementShape<{ id: string; n: number; flag: boolean; note: string | null }>(
    (v) => sql`SELECT ${v.id} AS id, ${v.n} * 2 AS n, ${v.flag} AS flag, ${v.note} AS note, ${"fixed"} AS fixed`,
  );

  it("binds each use's values into the text compiled once, as building the statement afresh would", () => {
    const a = double({ id: "a", n: 2, flag: true, note: null });
    const b = double({ id: "b", n: 5, flag: false, note: "x" });
    expect(compile(a)).toEqual({ sql: compile(b).sql, params: ["a", 2, 1, null, "fixed"] });
    expect(compile(b).params).toEqual(["b", 5, 0, "x", "fixed"]);
    expect(compile(b)).toEqual(compile({ getSQL: () => b.getSQL() }));
  });

  it("refuses a use that leaves a value out", () => {
    expect(() => compile(double({ id: "a", n: 1, flag: true } as never))).toThrow(/no value for "note"/);
  });

  it("a refused shaped write rolls back its whole batch: the shaped audit event before it is not written", async () => {
    const store = openNodeStore(":memory:");
    const count = async () => (await store.all<{ n: number }>(sql.raw("SELECT count(*) AS n FROM audit_events")))[0]?.n;
    const meta = { at: 1, request_id: "req_test", actor_user_id: null, actor_org_id: null };
    const event = { action: "test.done", subject_type: "test", subject_id: "t1" };
    await store.batch([auditStatement(store, meta, event)]);
    expect(await count()).toBe(1);
    // No such offering: the slot row's capacity is NULL, which slot_usage refuses.
    const slots = reserveSlots({ offering_id: "off_missing", starts_at: 0, ends_at: 7_200_000, quantity: 1 }, 60);
    await expect(store.batch([auditStatement(store, meta, { ...event, subject_id: "t2" }), slots])).rejects.toThrow();
    expect(await count()).toBe(1);
    store.close();
  });
});
