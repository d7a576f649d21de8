// The verification columns an organisation starts with (docs/verification-and-files.md).
import type { Organisation } from "../db/schema";

type VerificationColumns = Pick<Organisation, "verification_state" | "verification_reason" | "verification_submitted_at" | "verified_by" | "verified_at">;

/** Open sign-up: the declared facts are not yet checked against a business licence. */
export const UNVERIFIED: VerificationColumns = {
  verification_state: "unverified",
  verification_reason: null,
  verification_submitted_at: null,
  verified_by: null,
  verified_at: null,
};

/** Made by the installation's operator (CLI, seed, fixtures of agencies): the operator vouched for the facts. */
export const operatorVerified = (now: number): VerificationColumns => ({
  verification_state: "verified",
  verification_reason: "由平台运营方创建 / Created by the installation's operator",
  verification_submitted_at: null,
  verified_by: null,
  verified_at: now,
});
