import { z } from "@hono/zod-openapi";
import { defineRoute } from "../../lib/route";
import { BookingRequestFields, QuoteSchema } from "../bookings/bookings.routes";
import { commonErrors, conflictError, ErrorSchema, json, jsonBody, throttledError } from "../common";

export const QuoteBody = z.object(BookingRequestFields).openapi("QuoteRequest");

export const createQuote = defineRoute({
  method: "post",
  path: "/api/quotes",
  tags: ["bookings"],
  summary: "Price a booking without making it: gross, every subsidy term (ratio and tier, caps, voucher balance, budget left), co-pay, and whether the slots are free",
  request: jsonBody(QuoteBody),
  responses: {
    200: json(QuoteSchema, "The quote; nothing was written"),
    ...commonErrors,
    ...conflictError,
    ...throttledError,
    422: json(ErrorSchema, "A range or amount the offering cannot take"),
  },
});
