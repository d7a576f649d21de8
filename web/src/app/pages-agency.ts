// One chunk of the front end: the agency's and the installation admin's pages (approvals,
// programmes, verification, applications, vouchers, dashboard, bookings, audit, disputes,
// anomalies, agencies).
// Loaded the first time one of them is opened (web/src/app/lazy-page.tsx); pages are grouped by
// who opens them, so a role fetches a few files, not one per page.
export { ProvidersPage } from "../providers/providers";
export { ProgrammesPage } from "../programmes/programmes";
export { VerificationQueuePage } from "../verification/verification-queue";
export { ApplicationsPage } from "../applications/applications";
export { VoucherLedgerPage } from "../vouchers/voucher-ledger";
export { DashboardPage } from "../reports/dashboard";
export { AgencyBookingsPage } from "../bookings/agency-bookings";
export { AuditPage } from "../audit/audit-page";
export { DisputesPage } from "../usage/disputes";
export { AnomaliesPage } from "../anomalies/anomalies";
export { AgenciesPage } from "../account/agencies";
