// The pages behind sign-in, in navigation order. A page that names the API route it reads
// (`needs`) is shown only to people the API's access table lets call that route. New pages
// (programmes, vouchers, offerings, search, bookings, claims, audit) are one line here.
import type { ComponentType } from "preact";
import { may, type RouteKey } from "./access";
import type { Bilingual } from "./i18n";
import { HomePage } from "./pages/home";
import { OrganisationPage } from "./pages/organisation";
import { ProgrammesPage } from "./pages/programmes";
import { ProvidersPage } from "./pages/providers";
import type { Me } from "./session";

export interface PageEntry {
  path: string;
  title: Bilingual;
  needs?: RouteKey;
  /** Only for these kinds of organisation: a page serving one side of a route several kinds may call. */
  for?: readonly Me["organisation"]["kind"][];
  Page: ComponentType;
}

export const PAGES: readonly PageEntry[] = [
  { path: "/", title: ["工作台", "Home"], Page: HomePage },
  { path: "/organisation", title: ["我的机构", "My organisation"], needs: "GET /api/organisations/{id}", Page: OrganisationPage },
  { path: "/providers", title: ["服务商审核", "Provider approvals"], needs: "GET /api/providers", Page: ProvidersPage },
  { path: "/agency/programmes", title: ["券项目管理", "Programmes"], needs: "GET /api/programmes", for: ["agency"], Page: ProgrammesPage },
];

/** Whether `me` may open `page` (and see it in the navigation). */
export const opens = (me: Me, page: PageEntry): boolean =>
  (!page.needs || may(me, page.needs)) && (!page.for || page.for.includes(me.organisation.kind));
