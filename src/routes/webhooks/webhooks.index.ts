import { createRouter } from "../../lib/create-app";
import * as handlers from "./webhooks.handlers";
import * as routes from "./webhooks.routes";

export const webhooksRouter = createRouter()
  .openapi(routes.listEndpoints, handlers.listEndpoints)
  .openapi(routes.createEndpoint, handlers.createEndpoint)
  .openapi(routes.getEndpoint, handlers.getEndpoint)
  .openapi(routes.updateEndpoint, handlers.updateEndpoint)
  .openapi(routes.rotateSecret, handlers.rotateSecret)
  .openapi(routes.pingEndpoint, handlers.pingEndpoint)
  .openapi(routes.replayDelivery, handlers.replayDelivery);
