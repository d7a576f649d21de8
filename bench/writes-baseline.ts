// Baseline (b) of the booking benchmark: what SQLite alone needs for a booking's writes. The
// statements are the application's own (createBookingStatements, the idempotency record and the
// audit event, compiled to SQL text and parameters before the clock starts); they are then
// prepared once and run, one booking per transaction, on plain better-sqlite3: no HTTP, no
// routing, no reads, no query building.
import BetterSqlite3 from "better-sqlite3";
import { eq } from "drizzle-orm";
import { auditStatement } from "../src/db/audit";
import { openNodeStore } from "../src/db/node";
import { idempotency_keys, organisations, users } from "../src/db/schema";
import { compile, type CompiledQuery } from "../src/db/store";
import { HOUR_MS } from "../src/lib/time";
import { planBooking, type Plan } from "../src/services/booking-plan";
import { createBookingStatements, presentBooking } from "../src/services/bookings";
import { benchId, type BookingSeed } from "./booking-seed";

/** Every booking's writes as SQL text and parameters, built by the application's own code. */
async function compiledBookings(path: string, seed: BookingSeed, count: number, now: number): Promise<CompiledQuery[][]> {
  const store = openNodeStore(path);
  const plans: Plan[] = [];
  const first = seed.smes[0] as BookingSeed["smes"][number];
  const [org] = await store.db.select().from(organisations).where(eq(organisations.id, first.org_id));
  const [user] = await store.db.select().from(users).where(eq(users.id, first.user_id));
  if (!org || !user) throw new Error("the booking seed has no first SME");
  const actor = { org, user, sessionId: "bench", sessionExpiresAt: now + HOUR_MS };
  for (const offering_id of seed.offering_ids) {
    const input = { offering_id, quantity: 1, starts_at: seed.first_slot_at, ends_at: seed.first_slot_at + HOUR_MS, voucher_id: first.voucher_id };
    plans.push(await planBooking(store, actor, input, now));
  }
  const batches: CompiledQuery[][] = [];
  for (let i = 0; i < count; i++) {
    const sme = seed.smes[i % seed.smes.length] as BookingSeed["smes"][number];
    const base = plans[i % plans.length] as Plan;
    const plan = { ...base, terms: base.terms && { ...base.terms, voucher_id: sme.voucher_id } };
    const starts_at = seed.first_slot_at + Math.floor(i / plans.length) * HOUR_MS;
    const input = { offering_id: base.offering.id, quantity: 1, starts_at, ends_at: starts_at + HOUR_MS, voucher_id: sme.voucher_id };
    const id = benchId("bkgraw", i);
    const made = createBookingStatements(store, plan, input, { user_id: sme.user_id, org_id: sme.org_id }, id, now);
    const meta = { at: now, request_id: `req_${i}`, actor_user_id: sme.user_id, actor_org_id: sme.org_id };
    const record = store.db.insert(idempotency_keys).values({
      user_id: sme.user_id,
      key: `raw-${i}`,
      request_hash: "0".repeat(64),
      response_status: 201,
      response_body: JSON.stringify(presentBooking(made.booking)),
      created_at: now,
    });
    batches.push([...made.statements, record, ...made.events.map((e) => auditStatement(store, meta, e))].map(compile));
  }
  store.close();
  return batches;
}

export interface WritesResult {
  bookings: number;
  per_second: number;
}

/** Bookings per second for the prepared writes alone, with the given durability: up to `count` bookings, for at most `seconds`. */
export async function measureWrites(path: string, seed: BookingSeed, count: number, seconds: number, synchronous: "FULL" | "NORMAL", now: number): Promise<WritesResult> {
  const batches = await compiledBookings(path, seed, count, now);
  const db = new BetterSqlite3(path);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma(`synchronous = ${synchronous}`);
  const prepared = new Map<string, BetterSqlite3.Statement>();
  const statement = (text: string) => {
    let s = prepared.get(text);
    if (!s) prepared.set(text, (s = db.prepare(text)));
    return s;
  };
  for (const batch of batches) for (const q of batch) statement(q.sql);
  const book = db.transaction((batch: CompiledQuery[]) => {
    for (const q of batch) {
      const s = statement(q.sql);
      if (s.reader) s.all(...q.params);
      else s.run(...q.params);
    }
  });
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let done = 0;
  while (done < batches.length && performance.now() < deadline) book(batches[done++] as CompiledQuery[]);
  const elapsed = (performance.now() - started) / 1000;
  const made = (db.prepare("SELECT count(*) AS n FROM bookings WHERE id LIKE 'bkgraw_%'").get() as { n: number }).n;
  db.close();
  if (made !== done) throw new Error(`the raw writes made ${made} bookings, not ${done}`);
  return { bookings: done, per_second: done / elapsed };
}
