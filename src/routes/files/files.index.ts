import { createRouter } from "../../lib/create-app";
import * as handlers from "./files.handlers";
import * as routes from "./files.routes";

export const filesRouter = createRouter()
  .openapi(routes.uploadFile, handlers.uploadFile)
  .openapi(routes.downloadFile, handlers.downloadFile);
