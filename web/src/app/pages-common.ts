// One chunk of the front end: the pages every kind of organisation opens (home, organisation,
// claims, notifications, account, webhooks).
// Loaded the first time one of them is opened (web/src/app/lazy-page.tsx); pages are grouped by
// who opens them, so a role fetches a few files, not one per page.
export { HomePage } from "../home/home";
export { OrganisationPage } from "../organisation/organisation";
export { ClaimsPage } from "../claims/claims";
export { NotificationsPage } from "../notifications/notifications-page";
export { AccountPage } from "../account/change-password";
export { WebhooksPage } from "../webhooks/webhooks-page";
