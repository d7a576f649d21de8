// One chunk of the front end: the enterprise's pages (programmes to apply to, applications,
// vouchers, finding capacity, the catalogue, bookings).
// Loaded the first time one of them is opened (web/src/app/lazy-page.tsx); pages are grouped by
// who opens them, so a role fetches a few files, not one per page.
export { VoucherProgrammesPage } from "../applications/voucher-programmes";
export { MyApplicationsPage } from "../applications/my-applications";
export { MyVouchersPage } from "../vouchers/my-vouchers";
export { FindCapacityPage } from "../search/find-capacity";
export { CataloguePage } from "../offerings/catalogue";
export { MyBookingsPage } from "../bookings/my-bookings";
