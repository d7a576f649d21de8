import { createRouter } from "../../lib/create-app";
import * as handlers from "./notifications.handlers";
import * as routes from "./notifications.routes";

export const notificationsRouter = createRouter()
  .openapi(routes.listNotifications, handlers.listNotifications)
  .openapi(routes.getPreferences, handlers.getPreferences)
  .openapi(routes.putPreferences, handlers.putPreferences)
  .openapi(routes.markAllRead, handlers.markAllRead)
  .openapi(routes.markRead, handlers.markRead);
