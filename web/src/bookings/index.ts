// The bookings' public face: what other resources may use (the bookings link, quote terms, refusal messages).
// Other folders import from here only, never from a file inside this one.
export { BOOKINGS_PATH } from "./booking-detail";
export { QuoteTerms } from "./quote-terms";
export { refusalMessage } from "./refusals";
export { AGENCY_BOOKINGS_PATH, AgencyBookingsPage } from "./agency-bookings";
