// Which pages and actions a person sees comes from the same access table the API enforces
// (src/auth/access.ts), looked up by the route a page or button calls: one source of truth.
import { accessRules, permits } from "../../../src/auth/access";
import type { Organisation, User } from "../../../src/db/schema";
import type { Me } from "./session";

/** "METHOD /api/path/{param}", as keyed in src/auth/access.ts. */
export type RouteKey = `${"GET" | "POST" | "PATCH" | "PUT" | "DELETE"} /${string}`;

/** Whether the API would let `me` call `route`. */
export function may(me: Me, route: RouteKey): boolean {
  const rule = accessRules[route];
  // A page naming a route the API does not have is a bug in the page, not a denial.
  if (!rule) throw new Error(`no access rule for ${route} (src/auth/access.ts)`);
  // permits() decides on the organisation's kind and the user's role, which Me carries; its
  // parameter names the full rows because the server passes those.
  const actor: { user: Pick<User, "role">; org: Pick<Organisation, "kind"> } = { user: me.user, org: me.organisation };
  return permits(rule, actor as Parameters<typeof permits>[1]);
}
