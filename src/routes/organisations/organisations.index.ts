import { createRouter } from "../../lib/create-app";
import * as handlers from "./organisations.handlers";
import * as routes from "./organisations.routes";

export const organisationsRouter = createRouter()
  .openapi(routes.getOrganisation, handlers.getOrganisation)
  .openapi(routes.listRelatedParties, handlers.listRelatedParties)
  .openapi(routes.declareRelatedParty, handlers.declareRelatedParty);
