// 6-digit administrative division codes (行政区划代码, GB/T 2260). Programmes name eligible
// regions by prefix: "11" is all of Beijing, "3301" Hangzhou, "330106" one district.
export const REGION_CODE = /^[1-9]\d{5}$/;

export function regionMatches(regionCode: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => regionCode.startsWith(prefix));
}
