import { createRouter } from "../../lib/create-app";
import * as handlers from "./verification.handlers";
import * as routes from "./verification.routes";

export const verificationRouter = createRouter()
  .openapi(routes.getVerification, handlers.getVerification)
  .openapi(routes.submitVerification, handlers.submitVerification)
  .openapi(routes.verifyOrganisation, handlers.verifyOrganisation)
  .openapi(routes.rejectVerification, handlers.rejectVerification)
  .openapi(routes.listVerificationRequests, handlers.listVerificationRequests);
