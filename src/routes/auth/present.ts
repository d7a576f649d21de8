// Rows to API shapes: instants as ISO strings, no secrets.
import type { Organisation, User } from "../../db/schema";
import { toIso } from "../../lib/time";
import type { verificationSummary } from "../../services/verification";

/** The organisation's facts and its verification state (who verified it and why: GET …/verification). */
export const presentOrganisation = ({
  verification_reason: _reason,
  verification_submitted_at: _submitted,
  verified_by: _by,
  verified_at: _at,
  ...org
}: Organisation) => ({ ...org, created_at: toIso(org.created_at) });

export const presentVerification = (summary: Awaited<ReturnType<typeof verificationSummary>>) => ({
  ...summary,
  submitted_at: summary.submitted_at === null ? null : toIso(summary.submitted_at),
  verified_at: summary.verified_at === null ? null : toIso(summary.verified_at),
});

export const presentUser = (user: User) => ({
  id: user.id,
  org_id: user.org_id,
  email: user.email,
  display_name: user.display_name,
  role: user.role,
});

export const presentMe = (user: User, org: Organisation, verification: ReturnType<typeof presentVerification>, sessionExpiresAt: number, unreadNotifications = 0) => ({
  user: presentUser(user),
  organisation: presentOrganisation(org),
  verification,
  session_expires_at: toIso(sessionExpiresAt),
  unread_notifications: unreadNotifications,
});
