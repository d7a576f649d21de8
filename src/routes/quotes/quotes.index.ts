import { createRouter } from "../../lib/create-app";
import * as handlers from "./quotes.handlers";
import * as routes from "./quotes.routes";

export const quotesRouter = createRouter().openapi(routes.createQuote, handlers.createQuote);
