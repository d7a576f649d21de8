// The dashboard's period as months (pure, so tests/unit/web/dashboard-period.test.ts checks it):
// read from the address, turned into the API's instants (Asia/Shanghai, `to` exclusive), put back
// into an address.
import { beijingMidnight } from "../shell/format";

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface Period {
  /** 'YYYY-MM', inclusive. */
  from?: string;
  /** 'YYYY-MM', inclusive. */
  to?: string;
  /** Why the address's period was not used; the whole period is shown instead. */
  problem?: "format" | "order";
}

/** The period in the address; a malformed month or a to month before the from month is refused, not sent. */
export function periodOf(query: URLSearchParams): Period {
  const raw = { from: query.get("from") ?? "", to: query.get("to") ?? "" };
  if ((raw.from && !MONTH.test(raw.from)) || (raw.to && !MONTH.test(raw.to))) return { problem: "format" };
  if (raw.from && raw.to && raw.to < raw.from) return { problem: "order" };
  return { ...(raw.from ? { from: raw.from } : {}), ...(raw.to ? { to: raw.to } : {}) };
}

const monthAfter = (month: string): string => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
};

/** The API's `from`/`to` for the period: ISO instants, `to` exclusive. */
export function periodQuery(p: Period): { from?: string; to?: string } {
  return {
    ...(p.from ? { from: new Date(beijingMidnight(`${p.from}-01`)).toISOString() } : {}),
    ...(p.to ? { to: new Date(beijingMidnight(`${monthAfter(p.to)}-01`)).toISOString() } : {}),
  };
}

/** `base` (a dashboard address, maybe with `?id=`) with the period's months added. */
export function withPeriod(base: string, p: Period): string {
  const [path, search = ""] = base.split("?") as [string, string?];
  const q = new URLSearchParams(search);
  if (p.from) q.set("from", p.from);
  if (p.to) q.set("to", p.to);
  const text = q.toString();
  return text ? `${path}?${text}` : path;
}
