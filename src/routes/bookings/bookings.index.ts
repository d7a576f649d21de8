import { createRouter } from "../../lib/create-app";
import * as handlers from "./bookings.handlers";
import * as routes from "./bookings.routes";
import * as changes from "./changes.handlers";
import * as history from "./history.handlers";
import * as moves from "./moves.handlers";

export const bookingsRouter = createRouter()
  .openapi(routes.createBooking, handlers.createBooking)
  .openapi(routes.listBookings, handlers.listBookings)
  .openapi(routes.getBooking, handlers.getBooking)
  .openapi(routes.cancelBooking, moves.cancelBooking)
  .openapi(routes.confirmBooking, moves.confirmBooking)
  .openapi(routes.rejectBooking, moves.rejectBooking)
  .openapi(routes.startBooking, moves.startBooking)
  .openapi(routes.deliverBooking, moves.deliverBooking)
  .openapi(routes.confirmDelivery, moves.confirmDelivery)
  .openapi(routes.disputeDelivery, moves.disputeDelivery)
  .openapi(routes.resolveDispute, moves.resolveDispute)
  .openapi(routes.setSlurmAccount, moves.setSlurmAccount)
  .openapi(routes.quoteBookingChange, changes.quoteBookingChange)
  .openapi(routes.extendBooking, changes.extendBooking)
  .openapi(routes.rescheduleBooking, changes.rescheduleBooking)
  .openapi(routes.bookingHistory, history.bookingHistory)
  .openapi(routes.bookingCalendar, history.bookingCalendar);
