// The pages behind sign-in, in navigation order. A page that names the API route it reads
// (`needs`) is shown only to people the API's access table lets call that route. New pages
// (programmes, vouchers, offerings, search, bookings, claims, audit) are one line here.
import type { ComponentType } from "preact";
import type { RouteKey } from "./access";
import type { Bilingual } from "./i18n";
import { HomePage } from "./pages/home";
import { OrganisationPage } from "./pages/organisation";
import { ProvidersPage } from "./pages/providers";

export interface PageEntry {
  path: string;
  title: Bilingual;
  needs?: RouteKey;
  Page: ComponentType;
}

export const PAGES: readonly PageEntry[] = [
  { path: "/", title: ["工作台", "Home"], Page: HomePage },
  { path: "/organisation", title: ["我的机构", "My organisation"], needs: "GET /api/organisations/{id}", Page: OrganisationPage },
  { path: "/providers", title: ["服务商审核", "Provider approvals"], needs: "GET /api/providers", Page: ProvidersPage },
];
