// The reports the dashboard reads (docs/reports.md), typed by the API.
import type { InferResponseType } from "hono/client";
import { api, send } from "../shell/api";

export type ProgrammeReport = InferResponseType<(typeof api.api.reports.programmes)[":id"]["$get"], 200>;
export type ProgrammeSummary = InferResponseType<typeof api.api.reports.overview.$get, 200>["items"][number];
export type DeliveredRow = ProgrammeReport["delivered_by"]["month"][number];

export const DASHBOARD_PATH = "/agency/dashboard";

export const loadOverview = () => send(api.api.reports.overview.$get({ query: {} }));
export const loadProgrammeReport = (id: string) => send(api.api.reports.programmes[":id"].$get({ param: { id }, query: {} }));
