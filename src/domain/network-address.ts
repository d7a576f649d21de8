// Which addresses a webhook may be sent to (server-side request forgery): never private,
// loopback (except in development), link-local, multicast or reserved ranges, in IPv4 or IPv6,
// including IPv4 written inside IPv6 (::ffff:10.0.0.1). Pure: callers resolve names first.

export type AddressClass = "public" | "loopback" | "private" | "link_local" | "reserved";

function ipv4Parts(address: string): number[] | null {
  const parts = address.split(".");
  if (parts.length !== 4) return null;
  const numbers = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return numbers.every((n) => Number.isInteger(n) && n >= 0 && n <= 255) ? numbers : null;
}

function classifyIpv4([a, b]: number[]): AddressClass {
  if (a === undefined || b === undefined) return "reserved";
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return "private";
  if (a === 169 && b === 254) return "link_local";
  if (a === 0 || a >= 224 || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19))) return "reserved";
  return "public";
}

/** Expands an IPv6 literal to 8 groups, or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  const v4 = ipv4Parts(text.slice(lastColon + 1));
  if (v4) {
    tail = [((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)];
    text = `${text.slice(0, lastColon + 1)}0`;
    if (text.endsWith("::0")) text = text.slice(0, -1);
    else text = text.slice(0, -2);
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0] ?? "");
  const rest = halves.length === 2 ? parse(halves[1] ?? "") : [];
  const known = head.length + rest.length + tail.length;
  if ([...head, ...rest].some((n) => Number.isNaN(n))) return null;
  if (halves.length === 1 && known !== 8) return null;
  if (halves.length === 2 && known > 7) return null;
  return [...head, ...Array(8 - known).fill(0), ...rest, ...tail];
}

function classifyIpv6(g: number[]): AddressClass {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(7) && g7 === 1) return "loopback";
  if (zeros(8)) return "reserved";
  // IPv4-mapped (::ffff:a.b.c.d) and the NAT64 prefix 64:ff9b::/96 carry an IPv4 address.
  if ((zeros(5) && g5 === 0xffff) || (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0)) {
    return classifyIpv4([g6 >> 8, g6 & 255, g7 >> 8, g7 & 255]);
  }
  if ((g0 & 0xfe00) === 0xfc00) return "private";
  if ((g0 & 0xffc0) === 0xfe80) return "link_local";
  if ((g0 & 0xff00) === 0xff00 || (g0 === 0x2001 && g1 === 0xdb8)) return "reserved";
  return "public";
}

/** The class of an IP literal (IPv6 with or without brackets), or null when it is not an IP literal. */
export function classifyAddress(address: string): AddressClass | null {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const v4 = ipv4Parts(bare);
  if (v4) return classifyIpv4(v4);
  const v6 = bare.includes(":") ? ipv6Groups(bare) : null;
  return v6 ? classifyIpv6(v6) : null;
}

export function addressAllowed(address: string, allowLoopback: boolean): boolean {
  const kind = classifyAddress(address);
  return kind === "public" || (kind === "loopback" && allowLoopback);
}
