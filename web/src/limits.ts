// The input limits the API states (see /openapi.json), carried by the forms so a person learns
// of a problem while typing, not after a round trip. tests/unit/web/limits.test.ts compares
// these with the API's published schemas, so the two cannot drift apart unnoticed.
import { REGION_CODE } from "../../src/domain/region";

export interface Limit {
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
}

/** A 统一社会信用代码 is exactly 18 characters (GB 32100); the check digit is verified separately. */
const CREDIT_CODE_LENGTH = 18;

export const LIMITS = {
  login: {
    email: { required: true, maxLength: 254 },
    password: { required: true, maxLength: 200 },
  },
  signup: {
    "organisation.kind": { required: true },
    "organisation.name": { required: true, maxLength: 200 },
    "organisation.credit_code": { required: true, maxLength: CREDIT_CODE_LENGTH },
    "organisation.region_code": { required: true, maxLength: 6, pattern: REGION_CODE },
    "organisation.size_class": { required: true },
    "organisation.founded_on": { required: true },
    "organisation.address": { maxLength: 300 },
    "organisation.legal_representative": { maxLength: 100 },
    "user.email": { required: true, maxLength: 254 },
    "user.display_name": { required: true, maxLength: 100 },
    "user.password": { required: true, minLength: 10, maxLength: 200 },
  },
  relatedParty: {
    relation: { required: true },
    party_name: { required: true, maxLength: 200 },
    party_credit_code: { maxLength: CREDIT_CODE_LENGTH },
  },
  providerRejection: {
    reason: { required: true, maxLength: 500 },
  },
} satisfies Record<string, Record<string, Limit>>;
