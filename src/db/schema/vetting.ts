// Provider vetting, one row per (agency, provider): each agency approves, rejects or suspends a
// provider for its own programmes, and one agency's decision never touches another's (DESIGN §2).
// Conventions for every table: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";
import { organisations } from "./people";

export const VETTING_STATUSES = ["pending", "approved", "rejected", "suspended"] as const;

export const provider_vettings = sqliteTable(
  "provider_vettings",
  {
    agency_org_id: text("agency_org_id").notNull().references(() => organisations.id),
    provider_org_id: text("provider_org_id").notNull().references(() => organisations.id),
    // pending: the provider applied and no decision yet. Bookings write their guards against
    // 'approved' here (src/services/bookings.ts), so a revocation stops subsidies at once.
    status: text("status", { enum: VETTING_STATUSES }).notNull(),
    reason: text("reason"),
    decided_by: text("decided_by"),
    decided_at: integer("decided_at"),
    created_at: createdAt(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.agency_org_id, t.provider_org_id] }),
    index("provider_vettings_provider_idx").on(t.provider_org_id, t.status),
    check("provider_vettings_status", sql`${t.status} IN ('pending', 'approved', 'rejected', 'suspended')`),
    check("provider_vettings_decided", sql`(${t.status} = 'pending') = (${t.decided_at} IS NULL)`),
  ],
);

export type ProviderVetting = typeof provider_vettings.$inferSelect;
