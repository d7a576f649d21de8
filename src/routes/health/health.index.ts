import { z } from "@hono/zod-openapi";
import journal from "../../../drizzle/meta/_journal.json";
import { createRouter } from "../../lib/create-app";
import { defineRoute } from "../../lib/route";
import { json } from "../common";

/** The number of migrations this build of the code expects the database to have. */
export const EXPECTED_SCHEMA_VERSION = journal.entries.length;

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    schema_version: z.number().int().openapi({ description: "Migrations applied to the database" }),
    expected_schema_version: z.number().int(),
    driver: z.enum(["better-sqlite3", "d1"]),
  })
  .openapi("Health");

const health = defineRoute({
  method: "get",
  path: "/health",
  tags: ["system"],
  summary: "Liveness and schema version",
  responses: { 200: json(HealthSchema, "Service status") },
});

export const healthRouter = createRouter().openapi(health, async (c) => {
  const applied = await c.var.store.appliedMigrations();
  return c.json(
    {
      status: applied === EXPECTED_SCHEMA_VERSION ? ("ok" as const) : ("degraded" as const),
      schema_version: applied,
      expected_schema_version: EXPECTED_SCHEMA_VERSION,
      driver: c.var.store.driver,
    },
    200,
  );
});
