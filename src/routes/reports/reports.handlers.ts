import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../lib/context";
import { actorOf } from "../../lib/route";
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { exportStream, type Narrowing, type ExportKind } from "../../services/exports";
import { programmesInScope, type ReportFilter } from "../../services/report-scope";
import { programmeReport as buildReport, programmeSummary } from "../../services/reports";
import type * as routes from "./reports.routes";

export function filterOf(q: { programme_id?: string; from?: string; to?: string }): ReportFilter {
  return { programme_id: q.programme_id, from: q.from ? Date.parse(q.from) : undefined, to: q.to ? Date.parse(q.to) : undefined };
}

export const programmeReport: RouteHandler<typeof routes.programmeReport, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const filter = { ...filterOf(c.req.valid("query")), programme_id: id };
  const [programme] = await programmesInScope(c.var.store, actorOf(c), id);
  return c.json(await buildReport(c.var.store, programme!, filter, c.var.now()), 200);
};

export const overviewReport: RouteHandler<typeof routes.overviewReport, AppEnv> = async (c) => {
  const filter = filterOf(c.req.valid("query"));
  const scoped = await programmesInScope(c.var.store, actorOf(c), filter.programme_id);
  const items = [];
  // One programme at a time: an agency's handful of programmes, each a few indexed aggregates.
  for (const programme of scoped) items.push(await programmeSummary(c.var.store, programme, filter, c.var.now()));
  return c.json({ items }, 200);
};

async function streamExport(c: Context<AppEnv>, kind: ExportKind, query: z.infer<typeof routes.ExportQuery>, narrowing: Narrowing = {}) {
  const filter = filterOf(query);
  const scoped = await programmesInScope(c.var.store, actorOf(c), filter.programme_id);
  const stream = exportStream(c.var.store, kind, scoped.map((p) => p.id), filter, query.max_rows, narrowing);
  return c.body(stream, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${kind}.csv"`,
    "Cache-Control": "private, no-store",
  }) as never;
}

function exportHandler(kind: ExportKind): RouteHandler<typeof routes.exportUsage, AppEnv> {
  return (c) => streamExport(c, kind, c.req.valid("query"));
}

export const exportVouchers: RouteHandler<typeof routes.exportVouchers, AppEnv> = (c) => {
  const { status, ...query } = c.req.valid("query");
  return streamExport(c, "vouchers", query, { status });
};
export const exportBookings: RouteHandler<typeof routes.exportBookings, AppEnv> = (c) => {
  const { provider_org_id, sme_org_id, status, ...query } = c.req.valid("query");
  return streamExport(c, "bookings", query, { provider_org_id, sme_org_id, status });
};
export const exportUsage = exportHandler("usage");
export const exportLedgerTransfers = exportHandler("ledger-transfers");
export const exportClaims: RouteHandler<typeof routes.exportClaims, AppEnv> = (c) => {
  const { status, ...query } = c.req.valid("query");
  return streamExport(c, "claims", query, { status });
};
