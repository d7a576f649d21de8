// A 6-digit 行政区划 code, or a programme's region prefix, by its names ("浙江省 杭州市 西湖区"). Pure
// over the data (src/domain/regions.json), so the web front end, which fetches that file as its own
// chunk (web/src/ui/region-picker.tsx), and the server, which imports it (regions-known.ts), name a
// place the same way.

export type District = [string, string];
export type City = [string, string, District[]?];
export type Province = [string, string, City[]];
export interface RegionData {
  as_of: string;
  provinces: Province[];
}

// City-level entries that are no city ("市辖区" under 北京市, "县" under 重庆市): left out of a
// district's name, which reads "北京市 海淀区" as people write it.
const NOT_A_CITY = new Set(["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"]);

/** "浙江省 杭州市 西湖区" for a code or prefix ("33", "3301", "330106", "330100"), or null when the data does not list it. */
export function regionName(data: RegionData, code: string): string | null {
  const province = data.provinces.find((p) => p[0] === code.slice(0, 2));
  if (!province) return null;
  if (code.length === 2 || code.slice(2) === "0000") return province[1];
  const city = province[2].find((c) => c[0] === code.slice(2, 4));
  if (!city) return null;
  if (code.length === 4 || code.slice(4) === "00") return `${province[1]} ${city[1]}`;
  const district = city[2]?.find((d) => d[0] === code.slice(4, 6));
  if (!district) return null;
  return NOT_A_CITY.has(city[1]) ? `${province[1]} ${district[1]}` : `${province[1]} ${city[1]} ${district[1]}`;
}
