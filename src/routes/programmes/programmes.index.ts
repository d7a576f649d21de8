import { createRouter } from "../../lib/create-app";
import * as handlers from "./programmes.handlers";
import * as routes from "./programmes.routes";

export const programmesRouter = createRouter()
  .openapi(routes.createProgramme, handlers.createProgramme)
  .openapi(routes.listProgrammes, handlers.listProgrammes)
  .openapi(routes.getProgramme, handlers.getProgramme)
  .openapi(routes.patchProgramme, handlers.patchProgramme)
  .openapi(routes.openProgramme, handlers.openProgramme)
  .openapi(routes.closeProgramme, handlers.closeProgramme)
  .openapi(routes.topUpBudget, handlers.topUpBudget);
