import { createRouter } from "../../lib/create-app";
import * as handlers from "./search.handlers";
import * as routes from "./search.routes";

export const searchRouter = createRouter().openapi(routes.searchCapacity, handlers.searchCapacity);
