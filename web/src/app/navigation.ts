// The pages behind sign-in, in navigation order. A page that names the API route it reads
// (`needs`) is shown only to people the API's access table lets call that route. New pages
// (programmes, vouchers, offerings, search, bookings, claims, audit) are one line here.
import type { ComponentType } from "preact";
import { preloadChunks } from "./chunk-sets";
import { lazyPage, type LazyPage } from "./lazy-page";
import { may, type RouteKey } from "../shell/access";
import type { Bilingual } from "../shell/i18n";
import type { Me } from "../shell/session";
import { readEarly } from "../shell/early-read";
import { catalogueFirstRead } from "../offerings";

export interface PageEntry {
  path: string;
  title: Bilingual;
  needs?: RouteKey;
  /** Only for these kinds of organisation: a page serving one side of a route several kinds may call. */
  for?: readonly Me["organisation"]["kind"][];
  /** false: reached from elsewhere (the header's bell), not listed in the main navigation. */
  nav?: false;
  Page: LazyPage;
  /** The page's first read, started at start-up beside the session read when it is the first page (../shell/early-read.ts). */
  firstRead?: (query: URLSearchParams) => { key: string; read: () => Promise<unknown> } | null;
}

/**
 * The pages in web/src/app/pages-<group>.ts: fetching the file also asks for the shared chunks it
 * imports (./chunk-sets.ts), named by the group as the build names it from the file.
 */
function group<M>(name: string, load: () => Promise<M>) {
  return (pick: (module: M) => ComponentType): LazyPage =>
    lazyPage(() => {
      preloadChunks(name);
      return load().then(pick);
    });
}
const common = group("common", () => import("./pages-common"));
const agency = group("agency", () => import("./pages-agency"));
const provider = group("provider", () => import("./pages-provider"));
const sme = group("sme", () => import("./pages-sme"));

