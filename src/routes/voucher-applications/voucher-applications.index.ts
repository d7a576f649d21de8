import { createRouter } from "../../lib/create-app";
import * as handlers from "./voucher-applications.handlers";
import * as routes from "./voucher-applications.routes";

export const voucherApplicationsRouter = createRouter()
  .openapi(routes.checkProgrammeEligibility, handlers.checkProgrammeEligibility)
  .openapi(routes.applyForVoucher, handlers.applyForVoucher)
  .openapi(routes.listApplications, handlers.listApplications)
  .openapi(routes.getApplication, handlers.getApplication)
  .openapi(routes.approveApplication, handlers.approveApplication)
  .openapi(routes.rejectApplication, handlers.rejectApplication)
  .openapi(routes.withdrawApplication, handlers.withdrawApplication);
