// `npx tsx bench/d1-burst.ts [--bursts=10] [--size=200] [--gap-ms=N] [--via=proxy|direct|both] [--trivial] [--skip-node] [--skip-d1] [--keep]`: the burst test of
// bench/d1.ts on its own (the Worker on wrangler dev with a local D1, then the Node server on
// better-sqlite3). Exits 1 if any burst answered anything but 201/409 or its data disagrees.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measureBursts, printBursts } from "./d1";

const flags = process.argv.slice(2);
const flag = (name: string) => flags.find((f) => f.startsWith(`--${name}=`))?.split("=")[1];
const dir = mkdtempSync(join(tmpdir(), "vouchers-d1-burst-"));
try {
  const results = await measureBursts({ dir, now: Date.now(), bursts: Number(flag("bursts") ?? 10), size: Number(flag("size") ?? 200), node: !flags.includes("--skip-node"), skipD1: flags.includes("--skip-d1"), trivial: flags.includes("--trivial"), gapMs: Number(flag("gap-ms") ?? 0), via: (flag("via") ?? "proxy") as "proxy" | "direct" | "both" });
  console.log("");
  printBursts(results);
  process.exitCode = results.some((r) => r.failed > 0) ? 1 : 0;
} finally {
  if (!flags.includes("--keep")) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
