import { createRouter } from "../../lib/create-app";
import * as handlers from "./account.handlers";
import * as routes from "./account.routes";

export const accountRouter = createRouter()
  .openapi(routes.changePassword, handlers.changePassword)
  .openapi(routes.requestPasswordReset, handlers.requestPasswordReset)
  .openapi(routes.resetPassword, handlers.resetPassword)
  .openapi(routes.updateOrganisation, handlers.updateOrganisation)
  .openapi(routes.listAgencies, handlers.listAgencies)
  .openapi(routes.createAgency, handlers.createAgency)
  .openapi(routes.listOrganisationUsers, handlers.listOrganisationUsers)
  .openapi(routes.disableUser, handlers.disableUser)
  .openapi(routes.enableUser, handlers.enableUser);
