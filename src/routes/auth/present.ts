// Rows to API shapes: instants as ISO strings, no secrets.
import type { Organisation, User } from "../../db/schema";
import { toIso } from "../../lib/time";

export const presentOrganisation = (org: Organisation) => ({ ...org, created_at: toIso(org.created_at) });

export const presentUser = (user: User) => ({
  id: user.id,
  org_id: user.org_id,
  email: user.email,
  display_name: user.display_name,
  role: user.role,
});

export const presentMe = (user: User, org: Organisation, sessionExpiresAt: number, unreadNotifications = 0) => ({
  user: presentUser(user),
  organisation: presentOrganisation(org),
  session_expires_at: toIso(sessionExpiresAt),
  unread_notifications: unreadNotifications,
});
