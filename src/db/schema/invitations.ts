// Invitations: an organisation's admin invites a person by e-mail with a role. The link's token
// is random; only its SHA-256 (hex) is stored, as for sessions. One use, seven days.
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";
import { organisations, users } from "./people";

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id").notNull().references(() => organisations.id),
    email: text("email").notNull(),
    role: text("role", { enum: ["member", "admin", "reviewer", "finance", "auditor"] }).notNull(),
    token_hash: text("token_hash").notNull(),
    invited_by: text("invited_by").notNull().references(() => users.id),
    expires_at: integer("expires_at").notNull(),
    accepted_at: integer("accepted_at"),
    accepted_user_id: text("accepted_user_id").references(() => users.id),
    created_at: createdAt(),
  },
  (t) => [uniqueIndex("invitations_token_hash_unique").on(t.token_hash), index("invitations_org_idx").on(t.org_id)],
);

export type Invitation = typeof invitations.$inferSelect;
