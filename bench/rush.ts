// The application rush: 2,000 distinct SMEs apply to one open programme within seconds, over HTTP
// to the real server (autocannon in its own process, many connections, every request a different
// signed-in SME), then the agency's reviewers approve every application while the pool holds only
// enough for three quarters of them. Checks afterwards, on the database file: every request was
// answered (no errors, no timeouts), none was lost (each 201 is an application, each 200 a
// voucher), and the programme pool was never overdrawn (its debits equal the vouchers issued and
// stay within its credits: the guard is in the write, so the losers get 409 budget_exhausted).
import { createHash } from "node:crypto";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { accountIds } from "../src/db/accounts";
import { openNodeStore } from "../src/db/node";
import { SESSION_LIFETIME_MS } from "../src/auth/session";
import { withCheckCharacter } from "../src/domain/credit-code";
import { DAY_MS } from "../src/lib/time";
import { benchId } from "./booking-seed";
import type { LoadPlan, LoadResult } from "./load";
import { runLoad, startServer } from "./processes";
import { BENCH_RULES } from "./seed";

export const RUSH_SMES = 2_000;
const REVIEWERS = 8;
const REQUESTED_FEN = 100_000;
/** The pool covers this many approvals; the rest must be refused by the guard in the write. */
const FUNDED = 1_500;

export interface RushPhase extends LoadResult {
  connections: number;
  /** Wall time from the first request to the last answer, in s. */
  seconds: number;
  cpu_ms_per_request: number;
}

export interface RushResult {
  smes: number;
  /** Approvals the pool can pay for. */
  funded: number;
  apply: RushPhase;
  approve: RushPhase;
  applications_in_db: number;
  vouchers_in_db: number;
  pool_credits_fen: number;
  pool_debits_fen: number;
  vouchers_face_fen: number;
  rss_mib: number;
  /** What failed of: every request answered, none lost, the pool never overdrawn (empty: all held). */
  problems: string[];
}

const hex = (text: string) => createHash("sha256").update(text).digest("hex");
const pad = (n: number, width: number) => String(n).padStart(width, "0");

interface RushSeed {
  sme_tokens: string[];
  reviewer_tokens: string[];
}

function seedRush(path: string, now: number): RushSeed {
  const db = new BetterSqlite3(path);
  db.pragma("journal_mode = WAL");
  const seed: RushSeed = { sme_tokens: [], reviewer_tokens: [] };
  db.transaction(() => {
    const org = db.prepare(`INSERT INTO organisations (id, kind, name, credit_code, region_code, size_class, founded_on, verification_state, created_at)
      VALUES (?, ?, ?, ?, '110108', 'small', '2020-01-01', 'verified', ?)`);
    const user = db.prepare("INSERT INTO users (id, org_id, email, display_name, password_hash, role, created_at) VALUES (?, ?, ?, ?, 'x', ?, ?)");
    const session = db.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)");
    org.run("org_agency", "agency", "科技局", withCheckCharacter("11110000MB0000002"), now);
    for (let r = 0; r < REVIEWERS; r++) {
      const id = benchId("usr", 1_000_000 + r);
      const token = `rushreviewer${pad(r, 8)}`;
      user.run(id, "org_agency", `reviewer${r}@bench.cn`, `审核员 ${r}`, "reviewer", now);
      session.run(hex(token), id, now + SESSION_LIFETIME_MS, now);
      seed.reviewer_tokens.push(token);
    }
    for (let s = 0; s < RUSH_SMES; s++) {
      const orgId = benchId("org", s);
      const userId = benchId("usr", s);
      const token = `rushsme${pad(s, 8)}`;
      org.run(orgId, "sme", `企业 ${s}`, withCheckCharacter(`91110108MA${pad(s, 7)}`), now);
      user.run(userId, orgId, `sme${s}@bench.cn`, `SME ${s}`, "admin", now);
      session.run(hex(token), userId, now + SESSION_LIFETIME_MS, now);
      seed.sme_tokens.push(token);
    }
    const pool = accountIds.programmePool("prg_rush");
    const budget = FUNDED * REQUESTED_FEN;
    db.prepare("INSERT INTO programmes (id, agency_org_id, name, kind, status, current_version, budget_fen, pool_account_id, created_at) VALUES ('prg_rush', 'org_agency', '算力券', 'compute', 'open', 1, ?, ?, ?)").run(budget, pool, now);
    db.prepare("INSERT INTO programme_versions (programme_id, version, rules_json, created_by, created_at) VALUES ('prg_rush', 1, ?, ?, ?)").run(JSON.stringify(BENCH_RULES), benchId("usr", 1_000_000), now);
    db.prepare(`INSERT INTO ledger_accounts (id, kind, programme_id, org_id, credits_posted_fen, debits_posted_fen, debits_must_not_exceed_credits, credits_must_not_exceed_debits, created_at)
      VALUES (?, 'programme_pool', 'prg_rush', 'org_agency', ?, 0, 1, 0, ?)`).run(pool, budget, now);
  })();
  db.pragma("optimize");
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return seed;
}

function pendingApplicationIds(path: string): string[] {
  const db = new BetterSqlite3(path, { readonly: true });
  const ids = (db.prepare("SELECT id FROM voucher_applications WHERE programme_id = 'prg_rush' AND status = 'pending' ORDER BY created_at, id").all() as { id: string }[]).map((r) => r.id);
  db.close();
  return ids;
}

