// The organisation's public face: what other resources may use (reading an organisation, names for ids).
// Other folders import from here only, never from a file inside this one.
export { type Organisation, readOrganisation, useOrganisations } from "./org-names";
export { loadOrganisation, loadRelatedParties } from "./organisation";
export { AcceptInvitationPage } from "./accept-invitation";
export { fileHref, formatBytes, loadVerification, MAX_UPLOAD_BYTES, MISSING, VERIFICATION_STATE, type Missing, type VerificationState } from "./verification";
