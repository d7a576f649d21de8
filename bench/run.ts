// `npm run bench`: availability over 30 days for one offering, and a capacity search across
// 1,000 offerings with 100,000 existing bookings, on better-sqlite3 in a temporary file; then
// booking throughput over HTTP (bench/throughput.ts). Nothing is written into the repository but
// bench/results.json (git-ignored). The machine is shared and noisy, so every figure is also given
// as a ratio to a baseline measured in the same run.
// Then report generation over 1,000,000 ledger transfers (bench/report.ts) and audit chain
// verification speed (bench/audit-verify.ts).
// Between them, the application rush (bench/rush.ts): 2,000 SMEs apply at once, then approvals.
// Then 200-way booking bursts on one hour, on the Worker under `wrangler dev` with a local D1 and on
// the Node server on better-sqlite3 (bench/d1.ts; offline, 127.0.0.1, random ports).
// Flags: --skip-inprocess, --skip-growth, --skip-bookings, --skip-rush, --skip-report, --skip-audit,
// --skip-d1, --audit-events=N (default 200,000), --seconds=N (measured load per run), --profile=DIR,
// --bursts=N (default 10), --burst-size=N (default 200), --d1-via=proxy|direct|both (default both:
// through wrangler dev's proxy, and on the Worker's own workerd socket; docs/performance.md, "D1
// bursts, fifth round").
// Last, the catalogue's first paint on a throttled phone connection in Chromium (bench/first-paint.ts;
// --skip-web), and as Lighthouse measures it (bench/lighthouse.ts; --skip-lighthouse).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { eq } from "drizzle-orm";
import { createApp } from "../src/app";
import { openDirectoryBlobStore } from "../src/blobs/directory";
import { generateSessionToken, SESSION_COOKIE, sessionInsert } from "../src/auth/session";
import { openNodeStore } from "../src/db/node";
import { offerings, sessions } from "../src/db/schema";
import { DAY_MS, HOUR_MS, toShanghaiIso } from "../src/lib/time";
import { searchCapacity } from "../src/services/capacity-search";
import { slotAvailability } from "../src/services/offerings";
import { planBooking } from "../src/services/booking-plan";
import { benchNeed, benchSme, BOOKINGS, OFFERINGS, VOUCHERS, seedBench } from "./seed";
import { measureRush, type RushResult } from "./rush";
import { measureAuditVerify, type AuditVerifyResult } from "./audit-verify";
import { measureReport, type ReportResult } from "./report";
import { measureThroughput, type ThroughputResults } from "./throughput";
import { measureBursts, printBursts } from "./d1";
import { measureFirstPaint, printFirstPaint } from "./first-paint";
import { measureLighthouse, printLighthouse } from "./lighthouse";
import { printTable } from "./table";

interface Row {
  name: string;
  runs: number;
  p50_ms: number;
  p95_ms: number;
  /** The longest the event loop was held at once during the runs (it is let go between runs). */
  max_block_ms: number;
  /** This process's CPU time per run (user + system): steadier than wall time on a shared machine. */
  cpu_ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

async function measure(name: string, runs: number, work: () => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < Math.min(5, runs); i++) await work();
  const times: number[] = [];
  // A timer every millisecond: how late it fires is how long something held the loop.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  await turn();
  delay.enable();
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
    await turn();
  }
  const used = process.cpuUsage(cpu);
  delay.disable();
  times.sort((a, b) => a - b);
  return { name, runs, p50_ms: percentile(times, 0.5), p95_ms: percentile(times, 0.95), max_block_ms: delay.max / 1e6, cpu_ms: (used.user + used.system) / 1000 / runs };
}

function print(rows: Row[], baseline: Row) {
  const head = ["measurement", "runs", "p50 ms", "p95 ms", "p50 ÷ baseline", "p95 ÷ baseline", "loop held ms", "CPU ms each"];
  const body = rows.map((r) => [r.name, String(r.runs), r.p50_ms.toFixed(3), r.p95_ms.toFixed(3), (r.p50_ms / baseline.p50_ms).toFixed(1), (r.p95_ms / baseline.p95_ms).toFixed(1), r.max_block_ms.toFixed(1), r.cpu_ms.toFixed(3)]);
  printTable(head, body);
}

