import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../lib/context";
import { actorOf } from "../../lib/route";
import { listAnomalies as list, reviewAnomaly as review } from "../../services/anomaly-flags";
import type * as routes from "./anomalies.routes";

export const listAnomalies: RouteHandler<typeof routes.listAnomalies, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  return c.json(await list(c.var.store, actorOf(c), { ...query, reviewed: query.reviewed === undefined ? undefined : query.reviewed === "true" }), 200);
};

export const reviewAnomaly: RouteHandler<typeof routes.reviewAnomaly, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { note } = c.req.valid("json");
  const flag = await review(c, id, note);
  return c.json(flag, 200);
};
