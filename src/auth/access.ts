// Deny by default: every route is declared here with who may call it and whose data it may
// touch. A route with no entry cannot be registered (src/lib/route.ts throws at start-up), and
// tests/api/access.test.ts fails if the OpenAPI document lists a route this table does not.
import type { Organisation, User } from "../db/schema";

export type OrgKind = Organisation["kind"];
export type UserRole = User["role"];

/** "kind:role" grants; "kind:*" is any role in that kind of organisation. */
export type Grant = `${OrgKind}:${UserRole | "*"}`;

/**
 * Whose data a route may touch once the caller is let in:
 * - none: no organisation's data (public, or the caller's own session)
 * - own_organisation: only the caller's organisation's rows
 * - booking_parties: the SME or the provider on the record
 * - agency_programmes: the caller's agency's programmes and everything under them
 * - published: anything published to all signed-in users (approved providers' offerings, open programmes)
 * - installation: platform administration
 * - voucher_parties: the SME that applied for or holds the voucher, or the agency over its programme
 * - organisation_reviewers: the organisation itself, or an agency that may review it
 *   (src/services/organisation-access.ts: SMEs that applied to its programmes; any provider)
 * - related_organisations: the caller's own organisation; for agency staff one related to the
 *   agency's programmes (applied, holds a voucher, vetted by it, booked under them); for the
 *   installation admin providers and agencies. Decided in one place: mayReadOrganisation
 *   (src/auth/organisation-access.ts); anything else is 404.
 * - agency_vetting: the caller agency's own vetting row for a provider, never another agency's
 * - claim_parties: the claimant organisation, or staff of the agency over the claim's programme
 */
export type Scope =
  | "none"
  | "own_organisation"
  | "booking_parties"
  | "agency_programmes"
  | "published"
  | "installation"
  | "voucher_parties"
  | "organisation_reviewers"
  | "related_organisations"
  | "agency_vetting"
  | "claim_parties";

export type AccessRule =
  | { access: "public" }
  | { access: "signed_in"; scope: Scope }
  | { access: "grants"; grants: readonly Grant[]; scope: Scope };

const pub: AccessRule = { access: "public" };
const signedIn = (scope: Scope): AccessRule => ({ access: "signed_in", scope });
const only = (grants: readonly Grant[], scope: Scope): AccessRule => ({ access: "grants", grants, scope });

export const AGENCY_STAFF: readonly Grant[] = ["agency:admin", "agency:reviewer", "agency:finance", "agency:auditor"];
export const AGENCY_DECIDERS: readonly Grant[] = ["agency:admin", "agency:reviewer"];
export const SME_ANY: readonly Grant[] = ["sme:*"];
export const PROVIDER_ANY: readonly Grant[] = ["provider:*"];
export const ORG_ADMINS: readonly Grant[] = ["sme:admin", "provider:admin", "agency:admin", "platform:admin"];