async function inProcess(dir: string, now: number): Promise<Row[]> {
  {
    const path = join(dir, "bench.sqlite");
    const store = openNodeStore(path);
    const seedStarted = performance.now();
    const seeded = seedBench(path, now);
    console.log(`seeded ${OFFERINGS} offerings, ${BOOKINGS} bookings, ${VOUCHERS} vouchers, ${seeded.slot_rows} slot rows in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s (${path})\n`);

    const actor = await benchSme(store, seeded, now);
    const { user } = actor;
    const token = generateSessionToken();
    await store.batch([store.db.insert(sessions).values(await sessionInsert(token, user.id, now))]);
    const app = createApp({ store: () => store, blobs: () => openDirectoryBlobStore(join(dirname(path), "blobs")), clientAddress: () => "127.0.0.1", now: () => now });
    const headers = { Cookie: `${SESSION_COOKIE}=${token}`, "Content-Type": "application/json", Origin: "http://localhost" };

    const offeringId = seeded.offering_ids[1] as string;
    const [offering] = await store.db.select().from(offerings).where(eq(offerings.id, offeringId));
    if (!offering) throw new Error("no offering to measure");
    const window = { from: now, to: now + 30 * DAY_MS };
    const need = benchNeed(now);
    const availabilityPath = `/api/offerings/${offeringId}/availability?from=${encodeURIComponent(toShanghaiIso(window.from))}&to=${encodeURIComponent(toShanghaiIso(window.to))}`;
    const searchBody = JSON.stringify({
      category: need.category,
      quantity: need.quantity,
      duration_hours: need.duration_hours,
      earliest_start_at: toShanghaiIso(need.earliest_start_at),
      latest_end_at: toShanghaiIso(need.latest_end_at),
    });
    const ok = async (response: Response | Promise<Response>) => {
      const r = await response;
      if (r.status !== 200) throw new Error(`${r.status} ${await r.text()}`);
      return r.json();
    };
    const sample = (await searchCapacity(store, actor, need, now)) as { considered_offerings: number; options: unknown[] };
    console.log(`search considers ${sample.considered_offerings} offerings and returns ${sample.options.length} options\n`);

    // A quote: one card for four hours on the measured offering, priced against the larger voucher.
    const quoteStart = now + 2 * DAY_MS - (now % HOUR_MS);
    const quoteInput = { offering_id: offeringId, quantity: 1, starts_at: quoteStart, ends_at: quoteStart + 4 * HOUR_MS, voucher_id: "vch_benchtwo" };
    const quoteBody = JSON.stringify({ ...quoteInput, starts_at: toShanghaiIso(quoteInput.starts_at), ends_at: toShanghaiIso(quoteInput.ends_at) });
    const baseline = await measure("baseline: primary-key SELECT (store)", 2_000, () => store.db.select().from(offerings).where(eq(offerings.id, offeringId)));
    const rows = [
      baseline,
      await measure("availability, 1 offering × 30 days (service)", 300, () => slotAvailability(store, offering, window, now)),
      await measure("availability, 1 offering × 30 days (HTTP)", 300, () => ok(app.request(availabilityPath, { headers }))),
      await measure("quote, 1 card × 4 h with a voucher (service)", 300, () => planBooking(store, actor, quoteInput, now)),
      // At most 60 quotes a minute per user (read-limits), with the clock fixed: 5 warm-up + 50.
      await measure("quote, 1 card × 4 h with a voucher (HTTP)", 50, () => ok(app.request("/api/quotes", { method: "POST", headers, body: quoteBody }))),
      await measure(`capacity search, ${OFFERINGS} offerings × 30 days (service)`, 40, () => searchCapacity(store, actor, need, now)),
      await measure(`capacity search, ${OFFERINGS} offerings × 30 days (HTTP)`, 40, () => ok(app.request("/api/search/capacity", { method: "POST", headers, body: searchBody }))),
      // Hard to place: most offerings need every horizon read before a fit (or none) is found.
      await measure(`capacity search, 16 cards × 72 h (service)`, 20, () => searchCapacity(store, actor, { ...need, quantity: 16, duration_hours: 72 }, now)),
    ];
    print(rows, baseline);
    store.close();
    return rows;
  }
}

