import { createRouter } from "../../lib/create-app";
import * as handlers from "./audit.handlers";
import * as routes from "./audit.routes";

export const auditRouter = createRouter()
  .openapi(routes.getLatestCheckpoint, handlers.getLatestCheckpoint)
  .openapi(routes.getCheckpoint, handlers.getCheckpoint)
  .openapi(routes.getInclusionProof, handlers.getInclusionProof)
  .openapi(routes.getConsistencyProof, handlers.getConsistencyProof)
  .openapi(routes.getPublicKey, handlers.getPublicKey)
  .openapi(routes.listEvents, handlers.listEvents)
  .openapi(routes.verifyAudit, handlers.verifyAudit)
  .openapi(routes.exportEvents, handlers.exportEvents)
  .openapi(routes.exportEventsCsv, handlers.exportEventsCsv);
