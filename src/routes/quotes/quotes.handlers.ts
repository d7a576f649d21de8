import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../lib/context";
import { actorOf } from "../../lib/route";
import { bookingInput, planBooking } from "../../services/booking-plan";
import { takeQuoteSlot } from "../../services/read-limits";
import type * as routes from "./quotes.routes";

/** A dry run of POST /api/bookings: the same reads and refusals, no writes. */
export const createQuote: RouteHandler<typeof routes.createQuote, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const now = c.var.now();
  await takeQuoteSlot(c.var.store, actor.user.id, now);
  const plan = await planBooking(c.var.store, actor, bookingInput(c.req.valid("json")), now);
  return c.json(plan.quote, 200);
};
