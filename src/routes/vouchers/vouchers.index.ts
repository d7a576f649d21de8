import { createRouter } from "../../lib/create-app";
import * as handlers from "./vouchers.handlers";
import * as routes from "./vouchers.routes";

export const vouchersRouter = createRouter()
  .openapi(routes.listVouchers, handlers.listVouchers)
  .openapi(routes.getVoucher, handlers.getVoucher)
  .openapi(routes.revokeVoucher, handlers.revokeVoucher);
