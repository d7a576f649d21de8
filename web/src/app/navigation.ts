// The pages behind sign-in, in navigation order. A page that names the API route it reads
// (`needs`) is shown only to people the API's access table lets call that route. New pages
// (programmes, vouchers, offerings, search, bookings, claims, audit) are one line here.
import { lazyPage, type LazyPage } from "./lazy-page";
import { may, type RouteKey } from "../shell/access";
import type { Bilingual } from "../shell/i18n";
import type { Me } from "../shell/session";

export interface PageEntry {
  path: string;
  title: Bilingual;
  needs?: RouteKey;
  /** Only for these kinds of organisation: a page serving one side of a route several kinds may call. */
  for?: readonly Me["organisation"]["kind"][];
  /** false: reached from elsewhere (the header's bell), not listed in the main navigation. */
  nav?: false;
  Page: LazyPage;
}

export const PAGES: readonly PageEntry[] = [
  { path: "/", title: ["工作台", "Home"], Page: lazyPage(() => import("./pages-common").then((m) => m.HomePage)) },
  { path: "/organisation", title: ["我的机构", "My organisation"], needs: "GET /api/organisations/{id}", Page: lazyPage(() => import("./pages-common").then((m) => m.OrganisationPage)) },
  { path: "/providers", title: ["服务商审核", "Provider approvals"], needs: "GET /api/providers", Page: lazyPage(() => import("./pages-agency").then((m) => m.ProvidersPage)) },
  { path: "/agency/programmes", title: ["券项目管理", "Programmes"], needs: "GET /api/programmes", for: ["agency"], Page: lazyPage(() => import("./pages-agency").then((m) => m.ProgrammesPage)) },
  { path: "/agency/verification", title: ["机构核验", "Verification"], needs: "POST /api/organisations/{id}/verification/verify", for: ["agency"], Page: lazyPage(() => import("./pages-agency").then((m) => m.VerificationQueuePage)) },
  { path: "/agency/applications", title: ["申请审核", "Applications"], needs: "GET /api/voucher-applications", for: ["agency"], Page: lazyPage(() => import("./pages-agency").then((m) => m.ApplicationsPage)) },
  { path: "/agency/vouchers", title: ["券台账", "Voucher ledger"], needs: "GET /api/vouchers", for: ["agency"], Page: lazyPage(() => import("./pages-agency").then((m) => m.VoucherLedgerPage)) },
  { path: "/agency/dashboard", title: ["统计看板", "Dashboard"], needs: "GET /api/reports/overview", for: ["agency"], Page: lazyPage(() => import("./pages-agency").then((m) => m.DashboardPage)) },
  { path: "/agency/bookings", title: ["预约明细", "Bookings"], needs: "GET /api/exports/bookings.csv", for: ["agency"], Page: lazyPage(() => import("./pages-agency").then((m) => m.AgencyBookingsPage)) },
  { path: "/agency/audit", title: ["审计日志", "Audit log"], needs: "GET /api/audit/events", for: ["agency", "platform"], Page: lazyPage(() => import("./pages-agency").then((m) => m.AuditPage)) },
  { path: "/agency/disputes", title: ["交付争议", "Delivery disputes"], needs: "POST /api/bookings/{id}/resolve-dispute", for: ["agency"], Page: lazyPage(() => import("./pages-agency").then((m) => m.DisputesPage)) },
  { path: "/agency/anomalies", title: ["异常标记", "Anomaly flags"], needs: "GET /api/anomalies", for: ["agency"], Page: lazyPage(() => import("./pages-agency").then((m) => m.AnomaliesPage)) },
  { path: "/provider/offerings", title: ["我的资源", "My offerings"], needs: "POST /api/offerings", Page: lazyPage(() => import("./pages-provider").then((m) => m.ProviderOfferingsPage)) },
  { path: "/provider/timeline", title: ["资源排期", "Timeline"], needs: "GET /api/provider-timeline", Page: lazyPage(() => import("./pages-provider").then((m) => m.ProviderTimelinePage)) },
  { path: "/provider/bookings", title: ["预约处理", "Booking desk"], needs: "POST /api/bookings/{id}/confirm", Page: lazyPage(() => import("./pages-provider").then((m) => m.BookingDeskPage)) },
  { path: "/provider/usage", title: ["用量上报", "Usage reporting"], needs: "POST /api/usage", Page: lazyPage(() => import("./pages-provider").then((m) => m.UsageReportPage)) },
  // Claims (兑付): claimants (providers in 通兑, enterprises in 通用) and the agency's queue, one page by kind.
  { path: "/claims", title: ["兑付", "Claims"], needs: "GET /api/claims", for: ["provider", "sme", "agency"], Page: lazyPage(() => import("./pages-common").then((m) => m.ClaimsPage)) },
  // The enterprise's journey: apply for vouchers, find and book capacity, follow bookings.
  { path: "/voucher-programmes", title: ["券项目", "Programmes"], needs: "POST /api/voucher-applications", for: ["sme"], Page: lazyPage(() => import("./pages-sme").then((m) => m.VoucherProgrammesPage)) },
  { path: "/my-applications", title: ["我的申请", "My applications"], needs: "GET /api/voucher-applications", for: ["sme"], Page: lazyPage(() => import("./pages-sme").then((m) => m.MyApplicationsPage)) },
  { path: "/my-vouchers", title: ["我的券", "My vouchers"], needs: "GET /api/vouchers", for: ["sme"], Page: lazyPage(() => import("./pages-sme").then((m) => m.MyVouchersPage)) },
  { path: "/find-capacity", title: ["找算力", "Find capacity"], needs: "POST /api/search/capacity", for: ["sme"], Page: lazyPage(() => import("./pages-sme").then((m) => m.FindCapacityPage)) },
  { path: "/catalogue", title: ["资源目录", "Catalogue"], needs: "GET /api/offerings", for: ["sme"], Page: lazyPage(() => import("./pages-sme").then((m) => m.CataloguePage)) },
  { path: "/my-bookings", title: ["我的预约", "My bookings"], needs: "GET /api/bookings", for: ["sme"], Page: lazyPage(() => import("./pages-sme").then((m) => m.MyBookingsPage)) },
  // Notifications (the header's bell opens the inbox) and the organisation admins' webhooks.
  { path: "/notifications", title: ["通知", "Notifications"], needs: "GET /api/notifications", nav: false, Page: lazyPage(() => import("./pages-common").then((m) => m.NotificationsPage)) },
  // Account basics (docs/accounts.md): everyone's password; the installation admin's agencies and people.
  { path: "/account", title: ["账户安全", "Account security"], needs: "POST /api/auth/password", Page: lazyPage(() => import("./pages-common").then((m) => m.AccountPage)) },
  { path: "/installation/agencies", title: ["主管部门与用户", "Agencies and people"], needs: "GET /api/installation/agencies", Page: lazyPage(() => import("./pages-agency").then((m) => m.AgenciesPage)) },
  { path: "/settings/webhooks", title: ["Webhook 推送", "Webhooks"], needs: "POST /api/webhook-endpoints", Page: lazyPage(() => import("./pages-common").then((m) => m.WebhooksPage)) },
];

/** Whether `me` may open `page` (and see it in the navigation). */
export const opens = (me: Me, page: PageEntry): boolean =>
  (!page.needs || may(me, page.needs)) && (!page.for || page.for.includes(me.organisation.kind));

/**
 * Starts fetching the code of the page at `path` (at start-up, beside the session read), so the
 * first page does not wait for the session to come back before its file is asked for. A page the
 * person may not open is fetched for nothing and never rendered; the API still decides access.
 */
export function preloadPage(path: string): void {
  PAGES.find((page) => page.path === path)?.Page.preload();
}
