// Operator commands: `npm run cli -- <command> [--flag value …]`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { hashPassword, PASSWORD_MIN_LENGTH } from "./auth/password";
import { commitAs } from "./db/atomic";
import { constraintViolation } from "./db/constraints";
import { openNodeStore } from "./db/node";
import { recordingStore } from "./db/sql-script";
import { organisations, users } from "./db/schema";
import type { Store } from "./db/store";
import { creditCodeMessages, creditCodeProblem, withCheckCharacter } from "./domain/credit-code";
import { REGION_CODE } from "./domain/region";
import { parseEnv } from "./env";
import { newId } from "./lib/ids";
import { operatorVerified } from "./services/verification-facts";
import { createOrganisationWithUsers } from "./seed/accounts";
import { isEmpty, seedDemo } from "./seed/demo";
import { lapseOverdueBookings } from "./services/booking-lapse";
import { sweepExpiredVouchers } from "./services/expiry";
import { sendReminders } from "./services/reminders";
import { formatReport, verifyLedger } from "./services/verify";
import { nodeAuditSettings } from "./db/audit-key-file";
import { parseVerifierKey, verifierKeyString } from "./domain/checkpoint";
import { formatExportVerdict, verifyExport } from "./services/audit-export-verify";
import { formatAuditReport, verifyAuditLog } from "./services/audit-verify";

interface Command {
  summary: string;
  /** Can write its changes as an SQL script (--sql-out) for a database this machine cannot reach. */
  scriptable?: boolean;
  options: Record<string, { type: "string" | "boolean"; required?: boolean; description: string }>;
  run(store: Store, values: Record<string, string | boolean | undefined>): Promise<number>;
  /** Needs no database: runs with `offline` instead of `run` (positional arguments in values._). */
  offline?: (values: Record<string, string | boolean | undefined>) => Promise<number>;
}

const meta = (now: number) => ({ at: now, request_id: `cli-${now}`, actor_user_id: null, actor_org_id: null });

function requireValid(condition: boolean, message: string) {
  if (!condition) throw new UsageError(message);
}
class UsageError extends Error {}

