// The reports the dashboard reads (docs/reports.md), typed by the API.
import type { InferResponseType } from "hono/client";
import { api, send } from "../shell/api";

export type ProgrammeReport = InferResponseType<(typeof api.api.reports.programmes)[":id"]["$get"], 200>;
export type ProgrammeSummary = InferResponseType<typeof api.api.reports.overview.$get, 200>["items"][number];
export type DeliveredRow = ProgrammeReport["delivered_by"]["month"][number];

export const DASHBOARD_PATH = "/agency/dashboard";

/** `period` is the API's `from`/`to` (ISO instants, `to` exclusive; reports/period.tsx). */
export const loadOverview = (period: { from?: string; to?: string } = {}) => send(api.api.reports.overview.$get({ query: period }));
export const loadProgrammeReport = (id: string, period: { from?: string; to?: string } = {}) => send(api.api.reports.programmes[":id"].$get({ param: { id }, query: period }));
