// `npx tsx bench/booking-cpu.ts [N]` (or `node --cpu-prof --import tsx bench/booking-cpu.ts`): the
// application's own CPU time per booking, one booking at a time through app.request on a seeded
// file with 10,000 existing bookings; quick enough to run after every change, and steady on a
// shared machine because it counts CPU time, not wall time.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openNodeStore } from "../src/db/node";
import { seedBookingBench } from "./booking-seed";
import { measureInProcess } from "./in-process";

const count = Number(process.argv[2] ?? 2_000);
const dir = mkdtempSync(join(tmpdir(), "vouchers-booking-cpu-"));
try {
  const path = join(dir, "bench.sqlite");
  openNodeStore(path).close();
  const seed = seedBookingBench(path, Date.now(), 10_000);
  const r = await measureInProcess(path, seed, 300, count);
  console.log(`${r.bookings} bookings in-process: p50 ${r.p50_ms.toFixed(2)} ms, ${r.cpu_ms_per_booking.toFixed(3)} ms CPU each`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
