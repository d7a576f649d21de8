import { createRouter } from "../../lib/create-app";
import * as routes from "./account.routes";
import * as installation from "./installation.handlers";
import * as organisation from "./organisation.handlers";
import * as passwords from "./passwords.handlers";

export const accountRouter = createRouter()
  .openapi(routes.changePassword, passwords.changePassword)
  .openapi(routes.requestPasswordReset, passwords.requestPasswordReset)
  .openapi(routes.resetPassword, passwords.resetPassword)
  .openapi(routes.updateOrganisation, organisation.updateOrganisation)
  .openapi(routes.listAgencies, installation.listAgencies)
  .openapi(routes.createAgency, installation.createAgency)
  .openapi(routes.updateAgency, installation.updateAgency)
  .openapi(routes.listOrganisationUsers, installation.listOrganisationUsers)
  .openapi(routes.disableUser, installation.disableUser)
  .openapi(routes.enableUser, installation.enableUser);
