// Diagnostic (not part of `npm run bench`): where a booking allocates. 300 bookings one at a time
// through app.request after 300 of warm-up, under the sampling heap profiler; prints KB per
// booking by allocating function. `npx tsx bench/booking-alloc.ts`
import { Session } from "node:inspector/promises";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createApp } from "../src/app";
import { openDirectoryBlobStore } from "../src/blobs/directory";
import { openNodeStore } from "../src/db/node";
import { HOUR_MS } from "../src/lib/time";
import { seedBookingBench } from "./booking-seed";
const dir = mkdtempSync(join(tmpdir(), "alloc-"));
const path = join(dir, "t.sqlite");
openNodeStore(path).close();
const seed = seedBookingBench(path, Date.now(), 10_000);
const store = openNodeStore(path, { synchronous: "NORMAL" });
const blobs = openDirectoryBlobStore(join(dirname(path), "blobs"));
const app = createApp({ store: () => store, blobs: () => blobs, clientAddress: () => "127.0.0.1" });
let n = 0;
const book = async () => {
  const i = n++;
  const sme = seed.smes[i % seed.smes.length]!;
  const startsAt = seed.first_slot_at + Math.floor(i / seed.offering_ids.length) * HOUR_MS;
  const r = await app.request("/api/bookings", { method: "POST", headers: { "Content-Type": "application/json", Origin: "http://localhost", Cookie: `session=${sme.token}`, "Idempotency-Key": `alloc-key-${i}` },
    body: JSON.stringify({ offering_id: seed.offering_ids[i % seed.offering_ids.length], quantity: 1, starts_at: new Date(startsAt).toISOString(), ends_at: new Date(startsAt + HOUR_MS).toISOString(), voucher_id: sme.voucher_id }) });
  if (r.status !== 201) throw new Error(String(r.status));
  await r.arrayBuffer();
};
for (let i = 0; i < 300; i++) await book();
const s = new Session(); s.connect();
await s.post("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const COUNT = 300;
for (let i = 0; i < COUNT; i++) await book();
const { profile } = await s.post("HeapProfiler.stopSampling");
const self = new Map<string, number>();
let total = 0;
const walk = (node: any, stack: string[]) => {
  const name = `${node.callFrame.functionName || "(anon)"} ${node.callFrame.url.replace(/.*node_modules\//, "nm/").replace(/.*tail-latency\//, "")}:${node.callFrame.lineNumber + 1}`;
  const size = node.selfSize;
  total += size;
  if (size) self.set(name, (self.get(name) ?? 0) + size);
  for (const c of node.children) walk(c, [...stack, name]);
};
walk(profile.head, []);
console.log(`allocated per booking: ${(total / COUNT / 1024).toFixed(0)} KB`);
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((v / COUNT / 1024).toFixed(1).padStart(7), "KB", k);