/** Keyed by "METHOD /openapi/path/{param}". */
export const accessRules: Record<string, AccessRule> = {
  "GET /health": pub,
  "POST /api/auth/signup": pub,
  "POST /api/auth/login": pub,
  "POST /api/auth/logout": signedIn("none"),
  "POST /api/auth/logout-all": signedIn("none"),
  "GET /api/me": signedIn("none"),
  // Account basics (docs/accounts.md): a person's own password; a reset link's token is the credential.
  "POST /api/auth/password": signedIn("none"),
  "POST /api/auth/password-reset/request": pub,
  "POST /api/auth/password-reset": pub,
  "PATCH /api/organisations/{id}": only(ORG_ADMINS, "own_organisation"),
  // The installation admin manages agencies and the people of organisations it may read
  // (mayReadOrganisation: agencies, providers, its own), never enterprises'.
  "GET /api/installation/agencies": only(["platform:admin"], "installation"),
  "POST /api/installation/agencies": only(["platform:admin"], "installation"),
  "PATCH /api/installation/agencies/{id}": only(["platform:admin"], "installation"),
  "GET /api/installation/organisations/{id}/users": only(["platform:admin"], "related_organisations"),
  "POST /api/installation/users/{id}/disable": only(["platform:admin"], "related_organisations"),
  "POST /api/installation/users/{id}/enable": only(["platform:admin"], "related_organisations"),
  "GET /api/organisations/{id}": signedIn("related_organisations"),
  "GET /api/organisations/{id}/related-parties": signedIn("related_organisations"),
  "POST /api/organisations/{id}/related-parties": only(["sme:admin", "provider:admin"], "own_organisation"),
  // Provider vetting, per agency (docs/provider-vetting.md).
  "GET /api/providers": only([...AGENCY_STAFF, "platform:admin"], "agency_vetting"),
  "POST /api/providers/{id}/approve": only(AGENCY_DECIDERS, "agency_vetting"),
  "POST /api/providers/{id}/reject": only(AGENCY_DECIDERS, "agency_vetting"),
  "POST /api/providers/{id}/suspend": only(AGENCY_DECIDERS, "agency_vetting"),
  "POST /api/providers/{id}/installation-status": only(["platform:admin"], "installation"),
  "GET /api/provider-vettings": only(PROVIDER_ANY, "own_organisation"),
  "POST /api/provider-vettings": only(["provider:admin"], "own_organisation"),
  "POST /api/programmes": only(["agency:admin"], "agency_programmes"),
  "GET /api/programmes": only([...AGENCY_STAFF, ...SME_ANY, ...PROVIDER_ANY], "published"),
  "GET /api/programmes/{id}": only([...AGENCY_STAFF, ...SME_ANY, ...PROVIDER_ANY], "published"),
  "PATCH /api/programmes/{id}": only(["agency:admin"], "agency_programmes"),
  "POST /api/programmes/{id}/open": only(["agency:admin"], "agency_programmes"),
  "POST /api/programmes/{id}/close": only(["agency:admin"], "agency_programmes"),
  "POST /api/programmes/{id}/budget": only(["agency:admin", "agency:finance"], "agency_programmes"),
  "GET /api/programmes/{id}/eligibility": only(SME_ANY, "published"),
  // Attachments (申报指南 files): read like the programme, changed by its agency's admin
  // (src/auth/programme-access.ts decides which programmes those are).
  "GET /api/programmes/{id}/attachments": only([...AGENCY_STAFF, ...SME_ANY, ...PROVIDER_ANY], "published"),
  "GET /api/programmes/{id}/attachments/{attachment_id}": only([...AGENCY_STAFF, ...SME_ANY, ...PROVIDER_ANY], "published"),
  "POST /api/programmes/{id}/attachments": only(["agency:admin"], "agency_programmes"),
  "DELETE /api/programmes/{id}/attachments/{attachment_id}": only(["agency:admin"], "agency_programmes"),
  "POST /api/voucher-applications": only(SME_ANY, "own_organisation"),
  "GET /api/voucher-applications": only([...SME_ANY, ...AGENCY_STAFF], "voucher_parties"),
  "GET /api/voucher-applications/{id}": only([...SME_ANY, ...AGENCY_STAFF], "voucher_parties"),
  "POST /api/voucher-applications/{id}/approve": only(AGENCY_DECIDERS, "agency_programmes"),
  "POST /api/voucher-applications/{id}/reject": only(AGENCY_DECIDERS, "agency_programmes"),
  "POST /api/voucher-applications/{id}/withdraw": only(SME_ANY, "own_organisation"),
  "GET /api/vouchers": only([...SME_ANY, ...AGENCY_STAFF], "voucher_parties"),
  "GET /api/vouchers/{id}": only([...SME_ANY, ...AGENCY_STAFF], "voucher_parties"),
  "POST /api/vouchers/{id}/revoke": only(AGENCY_DECIDERS, "agency_programmes"),
  "POST /api/offerings": only(PROVIDER_ANY, "own_organisation"),
  "GET /api/offerings": signedIn("published"),
  "GET /api/offerings/{id}": signedIn("published"),
  "PATCH /api/offerings/{id}": only(PROVIDER_ANY, "own_organisation"),
  "GET /api/offerings/{id}/availability": signedIn("published"),
  "POST /api/offerings/{id}/blackouts": only(PROVIDER_ANY, "own_organisation"),
  "PATCH /api/offerings/{id}/blackouts/{blackout_id}": only(PROVIDER_ANY, "own_organisation"),
  "DELETE /api/offerings/{id}/blackouts/{blackout_id}": only(PROVIDER_ANY, "own_organisation"),
  "POST /api/offerings/{id}/blackout-series": only(PROVIDER_ANY, "own_organisation"),
  // The provider's timeline: its own offerings only (scope decided in readTimeline's WHERE on the actor's organisation).
  "GET /api/provider-timeline": only(PROVIDER_ANY, "own_organisation"),
  "POST /api/search/capacity": signedIn("published"),
  "POST /api/quotes": only(SME_ANY, "own_organisation"),
  "POST /api/bookings": only(SME_ANY, "own_organisation"),
  "GET /api/bookings": only([...SME_ANY, ...PROVIDER_ANY, ...AGENCY_STAFF], "booking_parties"),
  "GET /api/bookings/{id}": only([...SME_ANY, ...PROVIDER_ANY, ...AGENCY_STAFF], "booking_parties"),
  "POST /api/bookings/{id}/cancel": only(SME_ANY, "booking_parties"),
  "GET /api/bookings/{id}/change-quote": only(SME_ANY, "booking_parties"),
  "POST /api/bookings/{id}/extend": only(SME_ANY, "booking_parties"),
  "POST /api/bookings/{id}/reschedule": only(SME_ANY, "booking_parties"),
  "GET /api/bookings/{id}/history": only([...SME_ANY, ...PROVIDER_ANY, ...AGENCY_STAFF], "booking_parties"),
  "GET /api/bookings/{id}/calendar.ics": only([...SME_ANY, ...PROVIDER_ANY], "booking_parties"),
  "POST /api/bookings/{id}/confirm": only(PROVIDER_ANY, "booking_parties"),
  "POST /api/bookings/{id}/reject": only(PROVIDER_ANY, "booking_parties"),
  "POST /api/bookings/{id}/start": only(PROVIDER_ANY, "booking_parties"),
  "POST /api/bookings/{id}/deliver": only(PROVIDER_ANY, "booking_parties"),

  // Notifications: every person reads and marks only their own inbox.
  "GET /api/notifications": signedIn("none"),
  "POST /api/notifications/{id}/read": signedIn("none"),
  "POST /api/notifications/read-all": signedIn("none"),
  "GET /api/notifications/preferences": signedIn("none"),
  "PUT /api/notifications/preferences": signedIn("none"),
  // Webhooks: an organisation's admins manage its own endpoints.
  "GET /api/webhook-endpoints": only(ORG_ADMINS, "own_organisation"),
  "POST /api/webhook-endpoints": only(ORG_ADMINS, "own_organisation"),
  "GET /api/webhook-endpoints/{id}": only(ORG_ADMINS, "own_organisation"),
  "PATCH /api/webhook-endpoints/{id}": only(ORG_ADMINS, "own_organisation"),
  "POST /api/webhook-endpoints/{id}/rotate-secret": only(ORG_ADMINS, "own_organisation"),
  "POST /api/webhook-endpoints/{id}/ping": only(ORG_ADMINS, "own_organisation"),
  "POST /api/webhook-deliveries/{id}/replay": only(ORG_ADMINS, "own_organisation"),
  // sec-auth: organisation admins manage their own people; an invitation's token is the credential.
  "GET /api/organisations/{id}/users": only(ORG_ADMINS, "own_organisation"),
  "POST /api/organisations/{id}/invitations": only(ORG_ADMINS, "own_organisation"),
  "POST /api/organisations/{id}/users/{user_id}/disable": only(ORG_ADMINS, "own_organisation"),
  "POST /api/auth/accept-invitation": pub,
  // Verification and files (docs/verification-and-files.md).
  "POST /api/organisations/{id}/files": only(["sme:admin", "provider:admin"], "own_organisation"),
  "GET /api/files/{id}": only([...SME_ANY, ...PROVIDER_ANY, ...AGENCY_STAFF], "organisation_reviewers"),
  "GET /api/organisations/{id}/verification": only([...SME_ANY, ...PROVIDER_ANY, ...AGENCY_STAFF], "organisation_reviewers"),
  "POST /api/organisations/{id}/verification/submit": only(["sme:admin", "provider:admin"], "own_organisation"),
  "POST /api/organisations/{id}/verification/verify": only(AGENCY_DECIDERS, "organisation_reviewers"),
  "POST /api/organisations/{id}/verification/reject": only(AGENCY_DECIDERS, "organisation_reviewers"),
  "GET /api/verification-requests": only(AGENCY_STAFF, "organisation_reviewers"),
  // Usage and settlement on actual usage (据实结算)
  "POST /api/usage": only(PROVIDER_ANY, "own_organisation"),
  "POST /api/usage/import": only(PROVIDER_ANY, "own_organisation"),
  "GET /api/bookings/{id}/usage": only([...SME_ANY, ...PROVIDER_ANY, ...AGENCY_STAFF], "booking_parties"),
  "POST /api/bookings/{id}/slurm-account": only(PROVIDER_ANY, "booking_parties"),
  "POST /api/bookings/{id}/confirm-delivery": only(SME_ANY, "booking_parties"),
  "POST /api/bookings/{id}/dispute": only(SME_ANY, "booking_parties"),
  "POST /api/bookings/{id}/resolve-dispute": only(AGENCY_DECIDERS, "agency_programmes"),
  // Audit log (docs/audit-log.md): checkpoints, proofs and the public key are public so that
  // outsiders can verify; events are for agency staff (their programmes and organisation) and
  // the platform admin (all); whole-log verification for auditors, agency admins, platform admin.
  "GET /api/audit/checkpoints": pub,
  "GET /api/audit/checkpoints/{size}": pub,
  "GET /api/audit/proofs/inclusion": pub,
  "GET /api/audit/proofs/consistency": pub,
  "GET /api/audit/public-key": pub,
  "GET /api/audit/events": only([...AGENCY_STAFF, "platform:admin"], "agency_programmes"),
  "GET /api/exports/audit-events.ndjson": only([...AGENCY_STAFF, "platform:admin"], "agency_programmes"),
  "GET /api/exports/audit-events.csv": only([...AGENCY_STAFF, "platform:admin"], "agency_programmes"),
  "GET /api/audit/verify": only(["agency:auditor", "agency:admin", "platform:admin"], "installation"),
  // Claims (兑付) and public notice (公示) (docs/claims.md). 初审 by reviewer/admin, 复核 and
  // payment by finance; the notice list, its CSV and objections to it are public.
  "POST /api/claims": only([...SME_ANY, ...PROVIDER_ANY], "own_organisation"),
  "GET /api/claims": only([...SME_ANY, ...PROVIDER_ANY, ...AGENCY_STAFF], "claim_parties"),
  "GET /api/claims/{id}": only([...SME_ANY, ...PROVIDER_ANY, ...AGENCY_STAFF], "claim_parties"),
  "POST /api/claims/{id}/review": only(AGENCY_DECIDERS, "claim_parties"),
  "POST /api/claims/{id}/resubmit": only([...SME_ANY, ...PROVIDER_ANY], "claim_parties"),
  "POST /api/claims/{id}/approve": only(["agency:admin", "agency:finance"], "claim_parties"),
  "POST /api/claims/{id}/pay": only(["agency:finance"], "claim_parties"),
  "POST /api/claims/{id}/reject": only(["agency:admin", "agency:reviewer", "agency:finance"], "claim_parties"),
  "POST /api/claims/{id}/void": only(["agency:admin"], "claim_parties"),
  "POST /api/claims/{id}/objections/{objection_id}/resolve": only(AGENCY_DECIDERS, "claim_parties"),
  "GET /api/notices": pub,
  "GET /api/exports/notices.csv": pub,
  "POST /api/notices/{claim_id}/objections": pub,
  // Reports, exports and anomaly flags (docs/reports.md): agency staff, auditors included, on their own programmes.
  "GET /api/reports/overview": only(AGENCY_STAFF, "agency_programmes"),
  "GET /api/reports/programmes/{id}": only(AGENCY_STAFF, "agency_programmes"),
  "GET /api/exports/vouchers.csv": only(AGENCY_STAFF, "agency_programmes"),
  "GET /api/exports/bookings.csv": only(AGENCY_STAFF, "agency_programmes"),
  "GET /api/exports/usage.csv": only(AGENCY_STAFF, "agency_programmes"),
  "GET /api/exports/ledger-transfers.csv": only(AGENCY_STAFF, "agency_programmes"),
  "GET /api/exports/claims.csv": only(AGENCY_STAFF, "agency_programmes"),
  // Anomaly flags (docs/anomalies.md): agency staff and auditors read their programmes' flags;
  // the agency's deciders (reviewer, admin) mark one reviewed with a note.
  "GET /api/anomalies": only(AGENCY_STAFF, "agency_programmes"),
  "POST /api/anomalies/{id}/review": only(AGENCY_DECIDERS, "agency_programmes"),
};

export function ruleKey(method: string, openApiPath: string): string {
  return `${method.toUpperCase()} ${openApiPath}`;
}

export function permits(rule: AccessRule, actor: { user: User; org: Organisation } | null): boolean {
  if (rule.access === "public") return true;
  if (!actor) return false;
  if (rule.access === "signed_in") return true;
  return rule.grants.some((grant) => {
    const [kind, role] = grant.split(":");
    return kind === actor.org.kind && (role === "*" || role === actor.user.role);
  });
}