const commands: Record<string, Command> = {
  "create-admin": {
    scriptable: true,
    summary: "Create the installation's admin user (and the platform organisation on first use)",
    options: {
      email: { type: "string", required: true, description: "login email" },
      password: { type: "string", required: true, description: `at least ${PASSWORD_MIN_LENGTH} characters` },
      name: { type: "string", description: "display name" },
    },
    async run(store, v) {
      const now = Date.now();
      const password = String(v.password);
      requireValid(password.length >= PASSWORD_MIN_LENGTH, `password needs at least ${PASSWORD_MIN_LENGTH} characters`);
      let [platform] = await store.db.select().from(organisations).where(eq(organisations.kind, "platform"));
      const statements = [];
      const events = [];
      if (!platform) {
        platform = { id: newId("org"), kind: "platform", name: "平台运营方 Platform Operator", credit_code: withCheckCharacter("9100000000PLATFRM"), region_code: "100000", size_class: "medium", founded_on: new Date(now).toISOString().slice(0, 10), credit_status: "good", address: null, legal_representative: null, contact_phone: null, provider_status: null, provider_status_reason: null, ...operatorVerified(now), created_at: now };
        statements.push(store.db.insert(organisations).values(platform));
        events.push({ action: "organisation.registered", subject_type: "organisation", subject_id: platform.id, after: platform });
      }
      const user = { id: newId("usr"), org_id: platform.id, email: String(v.email).toLowerCase(), display_name: String(v.name ?? "Admin"), password_hash: await hashPassword(password), role: "admin" as const, created_at: now };
      statements.push(store.db.insert(users).values(user));
      events.push({ action: "user.created", subject_type: "user", subject_id: user.id, after: user });
      await commitAs(store, meta(now), statements, events);
      console.log(`admin ${user.email} created (${user.id})`);
      return 0;
    },
  },
  "create-agency": {
    scriptable: true,
    summary: "Create a funding agency and its first (admin) user",
    options: {
      name: { type: "string", required: true, description: "agency name" },
      "credit-code": { type: "string", required: true, description: "统一社会信用代码" },
      region: { type: "string", required: true, description: "6-digit region code" },
      email: { type: "string", required: true, description: "admin login email" },
      password: { type: "string", required: true, description: `at least ${PASSWORD_MIN_LENGTH} characters` },
    },
    async run(store, v) {
      const code = String(v["credit-code"]).toUpperCase();
      const problem = creditCodeProblem(code);
      requireValid(!problem, problem ? creditCodeMessages[problem] : "");
      requireValid(REGION_CODE.test(String(v.region)), "region must be a 6-digit code");
      requireValid(String(v.password).length >= PASSWORD_MIN_LENGTH, `password needs at least ${PASSWORD_MIN_LENGTH} characters`);
      const { org, users: [admin] } = await createOrganisationWithUsers(
        store,
        meta(Date.now()),
        { kind: "agency", name: String(v.name), credit_code: code, region_code: String(v.region) },
        [{ email: String(v.email), display_name: String(v.name), password: String(v.password), role: "admin" }],
      );
      console.log(`agency ${org.name} created (${org.id}); admin ${admin?.email}`);
      return 0;
    },
  },
  seed: {
    scriptable: true,
    summary: "Load the demo data into an empty database",
    options: {},
    async run(store) {
      if (!(await isEmpty(store))) {
        console.error("the database is not empty; demo data is only loaded into an empty one");
        return 1;
      }
      await seedDemo(store, Date.now());
      console.log("demo data loaded");
      return 0;
    },
  },
  verify: {
    summary: "Check the audit log (chain, Merkle tree, signed checkpoints) and the ledger invariants; exits 1 when any is broken",
    options: {},
    async run(store) {
      const env = parseEnv(process.env);
      const audit = await nodeAuditSettings(env, { create: false });
      const auditReport = await verifyAuditLog(store, audit.signer, audit.origin);
      console.log(formatAuditReport(auditReport));
      const report = await verifyLedger(store);
      console.log(formatReport(report));
      return report.ok && auditReport.ok ? 0 : 1;
    },
  },
  "verify-export": {
    summary: "Offline: verify a full audit export FILE against a signed checkpoint and the public key (no database, no network)",
    options: {
      checkpoint: { type: "string", required: true, description: "file with the signed checkpoint (GET /api/audit/checkpoints → checkpoint)" },
      "public-key": { type: "string", required: true, description: "verifier key <name>+<id>+<base64>, or a file holding it (GET /api/audit/public-key)" },
      older: { type: "string", description: "file with an older checkpoint you saved: proves the export extends it" },
      "older-checkpoint": { type: "string", description: "the same as --older" },
    },
    async run() {
      return 2;
    },
    async offline(v) {
      const file = v._;
      requireValid(typeof file === "string", "give the export file: verify-export FILE --checkpoint FILE --public-key KEY");
      const keyText = String(v["public-key"]);
      const key = await parseVerifierKey(existsSync(keyText) ? readFileSync(keyText, "utf8") : keyText);
      const checkpoints = [{ label: "checkpoint", note: readFileSync(String(v.checkpoint), "utf8") }];
      const olderFile = typeof v.older === "string" ? v.older : v["older-checkpoint"];
      if (typeof olderFile === "string") checkpoints.push({ label: "older checkpoint", note: readFileSync(olderFile, "utf8") });
      const verdict = await verifyExport(readFileSync(String(file), "utf8"), checkpoints, key);
      console.log(`verifier key ${verifierKeyString(key)}`);
      console.log(formatExportVerdict(verdict));
      return verdict.ok ? 0 : 1;
    },
  },
  sweep: {
    summary: "Expire vouchers past their validity: void their holds, return their balance to the pool",
    options: {},
    async run(store) {
      const report = await sweepExpiredVouchers(store, Date.now());
      console.log(JSON.stringify(report, null, 2));
      return report.failed.length === 0 ? 0 : 1;
    },
  },
  lapse: {
    summary: "Lapse booking requests the provider did not confirm in time: capacity back, holds voided",
    options: {},
    async run(store) {
      const result = await lapseOverdueBookings(store, Date.now());
      console.log(`${result.lapsed} booking(s) lapsed, ${result.skipped} moved by someone else first`);
      return 0;
    },
  },
  remind: {
    summary: "Send due reminders once: vouchers expiring within 30 and 7 days, requests lapsing within 2 hours",
    options: {},
    async run(store) {
      const report = await sendReminders(store, Date.now());
      console.log(`${report.sent} reminder(s) sent, ${report.skipped} sent by another run first or no longer due`);
      return 0;
    },
  },
};