async function phase(server: Awaited<ReturnType<typeof startServer>>, plan: LoadPlan): Promise<RushPhase> {
  let cpuBefore = server.cpuMs();
  const started = performance.now();
  const result = await runLoad(plan, () => (cpuBefore = server.cpuMs()));
  const seconds = (performance.now() - started) / 1000;
  return { ...result, connections: plan.connections, seconds, cpu_ms_per_request: (server.cpuMs() - cpuBefore) / Math.max(1, result.requests) };
}

export async function measureRush(dir: string, now: number, connections = 128): Promise<RushResult> {
  const template = join(dir, "rush-template.sqlite");
  openNodeStore(template).close();
  const seed = seedRush(template, now);
  const path = join(dir, "rush.sqlite");
  copyFileSync(template, path);
  for (const suffix of ["-wal", "-shm"]) if (existsSync(template + suffix)) copyFileSync(template + suffix, path + suffix);
  const server = await startServer({ script: "src/server.ts", databasePath: path });
  try {
    const base = { url: server.url, warmup_s: 0, duration_s: 0, smes: [], offering_ids: [], first_slot_at: 0 };
    const apply = await phase(server, { ...base, connections, kind: "apply", run_id: `rush-${now}`, amount: RUSH_SMES, tokens: seed.sme_tokens, programme_id: "prg_rush", requested_fen: REQUESTED_FEN });
    console.log(`rush: ${RUSH_SMES} applications in ${apply.seconds.toFixed(1)} s, p50 ${apply.p50_ms} ms, p99 ${apply.p99_ms} ms, statuses ${JSON.stringify(apply.statuses)}`);
    const ids = pendingApplicationIds(path);
    const approve = await phase(server, { ...base, connections: 64, kind: "approve", run_id: `approve-${now}`, amount: ids.length, tokens: seed.reviewer_tokens, application_ids: ids });
    console.log(`approvals: ${ids.length} in ${approve.seconds.toFixed(1)} s, p50 ${approve.p50_ms} ms, p99 ${approve.p99_ms} ms, statuses ${JSON.stringify(approve.statuses)}`);
    const rss_mib = server.rssMiB();
    await server.stop();
    const db = new BetterSqlite3(path, { readonly: true });
    const one = <T>(sql: string) => db.prepare(sql).get() as T;
    const applications_in_db = one<{ n: number }>("SELECT count(*) AS n FROM voucher_applications WHERE programme_id = 'prg_rush'").n;
    const vouchers = one<{ n: number; face: number | null }>("SELECT count(*) AS n, sum(face_value_fen) AS face FROM vouchers WHERE programme_id = 'prg_rush'");
    const pool = one<{ credits_posted_fen: number; debits_posted_fen: number }>(`SELECT credits_posted_fen, debits_posted_fen FROM ledger_accounts WHERE id = '${accountIds.programmePool("prg_rush")}'`);
    db.close();
    const result: RushResult = {
      smes: RUSH_SMES,
      funded: FUNDED,
      apply,
      approve,
      applications_in_db,
      vouchers_in_db: vouchers.n,
      pool_credits_fen: pool.credits_posted_fen,
      pool_debits_fen: pool.debits_posted_fen,
      vouchers_face_fen: vouchers.face ?? 0,
      rss_mib,
      problems: [],
    };
    // None lost, every request answered, the pool never overdrawn.
    const problems = result.problems;
    if (apply.requests !== RUSH_SMES || apply.errors + apply.timeouts > 0) problems.push(`applications: ${apply.requests} answered of ${RUSH_SMES}, ${apply.errors} errors, ${apply.timeouts} timeouts`);
    // None lost: every 201 is in the database; a request the client gave up on (timeout, reset)
    // may still have been committed, so at most that many more are there.
    const applied = apply.statuses["201"] ?? 0;
    if (applications_in_db < applied || applications_in_db > applied + apply.errors) problems.push(`${applied} applications answered 201 (${apply.errors} unanswered) but ${applications_in_db} are in the database`);
    if (approve.requests !== ids.length || approve.errors + approve.timeouts > 0) problems.push(`approvals: ${approve.requests} answered of ${ids.length}, ${approve.errors} errors, ${approve.timeouts} timeouts`);
    const approved = approve.statuses["200"] ?? 0;
    if (vouchers.n < approved || vouchers.n > approved + approve.errors) problems.push(`${approved} approvals answered 200 (${approve.errors} unanswered) but ${vouchers.n} vouchers are in the database`);
    if (pool.debits_posted_fen > pool.credits_posted_fen) problems.push(`the pool is overdrawn: ${pool.debits_posted_fen} debited of ${pool.credits_posted_fen}`);
    if (pool.debits_posted_fen !== result.vouchers_face_fen) problems.push(`the pool was debited ${pool.debits_posted_fen} fen for ${result.vouchers_face_fen} fen of vouchers`);
    const refused = Object.entries(approve.statuses).filter(([code]) => code !== "200" && code !== "409");
    if (refused.length > 0) problems.push(`approvals answered other than 200 or 409: ${JSON.stringify(approve.statuses)}`);
    if (problems.length > 0) process.exitCode = 1;
    return result;
  } finally {
    await server.stop();
  }
}
