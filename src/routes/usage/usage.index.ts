import { createRouter } from "../../lib/create-app";
import * as handlers from "./usage.handlers";
import * as routes from "./usage.routes";

export const usageRouter = createRouter()
  .openapi(routes.recordUsage, handlers.recordUsage)
  .openapi(routes.importUsage, handlers.importUsage)
  .openapi(routes.bookingUsage, handlers.bookingUsage);