function printThroughput(t: ThroughputResults) {
  console.log(`\nbooking throughput over HTTP, ${t.connections} connections (autocannon in its own process)`);
  printTable(
    ["measurement", "per s", "p50 ms", "p99 ms", "% of bare route", "% of raw writes", "CPU ms each", "RSS MiB", "non-2xx"],
    [
      ["(a) bare JSON route, same stack", t.bare.per_second.toFixed(0), String(t.bare.p50_ms), String(t.bare.p99_ms), "", "", t.bare.cpu_ms_per_request.toFixed(3), "", String(t.bare.requests - t.bare.ok)],
      ["(b) booking writes, prepared, FULL", t.writes.full.per_second.toFixed(0), "", "", "", "", "", "", ""],
      ["(b) booking writes, prepared, NORMAL", t.writes.normal.per_second.toFixed(0), "", "", "", "", "", "", ""],
      ["bookings in-process, one at a time", (1000 / t.in_process.p50_ms).toFixed(0), t.in_process.p50_ms.toFixed(2), "", "", "", t.in_process.cpu_ms_per_booking.toFixed(2), "", ""],
      ...t.runs.map((r) => {
        const raw = r.synchronous === "FULL" ? t.writes.full : t.writes.normal;
        return [
          r.label,
          r.per_second.toFixed(0),
          String(r.p50_ms),
          String(r.p99_ms),
          ((100 * r.per_second) / t.bare.per_second).toFixed(1),
          ((100 * r.per_second) / raw.per_second).toFixed(1),
          r.cpu_ms_per_booking.toFixed(2),
          r.rss_mib.toFixed(0),
          String(r.requests - r.ok),
        ];
      }),
    ],
  );
  const [full, normal, large] = t.runs;
  if (full && normal) console.log(`durability: NORMAL makes ${(normal.per_second / full.per_second).toFixed(2)}× the bookings/s of FULL`);
  if (full && large) console.log(`growth: p50 with 1M existing bookings is ${(large.p50_ms / full.p50_ms).toFixed(2)}× the p50 with 10k`);
}

function printRush(r: RushResult) {
  console.log(`\napplication rush: ${r.smes.toLocaleString("en")} distinct SMEs apply, then reviewers approve them all (the pool funds ${r.funded} of them); real server, autocannon in its own process`);
  printTable(
    ["phase", "connections", "requests", "s", "per s", "p50 ms", "p99 ms", "max ms", "statuses", "CPU ms each"],
    [["apply", r.apply], ["approve", r.approve]].map(([name, p]) => {
      const phase = p as RushResult["apply"];
      return [name as string, String(phase.connections), String(phase.requests), phase.seconds.toFixed(1), (phase.requests / phase.seconds).toFixed(0), String(phase.p50_ms), String(phase.p99_ms), String(phase.max_ms), JSON.stringify(phase.statuses), phase.cpu_ms_per_request.toFixed(2)];
    }),
  );
  for (const [name, phase] of [["apply", r.apply], ["approve", r.approve]] as const) {
    if (phase.errors > 0) console.log(`${name}: ${phase.errors} requests not answered: ${JSON.stringify(phase.error_kinds)}`);
  }
  console.log(r.problems.length === 0 ? "rush: every request answered, none lost, the pool never overdrawn" : `RUSH FAILED: ${r.problems.join("; ")}`);
  console.log(`in the database: ${r.applications_in_db} applications, ${r.vouchers_in_db} vouchers (${r.vouchers_face_fen} fen); pool debited ${r.pool_debits_fen} of ${r.pool_credits_fen} fen; server RSS ${r.rss_mib.toFixed(0)} MiB`);
}