export const PAGES: readonly PageEntry[] = [
  { path: "/", title: ["工作台", "Home"], Page: common((m) => m.HomePage) },
  { path: "/organisation", title: ["我的机构", "My organisation"], needs: "GET /api/organisations/{id}", Page: common((m) => m.OrganisationPage) },
  { path: "/providers", title: ["服务商审核", "Provider approvals"], needs: "GET /api/providers", Page: agency((m) => m.ProvidersPage) },
  { path: "/agency/programmes", title: ["券项目管理", "Programmes"], needs: "GET /api/programmes", for: ["agency"], Page: agency((m) => m.ProgrammesPage) },
  { path: "/agency/verification", title: ["机构核验", "Verification"], needs: "POST /api/organisations/{id}/verification/verify", for: ["agency"], Page: agency((m) => m.VerificationQueuePage) },
  { path: "/agency/applications", title: ["申请审核", "Applications"], needs: "GET /api/voucher-applications", for: ["agency"], Page: agency((m) => m.ApplicationsPage) },
  { path: "/agency/vouchers", title: ["券台账", "Voucher ledger"], needs: "GET /api/vouchers", for: ["agency"], Page: agency((m) => m.VoucherLedgerPage) },
  { path: "/agency/dashboard", title: ["统计看板", "Dashboard"], needs: "GET /api/reports/overview", for: ["agency"], Page: agency((m) => m.DashboardPage) },
  { path: "/agency/bookings", title: ["预约明细", "Bookings"], needs: "GET /api/exports/bookings.csv", for: ["agency"], Page: agency((m) => m.AgencyBookingsPage) },
  { path: "/agency/audit", title: ["审计日志", "Audit log"], needs: "GET /api/audit/events", for: ["agency", "platform"], Page: agency((m) => m.AuditPage) },
  { path: "/agency/disputes", title: ["交付争议", "Delivery disputes"], needs: "POST /api/bookings/{id}/resolve-dispute", for: ["agency"], Page: agency((m) => m.DisputesPage) },
  { path: "/agency/anomalies", title: ["异常标记", "Anomaly flags"], needs: "GET /api/anomalies", for: ["agency"], Page: agency((m) => m.AnomaliesPage) },
  { path: "/provider/offerings", title: ["我的资源", "My offerings"], needs: "POST /api/offerings", Page: provider((m) => m.ProviderOfferingsPage) },
  { path: "/provider/timeline", title: ["资源排期", "Timeline"], needs: "GET /api/provider-timeline", Page: provider((m) => m.ProviderTimelinePage) },
  { path: "/provider/bookings", title: ["预约处理", "Booking desk"], needs: "POST /api/bookings/{id}/confirm", Page: provider((m) => m.BookingDeskPage) },
  { path: "/provider/usage", title: ["用量上报", "Usage reporting"], needs: "POST /api/usage", Page: provider((m) => m.UsageReportPage) },
  // Claims (兑付): claimants (providers in 通兑, enterprises in 通用) and the agency's queue, one page by kind.
  { path: "/claims", title: ["兑付", "Claims"], needs: "GET /api/claims", for: ["provider", "sme", "agency"], Page: common((m) => m.ClaimsPage) },
  // The enterprise's journey: apply for vouchers, find and book capacity, follow bookings.
  { path: "/voucher-programmes", title: ["券项目", "Programmes"], needs: "POST /api/voucher-applications", for: ["sme"], Page: sme((m) => m.VoucherProgrammesPage) },
  { path: "/my-applications", title: ["我的申请", "My applications"], needs: "GET /api/voucher-applications", for: ["sme"], Page: sme((m) => m.MyApplicationsPage) },
  { path: "/my-vouchers", title: ["我的券", "My vouchers"], needs: "GET /api/vouchers", for: ["sme"], Page: sme((m) => m.MyVouchersPage) },
  { path: "/find-capacity", title: ["找算力", "Find capacity"], needs: "POST /api/search/capacity", for: ["sme"], Page: sme((m) => m.FindCapacityPage) },
  { path: "/catalogue", title: ["资源目录", "Catalogue"], needs: "GET /api/offerings", for: ["sme"], Page: sme((m) => m.CataloguePage), firstRead: catalogueFirstRead },
  { path: "/my-bookings", title: ["我的预约", "My bookings"], needs: "GET /api/bookings", for: ["sme"], Page: sme((m) => m.MyBookingsPage) },
  // Notifications (the header's bell opens the inbox) and the organisation admins' webhooks.
  { path: "/notifications", title: ["通知", "Notifications"], needs: "GET /api/notifications", nav: false, Page: common((m) => m.NotificationsPage) },
  // Account basics (docs/accounts.md): everyone's password; the installation admin's agencies and people.
  { path: "/account", title: ["账户安全", "Account security"], needs: "POST /api/auth/password", Page: common((m) => m.AccountPage) },
  { path: "/installation/agencies", title: ["主管部门与用户", "Agencies and people"], needs: "GET /api/installation/agencies", Page: agency((m) => m.AgenciesPage) },
  { path: "/settings/webhooks", title: ["Webhook 推送", "Webhooks"], needs: "POST /api/webhook-endpoints", Page: common((m) => m.WebhooksPage) },
];

/** Whether `me` may open `page` (and see it in the navigation). */
export const opens = (me: Me, page: PageEntry): boolean =>
  (!page.needs || may(me, page.needs)) && (!page.for || page.for.includes(me.organisation.kind));

/**
 * Starts fetching the code of the page at `path` (at start-up, beside the session read), so the
 * first page does not wait for the session to come back before its file is asked for, and the
 * page's first read where it names one (its data does not wait for its code either). A page the
 * person may not open is fetched for nothing and never rendered; the API still decides access.
 */
export function preloadPage(path: string, query: URLSearchParams): void {
  const page = PAGES.find((entry) => entry.path === path);
  page?.Page.preload();
  const first = page?.firstRead?.(query);
  if (first) readEarly(first.key, first.read);
}
