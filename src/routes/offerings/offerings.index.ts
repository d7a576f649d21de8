import { createRouter } from "../../lib/create-app";
import * as blackoutHandlers from "./blackouts.handlers";
import * as handlers from "./offerings.handlers";
import * as blackoutRoutes from "./blackouts.routes";
import * as routes from "./offerings.routes";

export const offeringsRouter = createRouter()
  .openapi(routes.createOffering, handlers.createOffering)
  .openapi(routes.updateOffering, handlers.updateOffering)
  .openapi(routes.listOfferings, handlers.listOfferings)
  .openapi(routes.getOffering, handlers.getOffering)
  .openapi(routes.getAvailability, handlers.getAvailability)
  .openapi(blackoutRoutes.createBlackout, blackoutHandlers.createBlackout)
  .openapi(blackoutRoutes.createBlackoutSeries, blackoutHandlers.createBlackoutSeries)
  .openapi(blackoutRoutes.updateBlackout, blackoutHandlers.updateBlackout)
  .openapi(blackoutRoutes.deleteBlackout, blackoutHandlers.deleteBlackout);
