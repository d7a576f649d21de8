// The input limits the API states (see /openapi.json), carried by the forms so a person learns
// of a problem while typing, not after a round trip. tests/unit/web/limits.test.ts compares
// these with the API's published schemas, so the two cannot drift apart unnoticed.
import { REGION_CODE } from "../../../src/domain/region";

export interface Limit {
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  /** Numbers, in the API's own unit (fen, units, hours): the least and the most it accepts. */
  minimum?: number;
  maximum?: number;
}

/** A 统一社会信用代码 is exactly 18 characters (GB 32100); the check digit is verified separately. */
const CREDIT_CODE_LENGTH = 18;

/** A contact telephone: digits, spaces and hyphens, an optional leading + (src/routes/account Phone). */
const PHONE = { maxLength: 30, pattern: /^\+?[0-9][0-9 -]{4,28}$/ };

/** Record ids ("prg_…", "vch_…") the API takes in bodies. */
const RECORD_ID = { minLength: 3, maxLength: 64, pattern: /^[a-z]+_[a-z2-7]+$/ };
/** Integer fen the API takes (src/routes/common.ts Fen). */
const MAX_FEN = 1e13;
const MAX_UNIT_PRICE_FEN = 1_000_000_000;
const MAX_UNITS = 100_000;
/** Accelerator model names are ASCII: "Ascend 910B", "H800". */
const ACCELERATOR_MODEL = { maxLength: 60, pattern: /^[A-Za-z0-9][A-Za-z0-9 .\-_]*$/ };

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
    "organisation.contact_phone": PHONE,
    "user.email": { required: true, maxLength: 254 },
    "user.display_name": { required: true, maxLength: 100 },
    "user.password": { required: true, minLength: 10, maxLength: 200 },
  },
  /** The installation admin creates an agency (POST /api/installation/agencies)… */
  agency: {
    name: { required: true, maxLength: 200 },
    credit_code: { required: true, maxLength: CREDIT_CODE_LENGTH },
    region_code: { required: true, maxLength: 6, pattern: REGION_CODE },
    admin_email: { required: true, maxLength: 254 },
  },
  /** …and edits one: every field optional in the API, the form sends only those changed. */
  agencyChange: {
    name: { maxLength: 200 },
    credit_code: { maxLength: CREDIT_CODE_LENGTH },
    region_code: { maxLength: 6, pattern: REGION_CODE },
    address: { maxLength: 300 },
    contact_phone: PHONE,
  },
  relatedParty: {
    relation: { required: true },
    party_name: { required: true, maxLength: 200 },
    party_credit_code: { maxLength: CREDIT_CODE_LENGTH },
  },
  providerRejection: {
    reason: { required: true, maxLength: 500 },
  },
  voucherApplication: {
    programme_id: { required: true, ...RECORD_ID },
    requested_fen: { required: true, minimum: 1, maximum: MAX_FEN },
    purpose: { required: true, maxLength: 1000 },
  },
  capacitySearch: {
    category: { required: true },
    accelerator_model: ACCELERATOR_MODEL,
    quantity: { required: true, minimum: 1, maximum: MAX_UNITS },
    // 31 days: the longest search window.
    duration_hours: { required: true, minimum: 1, maximum: 744 },
    earliest_start_at: { required: true },
    latest_end_at: { required: true },
    max_unit_price_fen: { minimum: 0, maximum: MAX_UNIT_PRICE_FEN },
    domestic_only: {},
    sort: {},
    limit: { minimum: 1, maximum: 100 },
  },
  booking: {
    offering_id: { required: true, ...RECORD_ID },
    quantity: { required: true, minimum: 1, maximum: MAX_UNITS },
    starts_at: { required: true },
    ends_at: { required: true },
    voucher_id: RECORD_ID,
    max_copay_fen: { minimum: 0, maximum: MAX_FEN },
  },
  bookingCancellation: {
    reason: { maxLength: 500 },
  },
  budgetTopUp: {
    amount_fen: { required: true, minimum: 1, maximum: MAX_FEN },
    note: { maxLength: 500 },
  },
  applicationApproval: {
    approved_fen: { minimum: 1, maximum: MAX_FEN },
    note: { maxLength: 500 },
  },
  applicationRejection: {
    reason: { required: true, maxLength: 500 },
  },
  applicationWithdrawal: {
    reason: { maxLength: 500 },
  },
  voucherRevocation: {
    reason: { required: true, maxLength: 500 },
  },
  bookingRejection: {
    reason: { required: true, maxLength: 500 },
  },
  bookingDelivery: {
    delivered_gross_fen: { minimum: 0, maximum: MAX_FEN },
  },
  blackout: {
    starts_at: { required: true },
    ends_at: { required: true },
    reason: { required: true, maxLength: 500 },
    force: {},
    notice: { maxLength: 500 },
  },
  blackoutSeries: {
    weekdays: { required: true },
    start_hour: { required: true, minimum: 0, maximum: 23 },
    end_hour: { required: true, minimum: 1, maximum: 24 },
    from_date: { required: true },
    until_date: { required: true },
    reason: { required: true, maxLength: 500 },
    force: {},
    notice: { maxLength: 500 },
  },
  objection: {
    name: { required: true, maxLength: 60 },
    contact: { required: true, maxLength: 120 },
    reason: { required: true, maxLength: 2000 },
  },
} satisfies Record<string, Record<string, Limit>>;

/** Limits of forms that filter a list: GET query parameters rather than a body. */
export const QUERY_LIMITS = {
  offeringFilter: {
    category: {},
    q: { maxLength: 100, pattern: /^[\p{L}\p{N}\s\-_.·]+$/u },
    accelerator_model: ACCELERATOR_MODEL,
    domestic: {},
    max_unit_price_fen: { minimum: 0, maximum: MAX_UNIT_PRICE_FEN },
    covered_by_voucher: { maxLength: 64, pattern: /^[a-z]+_[a-z2-7]+$/ },
  },
  noticeSearch: {
    q: { maxLength: 60, pattern: /^[\p{L}\p{N} ._()（）·-]*$/u },
  },
} satisfies Record<string, Record<string, Limit>>;

/** The API's upload limit for one file (docs/verification-and-files.md): 10 MiB. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
