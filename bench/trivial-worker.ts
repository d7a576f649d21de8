// A stand-in Worker for the D1 burst bench (bench/d1.ts, `--trivial`): none of the product's code,
// only D1 calls of the same kind a booking makes, so the local runtime (wrangler dev's proxy,
// workerd, miniflare's D1) can be measured under the same bursts without the product. POST
// /api/bookings reads the session, the Idempotency-Key, the offering and the hour (four reads, as a
// refusal at read costs in the product), answers 409 when the hour is full, and otherwise takes one
// unit in one batch whose CHECK (slot_capacity_exceeded) is the guard, storing the key beside it.
// Every answer carries the isolate's id (random, drawn by its first request) and how many distinct `env.DB`
// objects this isolate has seen, to tell a restarted isolate from a dropped connection.
interface D1 {
  prepare(sql: string): { bind(...values: unknown[]): { all(): Promise<{ results?: Record<string, unknown>[] }> } };
  batch(statements: unknown[]): Promise<unknown>;
}

let isolate: string | null = null; // no random values in global scope on Workers
const seenDbs = new WeakSet<object>();
let distinctDbs = 0;

async function sha256Hex(text: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function book(request: Request, db: D1): Promise<Response> {
  const token = /session=([^;]+)/.exec(request.headers.get("Cookie") ?? "")?.[1] ?? "";
  const key = request.headers.get("Idempotency-Key") ?? "";
  const body = (await request.json()) as { offering_id: string; starts_at: string };
  const first = (sql: string, ...values: unknown[]) => db.prepare(sql).bind(...values).all().then((r) => r.results?.[0]);
  const session = await first("SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?", await sha256Hex(token));
  if (!session) return Response.json({ error: "unauthorised" }, { status: 401 });
  const stored = await first("SELECT response_status FROM idempotency_keys WHERE user_id = ? AND key = ?", session.user_id, key);
  if (stored) return Response.json({ replayed: true }, { status: Number(stored.response_status) });
  const offering = await first("SELECT id, capacity_units FROM offerings WHERE id = ?", body.offering_id);
  if (!offering) return Response.json({ error: "not_found" }, { status: 404 });
  const startsAt = Date.parse(body.starts_at);
  const slot = await first("SELECT booked_units, capacity_units FROM slot_usage WHERE offering_id = ? AND slot_start_at = ?", offering.id, startsAt);
  if (slot && Number(slot.booked_units) >= Number(slot.capacity_units)) return Response.json({ error: "slot_full" }, { status: 409 });
  try {
    await db.batch([
      db
        .prepare(
          `INSERT INTO slot_usage (offering_id, slot_start_at, booked_units, capacity_units) VALUES (?, ?, 1, ?)
           ON CONFLICT (offering_id, slot_start_at) DO UPDATE SET booked_units = booked_units + 1`,
        )
        .bind(offering.id, startsAt, offering.capacity_units),
      db.prepare("INSERT INTO idempotency_keys (user_id, key, request_hash, response_status, response_body, created_at) VALUES (?, ?, 'x', 201, '{}', ?)").bind(session.user_id, key, Date.now()),
    ]);
  } catch (error) {
    if (String(error).includes("slot_capacity_exceeded")) return Response.json({ error: "slot_full" }, { status: 409 });
    throw error;
  }
  return Response.json({ booked: true }, { status: 201 });
}

export default {
  async fetch(request: Request, env: { DB: D1 }) {
    if (!seenDbs.has(env.DB as object)) {
      seenDbs.add(env.DB as object);
      distinctDbs++;
    }
    const path = new URL(request.url).pathname;
    const response = request.method === "POST" && path === "/api/bookings" ? await book(request, env.DB) : Response.json({ ok: true });
    isolate ??= crypto.randomUUID();
    response.headers.set("X-Isolate", isolate);
    response.headers.set("X-Distinct-Env-DB", String(distinctDbs));
    return response;
  },
};
