// Password resets (docs/accounts.md): a one-time link whose token is random; only its SHA-256
// (hex) is stored, as for sessions and invitations. Thirty minutes, one use: the reset's write
// sets the password only while the row is unused and unexpired (src/routes/account).
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";
import { users } from "./people";

export const password_resets = sqliteTable(
  "password_resets",
  {
    id: text("id").primaryKey(),
    user_id: text("user_id").notNull().references(() => users.id),
    token_hash: text("token_hash").notNull(),
    expires_at: integer("expires_at").notNull(),
    used_at: integer("used_at"),
    created_at: createdAt(),
  },
  (t) => [uniqueIndex("password_resets_token_hash_unique").on(t.token_hash), index("password_resets_user_idx").on(t.user_id)],
);

export type PasswordReset = typeof password_resets.$inferSelect;
