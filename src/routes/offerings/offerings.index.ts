import { createRouter } from "../../lib/create-app";
import * as blackoutHandlers from "./blackouts.handlers";
import * as handlers from "./offerings.handlers";
import * as routes from "./offerings.routes";

export const offeringsRouter = createRouter()
  .openapi(routes.createOffering, handlers.createOffering)
  .openapi(routes.updateOffering, handlers.updateOffering)
  .openapi(routes.listOfferings, handlers.listOfferings)
  .openapi(routes.getOffering, handlers.getOffering)
  .openapi(routes.getAvailability, handlers.getAvailability)
  .openapi(routes.createBlackout, handlers.createBlackout)
  .openapi(routes.createBlackoutSeries, blackoutHandlers.createBlackoutSeries)
  .openapi(routes.updateBlackout, blackoutHandlers.updateBlackout)
  .openapi(routes.deleteBlackout, blackoutHandlers.deleteBlackout);
