// Every route is declared through defineRoute, which looks its access rule up in
// src/auth/access.ts and refuses to build a route that has none (deny by default).
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { accessRules, permits, ruleKey, type AccessRule } from "../auth/access";
import type { Actor, AppEnv } from "./context";
import { forbidden, unauthorized } from "./errors";

function requireAccess(rule: AccessRule) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const actor = c.var.actor;
    if (rule.access !== "public" && !actor) throw unauthorized();
    if (!permits(rule, actor)) throw forbidden();
    await next();
  });
}

export function defineRoute<P extends string, R extends Omit<RouteConfig, "path" | "middleware"> & { path: P }>(
  config: R,
) {
  const key = ruleKey(config.method, config.path);
  const rule = accessRules[key];
  if (!rule) throw new Error(`no access rule declared for ${key} (src/auth/access.ts)`);
  return createRoute({
    ...config,
    middleware: requireAccess(rule),
    security: rule.access === "public" ? [] : [{ session: [] }],
    "x-access": rule,
  });
}

/** The signed-in caller; routes reach this only after requireAccess let a signed-in user through. */
export function actorOf(c: { var: { actor: Actor | null } }): Actor {
  const actor = c.var.actor;
  if (!actor) throw unauthorized();
  return actor;
}
