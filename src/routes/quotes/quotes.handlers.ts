import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../lib/context";
import { actorOf } from "../../lib/route";
import { bookingInput, planBooking } from "../../services/booking-plan";
import type * as routes from "./quotes.routes";

/** A dry run of POST /api/bookings: the same reads and refusals, no writes. */
export const createQuote: RouteHandler<typeof routes.createQuote, AppEnv> = async (c) => {
  const plan = await planBooking(c.var.store, actorOf(c), bookingInput(c.req.valid("json")), c.var.now());
  return c.json(plan.quote, 200);
};
