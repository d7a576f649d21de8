import { createRouter } from "../../lib/create-app";
import * as handlers from "./claims.handlers";
import * as routes from "./claims.routes";

export const claimsRouter = createRouter()
  .openapi(routes.createClaim, handlers.createClaim)
  .openapi(routes.listClaims, handlers.listClaims)
  .openapi(routes.getClaim, handlers.getClaim)
  .openapi(routes.reviewClaim, handlers.reviewClaim)
  .openapi(routes.resubmitClaim, handlers.resubmitClaim)
  .openapi(routes.approveClaim, handlers.approveClaim)
  .openapi(routes.payClaim, handlers.payClaim)
  .openapi(routes.rejectClaim, handlers.rejectClaim)
  .openapi(routes.voidClaim, handlers.voidClaim)
  .openapi(routes.resolveObjection, handlers.resolveObjection)
  .openapi(routes.listNotices, handlers.listNotices)
  .openapi(routes.noticesCsv, handlers.noticesCsv)
  .openapi(routes.objectNotice, handlers.objectNotice);
