// One booking at a time through app.request in this process (no HTTP, no concurrency): the
// application's own cost per booking, as CPU time, which other work on a shared machine inflates
// far less than it inflates wall time.
import { dirname, join } from "node:path";
import { createApp } from "../src/app";
import { openDirectoryBlobStore } from "../src/blobs/directory";
import { openNodeStore } from "../src/db/node";
import { HOUR_MS } from "../src/lib/time";
import type { BookingSeed } from "./booking-seed";

export interface InProcessResult {
  bookings: number;
  p50_ms: number;
  cpu_ms_per_booking: number;
}

export async function measureInProcess(path: string, seed: BookingSeed, warmup: number, count: number): Promise<InProcessResult> {
  const store = openNodeStore(path);
  const blobs = openDirectoryBlobStore(join(dirname(path), "blobs"));
  const app = createApp({ store: () => store, blobs: () => blobs, clientAddress: () => "127.0.0.1" });
  let n = 0;
  const book = async () => {
    const i = n++;
    const sme = seed.smes[i % seed.smes.length] as BookingSeed["smes"][number];
    const startsAt = seed.first_slot_at + Math.floor(i / seed.offering_ids.length) * HOUR_MS;
    const response = await app.request("/api/bookings", {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "http://localhost", Cookie: `session=${sme.token}`, "Idempotency-Key": `inproc-${i}` },
      body: JSON.stringify({
        offering_id: seed.offering_ids[i % seed.offering_ids.length],
        quantity: 1,
        starts_at: new Date(startsAt).toISOString(),
        ends_at: new Date(startsAt + HOUR_MS).toISOString(),
        voucher_id: sme.voucher_id,
      }),
    });
    if (response.status !== 201) throw new Error(`in-process booking: ${response.status} ${await response.text()}`);
  };
  for (let i = 0; i < warmup; i++) await book();
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await book();
    times.push(performance.now() - started);
  }
  const used = process.cpuUsage(cpu);
  store.close();
  times.sort((a, b) => a - b);
  return { bookings: count, p50_ms: times[Math.floor(times.length / 2)] as number, cpu_ms_per_booking: (used.user + used.system) / 1000 / count };
}
