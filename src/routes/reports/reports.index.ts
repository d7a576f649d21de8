import { createRouter } from "../../lib/create-app";
import * as handlers from "./reports.handlers";
import * as routes from "./reports.routes";

export const reportsRouter = createRouter()
  .openapi(routes.overviewReport, handlers.overviewReport)
  .openapi(routes.programmeReport, handlers.programmeReport);
