// The load generator, run as its own process so its work is not the server's: autocannon with
// `connections` open at once for a warm-up and then a measured run. For bookings every request
// is a new booking (one card for one hour, a slot no other request takes) by one of many
// signed-in SMEs with its voucher, under its own Idempotency-Key. Prints one JSON result.
import autocannon, { type Request, type Result } from "autocannon";
import { HOUR_MS } from "../src/lib/time";

export interface LoadPlan {
  url: string;
  connections: number;
  warmup_s: number;
  duration_s: number;
  /** A bare JSON GET, bookings, voucher applications (one per SME token) or their approvals. */
  kind: "bare" | "booking" | "apply" | "approve";
  run_id: string;
  smes: { token: string; voucher_id: string }[];
  offering_ids: string[];
  first_slot_at: number;
  /** Stop after this many requests instead of after duration_s (the rush). */
  amount?: number;
  /** apply: one SME session token per request; approve: the reviewers' tokens, taken in turn. */
  tokens?: string[];
  programme_id?: string;
  requested_fen?: number;
  /** approve: one application per request. */
  application_ids?: string[];
}

export interface LoadResult {
  requests: number;
  ok: number;
  per_second: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  statuses: Record<string, number>;
  errors: number;
  /** Errors by code or message (ECONNRESET, …), measured run only. */
  error_kinds?: Record<string, number>;
  timeouts: number;
  /** Successful requests during the warm-up (bookings made, but not timed). */
  warmup_ok: number;
}

function bookingRequest(plan: LoadPlan): Request {
  let n = 0;
  return {
    method: "POST",
    path: "/api/bookings",
    setupRequest(request) {
      const i = n++;
      const sme = plan.smes[i % plan.smes.length] as LoadPlan["smes"][number];
      const offering = plan.offering_ids[i % plan.offering_ids.length] as string;
      const startsAt = plan.first_slot_at + Math.floor(i / plan.offering_ids.length) * HOUR_MS;
      return {
        ...request,
        headers: {
          "Content-Type": "application/json",
          Cookie: `session=${sme.token}`,
          // Unsafe requests carry their site's Origin, as a browser's do (others are refused).
          Origin: new URL(plan.url).origin,
          "Idempotency-Key": `bench-${plan.run_id}-${i}`,
        },
        body: JSON.stringify({
          offering_id: offering,
          quantity: 1,
          starts_at: new Date(startsAt).toISOString(),
          ends_at: new Date(startsAt + HOUR_MS).toISOString(),
          voucher_id: sme.voucher_id,
        }),
      };
    },
  };
}

/** Request i is the i-th SME's application (each SME applies once). */
function applyRequest(plan: LoadPlan): Request {
  const tokens = plan.tokens ?? [];
  let n = 0;
  return {
    method: "POST",
    path: "/api/voucher-applications",
    setupRequest(request) {
      const i = n++ % tokens.length;
      return {
        ...request,
        headers: { "Content-Type": "application/json", Cookie: `session=${tokens[i]}`, Origin: new URL(plan.url).origin },
        body: JSON.stringify({ programme_id: plan.programme_id, requested_fen: plan.requested_fen, purpose: `模型训练算力 ${i}` }),
      };
    },
  };
}

/** Request i approves the i-th application, by the reviewers in turn, each under its own Idempotency-Key. */
function approveRequest(plan: LoadPlan): Request {
  const tokens = plan.tokens ?? [];
  const ids = plan.application_ids ?? [];
  let n = 0;
  return {
    method: "POST",
    path: "/api/voucher-applications",
    setupRequest(request) {
      const i = n++ % ids.length;
      return {
        ...request,
        path: `/api/voucher-applications/${ids[i]}/approve`,
        headers: {
          "Content-Type": "application/json",
          Cookie: `session=${tokens[i % tokens.length]}`,
          Origin: new URL(plan.url).origin,
          "Idempotency-Key": `approve-${plan.run_id}-${i}`,
        },
        body: "{}",
      };
    },
  };
}

function summary(r: Result, warmup: Result | null): LoadResult {
  const statuses = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]));
  return {
    requests: r.requests.total,
    ok: r["2xx"],
    per_second: r["2xx"] / r.duration,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    max_ms: r.latency.max,
    statuses,
    errors: r.errors,
    timeouts: r.timeouts,
    warmup_ok: warmup?.["2xx"] ?? 0,
  };
}

const plan = JSON.parse(process.argv[2] as string) as LoadPlan;
const requests = [
  plan.kind === "booking" ? bookingRequest(plan) : plan.kind === "apply" ? applyRequest(plan) : plan.kind === "approve" ? approveRequest(plan) : { method: "GET", path: "/api/bench/bare" },
];
const options = { url: plan.url, connections: plan.connections, timeout: 30, requests };
const warmup = plan.warmup_s > 0 ? await autocannon({ ...options, duration: plan.warmup_s }) : null;
// Tells the parent the measured run starts now (it reads the server's CPU time at this line).
process.stderr.write("measuring\n");
// What the errors were (autocannon counts them, without saying which).
const errorKinds: Record<string, number> = {};
const run = autocannon(plan.amount ? { ...options, amount: plan.amount } : { ...options, duration: plan.duration_s });
run.on("reqError", (error: Error & { code?: string }) => {
  const kind = error.code ?? error.message;
  errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
});
const result = await run;
process.stdout.write(JSON.stringify({ ...summary(result, warmup), error_kinds: errorKinds }));
