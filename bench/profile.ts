// `npx tsx bench/profile.ts FILE.cpuprofile [N]`: where a V8 CPU profile (from `npm run bench --
// --profile=DIR`) spent its time: self time by function, and totals by where the code lives.
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
