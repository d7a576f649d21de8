// `npx tsx bench/search-dump.ts DB OUT`: runs a fixed set of capacity searches (both sorts, several
// sizes, filters, windows and limits; the bench SME, an SME with other vouchers, and a provider) on
// the bench data set at a fixed clock and writes every answer, one JSON line each, so two versions
// of the search can be compared byte for byte (diff the two files). Seeds DB first if it is missing.
// The time budget is lifted so that load cannot cut a search short.
import { existsSync, writeFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { openNodeStore } from "../src/db/node";
import { organisations, users } from "../src/db/schema";
import { DAY_MS, HOUR_MS } from "../src/lib/time";
import { SEARCH_BUDGET, searchCapacity, type SearchRequest } from "../src/services/capacity-search";
import { seedBench } from "./seed";

const [path = "/tmp/search-dump.sqlite", out = "/tmp/search-dump.jsonl"] = process.argv.slice(2);
const now = Date.UTC(2026, 11, 3, 1, 23, 17);
const fresh = !existsSync(path);
const store = openNodeStore(path);
if (fresh) seedBench(path, now);
(SEARCH_BUDGET as { ms: number }).ms = 1e9;

async function actorOf(orgId: string) {
  const [org] = await store.db.select().from(organisations).where(eq(organisations.id, orgId));
  const [user] = (await store.db.select().from(users).where(eq(users.org_id, orgId))) as (typeof users.$inferSelect)[];
  return { org: org!, user: user ?? ({ id: "usr_none", org_id: orgId, role: "admin" } as typeof users.$inferSelect), sessionId: "dump", sessionExpiresAt: now + DAY_MS };
}
const actors = [await actorOf("org_sme"), await actorOf("org_vsme3"), await actorOf("org_prov7")];
const sizes: [number, number][] = [[1, 1], [8, 4], [16, 72], [4, 24], [32, 8], [2, 2], [64, 4], [3, 300], [8, 700]];
const filters: Partial<SearchRequest>[] = [
  {},
  { domestic_only: true },
  { accelerator_model: "ascend-910b" },
  { max_unit_price_fen: 1_200 },
  { earliest_start_at: now + 2 * DAY_MS + 3 * HOUR_MS, latest_end_at: now + 5 * DAY_MS },
  { earliest_start_at: now + 20 * DAY_MS, latest_end_at: now + 31 * DAY_MS },
  { earliest_start_at: now - DAY_MS, latest_end_at: now + 12 * HOUR_MS },
];
const lines: string[] = [];
let n = 0;
for (const [a, actor] of actors.entries()) {
  for (const sort of ["cheapest", "earliest"] as const) {
    for (const [quantity, hours] of sizes) {
      for (const [f, filter] of filters.entries()) {
        for (const limit of a === 0 ? [1, 5, 20, 100] : [20]) {
          const req: SearchRequest = {
            category: "compute", accelerator_model: null, quantity, duration_hours: hours, domestic_only: false, max_unit_price_fen: null,
            earliest_start_at: now + DAY_MS, latest_end_at: now + 31 * DAY_MS, sort, limit, ...filter,
          };
          const result = await searchCapacity(store, actor, req, now);
          lines.push(JSON.stringify({ actor: a, sort, quantity, hours, filter: f, limit, result }));
          n++;
        }
      }
    }
  }
}
writeFileSync(out, lines.join("\n") + "\n");
console.log(`${n} searches written to ${out}`);
store.close();