/** UNIQUE violations an operator can cause, and what to tell them (nothing was written). */
const ALREADY_TAKEN: Record<string, string> = {
  "users.email": "a user with this email already exists; nothing was created",
  "organisations.credit_code": "an organisation with this credit code already exists; nothing was created",
};

function usage(): string {
  const lines = ["usage: npm run cli -- <command> [--option value …]", "", "commands:"];
  for (const [name, command] of Object.entries(commands)) {
    lines.push(`  ${name.padEnd(16)} ${command.summary}`);
    for (const [option, spec] of Object.entries(command.options)) {
      lines.push(`      --${option}${spec.required ? "" : " (optional)"}  ${spec.description}`);
    }
  }
  lines.push(
    "",
    "DATABASE_PATH chooses the database file (default ./data/vouchers.sqlite).",
    "create-admin, create-agency and seed take --sql-out FILE: write the SQL for a fresh database (e.g. D1) instead.",
  );
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(usage());
    return name && name !== "help" && name !== "--help" ? 2 : 0;
  }
  const options: Record<string, { type: "string" | "boolean" }> = Object.fromEntries(
    Object.entries(command.options).map(([k, s]) => [k, { type: s.type }]),
  );
  if (command.scriptable) options["sql-out"] = { type: "string" };
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({ args: rest, options, strict: true, allowPositionals: command.offline !== undefined });
    values = parsed.values as Record<string, string | boolean | undefined>;
    if (parsed.positionals.length > 1) throw new UsageError("one file at a time");
    if (parsed.positionals[0] !== undefined) values._ = parsed.positionals[0];
    for (const [option, spec] of Object.entries(command.options)) {
      if (spec.required && values[option] === undefined) throw new UsageError(`--${option} is required`);
    }
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage()}`);
    return 2;
  }
  if (command.offline) {
    try {
      return await command.offline(values);
    } catch (error) {
      console.error((error as Error).message);
      return error instanceof UsageError ? 2 : 1;
    }
  }
  const sqlOut = typeof values["sql-out"] === "string" ? values["sql-out"] : undefined;
  // With --sql-out the command runs against an empty in-memory database and its writes become
  // a script for a fresh deployment (e.g. D1), instead of changing DATABASE_PATH.
  const store = openNodeStore(sqlOut ? ":memory:" : parseEnv(process.env).DATABASE_PATH);
  try {
    if (sqlOut) {
      const recorder = recordingStore(store);
      const code = await command.run(recorder, values);
      writeFileSync(sqlOut, recorder.script());
      console.log(`SQL written to ${sqlOut}; apply it with: npx wrangler d1 execute <database> --remote --file ${sqlOut}`);
      return code;
    }
    return await command.run(store, values);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    const duplicate = ALREADY_TAKEN[constraintViolation(error)?.name ?? ""];
    if (duplicate) {
      console.error(duplicate);
      return 1;
    }
    throw error;
  } finally {
    store.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
