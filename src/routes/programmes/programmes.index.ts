import { createRouter } from "../../lib/create-app";
import * as handlers from "./programmes.handlers";
import * as routes from "./programmes.routes";
import * as attachmentHandlers from "./attachments.handlers";
import * as attachmentRoutes from "./attachments.routes";

export const programmesRouter = createRouter()
  .openapi(routes.createProgramme, handlers.createProgramme)
  .openapi(routes.listProgrammes, handlers.listProgrammes)
  .openapi(routes.getProgramme, handlers.getProgramme)
  .openapi(routes.patchProgramme, handlers.patchProgramme)
  .openapi(routes.openProgramme, handlers.openProgramme)
  .openapi(routes.closeProgramme, handlers.closeProgramme)
  .openapi(routes.topUpBudget, handlers.topUpBudget)
  .openapi(attachmentRoutes.listAttachments, attachmentHandlers.listAttachments)
  .openapi(attachmentRoutes.addAttachment, attachmentHandlers.addAttachment)
  .openapi(attachmentRoutes.removeAttachment, attachmentHandlers.removeAttachment)
  .openapi(attachmentRoutes.downloadAttachment, attachmentHandlers.downloadAttachment);
