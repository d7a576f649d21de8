import { createRouter } from "../../lib/create-app";
import * as handlers from "./providers.handlers";
import * as routes from "./providers.routes";

export const providersRouter = createRouter()
  .openapi(routes.listProviders, handlers.listProviders)
  .openapi(routes.approveProvider, handlers.approveProvider)
  .openapi(routes.rejectProvider, handlers.rejectProvider)
  .openapi(routes.suspendProvider, handlers.suspendProvider)
  .openapi(routes.setInstallationStatus, handlers.setInstallationStatus)
  .openapi(routes.listOwnVettings, handlers.listOwnVettings)
  .openapi(routes.applyToAgency, handlers.applyToAgency);
