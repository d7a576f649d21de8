// The quick loop for audit verification speed: `npx tsx bench/audit-verify-cpu.ts FILE [N]` seeds
// FILE with N booking-sized sealed events (default 100,000) unless it exists, then times reading
// the rows and verifyAuditLog on it. For a profile of the verifier alone (seeding excluded when
// FILE exists): node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/audit-verify-cpu.ts FILE.
import { existsSync } from "node:fs";
import { openNodeStore } from "../src/db/node";
import { seedAuditLog, timeAuditVerify } from "./audit-verify";

const [file, n] = process.argv.slice(2);
if (!file) throw new Error("usage: audit-verify-cpu.ts FILE [N]");
const events = Number(n ?? 100_000);
if (!existsSync(file)) {
  const seeded = await seedAuditLog(file, events, Date.UTC(2026, 11, 1));
  console.log(`seeded ${events} events: append ${seeded.seed_s.toFixed(1)} s, seal ${seeded.seal_s.toFixed(1)} s`);
}
const store = openNodeStore(file, { synchronous: "NORMAL" });
for (let run = 0; run < 3; run++) {
  const r = await timeAuditVerify(store);
  console.log(
    `${r.events} events: read ${r.read_only_s.toFixed(3)} s (${Math.round(r.events / r.read_only_s)}/s), verify ${r.verify_s.toFixed(3)} s (${Math.round(r.events_per_s)}/s), ratio ${r.verify_over_read.toFixed(2)}; CPU read ${r.read_only_cpu_s.toFixed(3)} s, verify ${r.verify_cpu_s.toFixed(3)} s, ratio ${(r.verify_cpu_s / r.read_only_cpu_s).toFixed(2)}`,
  );
}
store.close();
