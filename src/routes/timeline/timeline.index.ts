import { createRouter } from "../../lib/create-app";
import * as handlers from "./timeline.handlers";
import * as routes from "./timeline.routes";

export const timelineRouter = createRouter().openapi(routes.getTimeline, handlers.getTimeline);