function printReport(r: ReportResult) {
  console.log(`\nprogramme report over ${r.transfers.toLocaleString("en")} ledger transfers and ${r.bookings.toLocaleString("en")} bookings (seeded in ${r.seed_s.toFixed(0)} s)`);
  printTable(
    ["measurement", "ms", "÷ full scan"],
    [
      ["full scan of ledger_transfers (baseline)", r.scan_ms.toFixed(0), "1.0"],
      [`programme report, p50 of ${r.report_ms.length}`, r.report_p50_ms.toFixed(0), r.report_over_scan.toFixed(1)],
    ],
  );
}

function printAudit(a: AuditVerifyResult) {
  console.log(`\naudit chain verification, ${a.events.toLocaleString("en")} sealed events (sealed by the app in ${a.seal_s.toFixed(1)} s), one core`);
  printTable(
    ["measurement", "s", "events/s", "÷ read only"],
    [
      ["read the same rows, no checks (baseline)", a.read_only_s.toFixed(2), (a.events / a.read_only_s).toFixed(0), "1.0"],
      ["verifyAuditLog: chain, tree, every subtree", a.verify_s.toFixed(2), a.events_per_s.toFixed(0), a.verify_over_read.toFixed(1)],
    ],
  );
  console.log(`CPU time (what a loaded machine does not distort as much): read ${a.read_only_cpu_s.toFixed(2)} s, verify ${a.verify_cpu_s.toFixed(2)} s (${(a.verify_cpu_s / a.read_only_cpu_s).toFixed(2)}× read)`);
}

async function main() {
  const flags = process.argv.slice(2);
  const flag = (name: string) => flags.find((f) => f === `--${name}` || f.startsWith(`--${name}=`))?.split("=")[1];
  const dir = mkdtempSync(join(tmpdir(), "vouchers-bench-"));
  try {
    const now = Date.now();
    const started = performance.now();
    const inprocess = flags.includes("--skip-inprocess") ? [] : await inProcess(dir, now);
    const throughput = flags.includes("--skip-bookings")
      ? null
      : await measureThroughput({
          dir,
          now,
          seconds: Number(flag("seconds") ?? 15),
          growth: !flags.includes("--skip-growth"),
          profileDir: flag("profile"),
        });
    if (throughput) printThroughput(throughput);
    const rush = flags.includes("--skip-rush") ? null : await measureRush(dir, now);
    if (rush) printRush(rush);
    const report = flags.includes("--skip-report") ? null : await measureReport(dir, now);
    if (report) printReport(report);
    const audit = flags.includes("--skip-audit") ? null : await measureAuditVerify(dir, Number(flag("audit-events") ?? 200_000), now);
    if (audit) printAudit(audit);
    const bursts = flags.includes("--skip-d1")
      ? null
      : await measureBursts({ dir, now, bursts: Number(flag("bursts") ?? 10), size: Number(flag("burst-size") ?? 200), node: true, via: (flag("d1-via") ?? "both") as "proxy" | "direct" | "both" });
    if (bursts) {
      console.log(`\n${bursts[0]?.bursts[0]?.size ?? 0}-way booking bursts on one hour (64 units), D1 on wrangler dev (through its proxy and on the Worker's own workerd socket) beside better-sqlite3`);
      printBursts(bursts);
    }
    const web = flags.includes("--skip-web") ? null : await measureFirstPaint();
    if (web) printFirstPaint(web);
    const lighthouse = flags.includes("--skip-lighthouse") ? null : await measureLighthouse();
    if (lighthouse) printLighthouse(lighthouse);
    const results = { at: new Date(now).toISOString(), seconds_total: (performance.now() - started) / 1000, inprocess, throughput, rush, report, audit, bursts, web, lighthouse };
    writeFileSync(join(import.meta.dirname, "results.json"), JSON.stringify(results, null, 2));
    console.log(`\ntotal ${results.seconds_total.toFixed(0)} s; results in bench/results.json`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
