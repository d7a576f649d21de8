import { createRouter } from "../../lib/create-app";
import * as handlers from "./reports.handlers";
import * as routes from "./reports.routes";

export const reportsRouter = createRouter()
  .openapi(routes.overviewReport, handlers.overviewReport)
  .openapi(routes.programmeReport, handlers.programmeReport)
  .openapi(routes.exportVouchers, handlers.exportVouchers)
  .openapi(routes.exportBookings, handlers.exportBookings)
  .openapi(routes.exportUsage, handlers.exportUsage)
  .openapi(routes.exportLedgerTransfers, handlers.exportLedgerTransfers)
  .openapi(routes.exportClaims, handlers.exportClaims);
