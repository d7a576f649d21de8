// `npx tsx bench/profile.ts FILE.cpuprofile [N]`: where a V8 CPU profile (from `npm run bench --
// --profile=DIR`, or `node --cpu-prof --import tsx bench/booking-cpu.ts`) spent its time: self
// time by function and by where the code lives, and inclusive time (the function or anything it
// called on the stack) for the application's and drizzle's functions.
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, top = "30"] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file as string, "utf8")) as Profile;
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (url: string) => {
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1] as string;
  if (url.includes("/src/")) return `src/${url.split("/src/")[1]?.split("/")[0]}`;
  return url ? "node internals" : "native / idle / gc";
};
const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
for (const node of profile.nodes) {
  const us = self.get(node.id) ?? 0;
  const { functionName, url, lineNumber } = node.callFrame;
  const name = `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^.*\/src\//, "src/")}:${lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  const place = functionName.startsWith("(") ? functionName : where(url);
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
}
const show = (m: Map<string, number>, n: number) => {
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
  }
};
console.log(`${(total / 1e6).toFixed(1)} s sampled\n\nself time by place:`);
show(byPlace, 20);
console.log(`\nself time by function:`);
show(byFunction, Number(top));

// Inclusive: each sample counts once for every distinct function on its stack.
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const label = (n: Node) => `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*node_modules\//, "").replace(/^.*\/src\//, "src/").replace(/^.*\/bench\//, "bench/")}:${n.callFrame.lineNumber + 1}`;
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const node = byId.get(at) as Node;
    const url = node.callFrame.url;
    if (!url.includes("/src/") && !url.includes("drizzle-orm") && !url.includes("better-sqlite3") && !url.includes("hono")) continue;
    seen.add(label(node));
  }
  for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
}
console.log(`\ninclusive time (application, hono, drizzle, better-sqlite3):`);
show(inclusive, Number(top));
