import { z } from "@hono/zod-openapi";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../auth/password";
import { defineRoute } from "../../lib/route";
import { CalendarDate, commonErrors, conflictError, CreditCode, json, jsonBody, RegionCode, text, throttledError } from "../common";

export const OrganisationSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["sme", "provider", "agency", "platform"]),
    name: z.string(),
    credit_code: z.string(),
    region_code: z.string(),
    size_class: z.enum(["micro", "small", "medium", "large"]),
    founded_on: z.string(),
    credit_status: z.enum(["good", "blacklisted"]),
    address: z.string().nullable(),
    legal_representative: z.string().nullable(),
    contact_phone: z.string().nullable(),
    provider_status: z.enum(["pending", "approved", "rejected", "suspended"]).nullable().openapi({
      description:
        "Providers only. To agency staff: their own agency's decision. To the provider and the platform: approved when any agency approved it (and the platform did not suspend it). Every agency's decision: GET /api/provider-vettings",
    }),
    provider_status_reason: z.string().nullable(),
    verification_state: z.enum(["unverified", "submitted", "verified", "rejected"]).openapi({
      description: "Whether an agency has checked the declared facts against the business licence; an SME's voucher is approved only when verified",
    }),
    installation_status: z
      .enum(["active", "suspended"])
      .nullable()
      .openapi({ description: "Providers only: suspended installation-wide by the platform (fraud): no new bookings at all" }),
    installation_status_reason: z.string().nullable(),
    region_warning: z.string().nullable().openapi({
      description: "A warning, never a refusal: the declared region_code is not under the registration authority named by the credit code's positions 3–8 (GB 32100). null when they agree",
    }),
    created_at: z.string(),
  })
  .openapi("Organisation");

export const VerificationSummarySchema = z
  .object({
    state: z.enum(["unverified", "submitted", "verified", "rejected"]),
    reason: z.string().nullable().openapi({ description: "The verifier's note, or why it was rejected" }),
    submitted_at: z.string().nullable(),
    verified_at: z.string().nullable().openapi({ description: "When an agency last decided (verified or rejected)" }),
    missing: z.array(z.enum(["business_licence", "submission", "agency_review"])).openapi({
      description: "What still stands before verification, in order: upload a business licence, submit, an agency's review. Empty when verified",
    }),
  })
  .openapi("VerificationSummary");

export const UserSchema = z
  .object({
    id: z.string(),
    org_id: z.string(),
    email: z.string(),
    display_name: z.string(),
    role: z.enum(["member", "admin", "reviewer", "finance", "auditor"]),
  })
  .openapi("User");

export const MeSchema = z
  .object({
    user: UserSchema,
    organisation: OrganisationSchema,
    verification: VerificationSummarySchema,
    session_expires_at: z.string(),
    unread_notifications: z.number().int().openapi({ description: "Unread notifications in the caller's inbox" }),
  })
  .openapi("Me");

const Email = z.email().max(254).toLowerCase();
const Password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `密码至少${PASSWORD_MIN_LENGTH}位 / At least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH);

export const SignupBody = z
  .object({
    organisation: z.object({
      kind: z.enum(["sme", "provider"]).openapi({ description: "Agencies are created by the installation's admin" }),
      name: text(200),
      credit_code: CreditCode,
      region_code: RegionCode,
      size_class: z.enum(["micro", "small", "medium", "large"]),
      founded_on: CalendarDate,
      address: text(300).optional(),
      legal_representative: text(100).optional(),
      contact_phone: z
        .string()
        .trim()
        .max(30)
        .regex(/^\+?[0-9][0-9 -]{4,28}$/, "电话号码只能包含数字、空格和连字符 / A phone number holds digits, spaces and hyphens")
        .optional()
        .openapi({ description: "A contact telephone; compared across the two sides of a booking (docs/anomalies.md)" }),
    }),
    user: z.object({ email: Email, display_name: text(100), password: Password }),
  })
  .openapi("Signup");

export const LoginBody = z.object({ email: Email, password: z.string().min(1).max(PASSWORD_MAX_LENGTH) }).openapi("Login");

export const signup = defineRoute({
  method: "post",
  path: "/api/auth/signup",
  tags: ["auth"],
  summary: "Register an SME or a provider with its first (admin) user; signs in",
  request: jsonBody(SignupBody),
  responses: { 201: json(MeSchema, "Registered and signed in (the organisation starts unverified)"), ...commonErrors, ...conflictError, ...throttledError },
});

export const login = defineRoute({
  method: "post",
  path: "/api/auth/login",
  tags: ["auth"],
  summary: "Sign in with email and password; sets the session cookie",
  request: jsonBody(LoginBody),
  responses: { 200: json(MeSchema, "Signed in"), ...commonErrors, ...throttledError },
});

export const logout = defineRoute({
  method: "post",
  path: "/api/auth/logout",
  tags: ["auth"],
  summary: "End this session",
  responses: { 204: { description: "Signed out" }, ...commonErrors },
});

export const logoutAll = defineRoute({
  method: "post",
  path: "/api/auth/logout-all",
  tags: ["auth"],
  summary: "End every session of this user (log out everywhere)",
  responses: { 204: { description: "All sessions ended" }, ...commonErrors },
});

export const me = defineRoute({
  method: "get",
  path: "/api/me",
  tags: ["auth"],
  summary: "The signed-in user and organisation",
  responses: { 200: json(MeSchema, "The caller"), ...commonErrors },
});
