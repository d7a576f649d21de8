// Writes src/domain/regions.json, the province → city → district picker's data (GB/T 2260-style
// 6-digit 行政区划 codes), from modood/Administrative-divisions-of-China's dist/pca-code.json
// (https://github.com/modood/Administrative-divisions-of-China, WTFPL; its data comes from the
// National Bureau of Statistics' division codes). Never hand-edit the output: regenerate it.
//
//   git clone --depth 1 https://github.com/modood/Administrative-divisions-of-China /tmp/adc
//   node scripts/build-regions.mjs /tmp/adc/dist/pca-code.json "2022-10-31"
//
// Compact form: [code, name, children?] nested three deep; a city's or district's code is written
// without its parent's digits (province "33", city "01" → 3301, district "06" → 330106).
import { readFile, writeFile } from "node:fs/promises";

const [source, asOf] = process.argv.slice(2);
if (!source || !asOf) throw new Error("usage: node scripts/build-regions.mjs <pca-code.json> <data as-of date>");
const tree = JSON.parse(await readFile(source, "utf8"));

const DIGITS = /^\d+$/;
function node(item, parentCode, width) {
  const code = String(item.code);
  if (!DIGITS.test(code) || code.length !== parentCode.length + width || !code.startsWith(parentCode)) {
    throw new Error(`unexpected code ${code} under ${parentCode || "the root"}`);
  }
  return code;
}

const provinces = tree.map((p) => {
  const pc = node(p, "", 2);
  const cities = (p.children ?? []).map((c) => {
    const cc = node(c, pc, 2);
    // Districts only at 6 digits: a city without districts (东莞, 中山) lists towns at 9; those are not GB/T 2260 codes.
    const districts = (c.children ?? []).filter((d) => String(d.code).length === 6).map((d) => [node(d, cc, 2).slice(4), d.name]);
    return districts.length ? [cc.slice(2), c.name, districts] : [cc.slice(2), c.name];
  });
  return [pc, p.name, cities];
});

const out = { source: "github.com/modood/Administrative-divisions-of-China dist/pca-code.json", as_of: asOf, provinces };
await writeFile(new URL("../src/domain/regions.json", import.meta.url), `${JSON.stringify(out)}\n`);
const count = provinces.reduce((n, [, , cities]) => n + cities.reduce((m, c) => m + (c[2]?.length ?? 0), 0), 0);
console.log(`src/domain/regions.json: ${provinces.length} provinces, ${count} districts`);
