import type { RouteHandler } from "@hono/zod-openapi";
import { BOOKING_HORIZON_MS } from "../../domain/slots";
import type { AppEnv } from "../../lib/context";
import { unprocessable } from "../../lib/errors";
import { actorOf } from "../../lib/route";
import { DAY_MS } from "../../lib/time";
import { MAX_SEARCH_WINDOW_DAYS } from "../../services/capacity-search";
import { takeSearchSlot } from "../../services/read-limits";
import type * as routes from "./search.routes";

export const searchCapacity: RouteHandler<typeof routes.searchCapacity, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const now = c.var.now();
  const earliest = Date.parse(body.earliest_start_at);
  const latest = Date.parse(body.latest_end_at);
  if (latest <= Math.max(earliest, now)) throw unprocessable("empty_window", "最晚结束时间须晚于最早开始时间和当前时间 / The window must end after it starts, and in the future");
  if (latest - earliest > MAX_SEARCH_WINDOW_DAYS * DAY_MS) {
    throw unprocessable("window_too_long", `搜索窗口最长${MAX_SEARCH_WINDOW_DAYS}天 / The search window may span at most ${MAX_SEARCH_WINDOW_DAYS} days`);
  }
  if (earliest > now + BOOKING_HORIZON_MS) throw unprocessable("beyond_horizon", "最早开始时间须在一年内 / The earliest start must be within a year");
  const actor = actorOf(c);
  await takeSearchSlot(c.var.store, actor.user.id, now);
  const model = body.accelerator_model && body.accelerator_model.toLowerCase() !== "any" ? body.accelerator_model : null;
  const result = await c.var.search(actor, { ...body, accelerator_model: model, max_unit_price_fen: body.max_unit_price_fen ?? null, earliest_start_at: earliest, latest_end_at: latest }, now);
  return c.json(result, 200);
};
