import { createRouter } from "../../lib/create-app";
import * as handlers from "./bookings.handlers";
import * as routes from "./bookings.routes";

export const bookingsRouter = createRouter()
  .openapi(routes.createBooking, handlers.createBooking)
  .openapi(routes.listBookings, handlers.listBookings)
  .openapi(routes.getBooking, handlers.getBooking)
  .openapi(routes.cancelBooking, handlers.cancelBooking)
  .openapi(routes.confirmBooking, handlers.confirmBooking)
  .openapi(routes.rejectBooking, handlers.rejectBooking)
  .openapi(routes.startBooking, handlers.startBooking)
  .openapi(routes.deliverBooking, handlers.deliverBooking)
  .openapi(routes.confirmDelivery, handlers.confirmDelivery)
  .openapi(routes.disputeDelivery, handlers.disputeDelivery)
  .openapi(routes.resolveDispute, handlers.resolveDispute)
  .openapi(routes.setSlurmAccount, handlers.setSlurmAccount)
  .openapi(routes.quoteBookingChange, handlers.quoteBookingChange)
  .openapi(routes.extendBooking, handlers.extendBooking)
  .openapi(routes.rescheduleBooking, handlers.rescheduleBooking)
  .openapi(routes.bookingHistory, handlers.bookingHistory)
  .openapi(routes.bookingCalendar, handlers.bookingCalendar);
