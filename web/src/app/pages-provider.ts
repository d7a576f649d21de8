// One chunk of the front end: the provider's pages (offerings, timeline, booking desk, usage
// reports).
// Loaded the first time one of them is opened (web/src/app/lazy-page.tsx); pages are grouped by
// who opens them, so a role fetches a few files, not one per page.
export { ProviderOfferingsPage } from "../offerings/provider-offerings";
export { ProviderTimelinePage } from "../offerings/provider-timeline";
export { BookingDeskPage } from "../bookings/provider-bookings";
export { UsageReportPage } from "../usage/usage-report";
