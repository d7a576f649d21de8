// Whether a 6-digit code names a real division in the generated region data (src/domain/regions.json,
// the picker's own data, scripts/build-regions.mjs): a province (330000), a city (330100) or a
// district (330106), and its names. Server-side only: the web front end fetches the same file as
// its own chunk.
import { regionName, type RegionData } from "./region-names";
import data from "./regions.json";

const regions = data as unknown as RegionData;

let known: Set<string> | null = null;

function codes(): Set<string> {
  if (known) return known;
  const all = new Set<string>();
  for (const [p, , cities] of regions.provinces) {
    all.add(`${p}0000`);
    for (const [c, , districts] of cities) {
      all.add(`${p}${c}00`);
      for (const [d] of districts ?? []) all.add(`${p}${c}${d}`);
    }
  }
  known = all;
  return all;
}

/** True for a province, city or district code the region data lists ("330000", "330100", "330106"). */
export function isKnownRegion(code: string): boolean {
  return codes().has(code);
}

/** "浙江省 杭州市" for a code or prefix ("3301", "330100"), or null when the data does not list it. */
export function knownRegionName(code: string): string | null {
  return regionName(regions, code);
}

/** The data's date (the divisions as of then), for messages. */
export const REGIONS_AS_OF: string = regions.as_of;
