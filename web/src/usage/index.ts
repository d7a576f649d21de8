// Usage's public face: the reporting page's path, and a booking's metered usage by day.
// Other folders import from here only, never from a file inside this one.
export { USAGE_PATH } from "./usage-report";
export { UsageByDay, formatMilli, loadBookingUsage, type BookingUsage } from "./usage-by-day";
