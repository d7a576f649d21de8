// Rows to API shapes: instants as ISO strings, no secrets.
import type { Organisation, User } from "../../db/schema";
import { creditCodeRegionWarning } from "../../domain/credit-code";
import { knownRegionName } from "../../domain/regions-known";
import { toIso } from "../../lib/time";
import type { verificationSummary } from "../../services/verification";
import type { VettingView } from "../../services/vetting";

/**
 * An organisation as the API shows it. provider_status is the provider's vetting as the viewer
 * sees it (src/services/vetting.ts); installation_status is the platform's own, stored in the
 * organisations.provider_status column. Who verified it and why: GET …/verification.
 */
export const presentOrganisation = (
  { verification_reason: _reason, verification_submitted_at: _submitted, verified_by: _by, verified_at: _at, ...org }: Organisation,
  view: VettingView,
) => ({
  ...org,
  provider_status: view.provider_status,
  provider_status_reason: view.provider_status_reason,
  installation_status: org.provider_status,
  installation_status_reason: org.kind === "provider" ? org.provider_status_reason : null,
  region_warning: creditCodeRegionWarning(org.credit_code, org.region_code, knownRegionName),
  created_at: toIso(org.created_at),
});

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

export const presentMe = (user: User, org: Organisation, view: VettingView, verification: ReturnType<typeof presentVerification>, sessionExpiresAt: number, unreadNotifications = 0) => ({
  user: presentUser(user),
  organisation: presentOrganisation(org, view),
  verification,
  session_expires_at: toIso(sessionExpiresAt),
  unread_notifications: unreadNotifications,
});
