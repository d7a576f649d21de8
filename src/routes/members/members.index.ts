import { createRouter } from "../../lib/create-app";
import * as handlers from "./members.handlers";
import * as routes from "./members.routes";

export const membersRouter = createRouter()
  .openapi(routes.listMembers, handlers.listMembers)
  .openapi(routes.inviteMember, handlers.inviteMember)
  .openapi(routes.disableMember, handlers.disableMember)
  .openapi(routes.acceptInvitation, handlers.acceptInvitation);
