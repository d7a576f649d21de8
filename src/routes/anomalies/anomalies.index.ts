import { createRouter } from "../../lib/create-app";
import * as handlers from "./anomalies.handlers";
import * as routes from "./anomalies.routes";

export const anomaliesRouter = createRouter().openapi(routes.listAnomalies, handlers.listAnomalies).openapi(routes.reviewAnomaly, handlers.reviewAnomaly);
