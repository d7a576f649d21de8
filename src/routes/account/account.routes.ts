// Account basics (docs/accounts.md): changing and resetting a password, an organisation's admin
// editing its details, and the installation admin managing agencies and people.
import { z } from "@hono/zod-openapi";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../auth/password";
import { defineRoute } from "../../lib/route";
import { OrganisationSchema, VerificationSummarySchema } from "../auth/auth.routes";
import { InvitationSchema, MemberSchema } from "../members/members.routes";
import { CalendarDate, commonErrors, conflictError, CreditCode, IdParam, json, jsonBody, PageQuery, RegionCode, text, throttledError } from "../common";

const NewPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `密码至少${PASSWORD_MIN_LENGTH}位 / At least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH);
const Email = z.email().max(254).toLowerCase();
const Phone = z
  .string()
  .trim()
  .max(30)
  .regex(/^\+?[0-9][0-9 -]{4,28}$/, "电话号码只能包含数字、空格和连字符 / A phone number holds digits, spaces and hyphens");

export const PasswordChangeBody = z
  .object({ current_password: z.string().min(1).max(PASSWORD_MAX_LENGTH), new_password: NewPassword })
  .openapi("PasswordChange");

export const PasswordResetRequestBody = z.object({ email: Email }).openapi("PasswordResetRequest");

export const PasswordResetBody = z
  .object({
    token: z.string().min(1).max(64).regex(/^[a-z2-7]+$/, "not a reset token"),
    new_password: NewPassword,
  })
  .openapi("PasswordReset");

export const OrganisationChangeBody = z
  .object({
    name: text(200).optional(),
    address: text(300).nullable().optional(),
    legal_representative: text(100).nullable().optional(),
    contact_phone: Phone.nullable().optional(),
    credit_code: CreditCode.optional(),
    region_code: RegionCode.optional(),
    size_class: z.enum(["micro", "small", "medium", "large"]).optional(),
    founded_on: CalendarDate.optional(),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), { message: "至少修改一项 / Change at least one field" })
  .openapi("OrganisationChange", {
    description:
      "Only the fields given change; null clears an optional one. credit_code, region_code, size_class and founded_on decide eligibility, and an enterprise's (SME's or provider's) name is its legal name as verified against the licence: changing any of them sends the organisation back to agency verification (state unverified). An agency's or the platform's name is a plain detail",
  });

export const NewAgencyBody = z
  .object({
    name: text(200),
    credit_code: CreditCode,
    region_code: RegionCode,
    admin_email: Email.openapi({ description: "The first admin; invited with a one-time link (7 days) to choose a name and password" }),
  })
  .openapi("NewAgency");

export const AgencyChangeBody = z
  .object({
    name: text(200).optional(),
    credit_code: CreditCode.optional(),
    region_code: RegionCode.optional(),
    address: text(300).nullable().optional(),
    contact_phone: Phone.nullable().optional(),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), { message: "至少修改一项 / Change at least one field" })
  .openapi("AgencyChange", {
    description:
      "Only the fields given change; null clears address or contact_phone. The agency stays verified: the installation's operator vouches for an agency's facts. A credit code another verified organisation holds is refused (409 credit_code_taken)",
  });

export const AgencySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    credit_code: z.string(),
    region_code: z.string(),
    address: z.string().nullable(),
    contact_phone: z.string().nullable(),
    users: z.number().int(),
    enabled_admins: z.number().int(),
    pending_invitations: z.number().int(),
    created_at: z.string(),
  })
  .openapi("AgencySummary");

const Page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

export const changePassword = defineRoute({
  method: "post",
  path: "/api/auth/password",
  tags: ["auth"],
  summary: "Change your password with your current one; every other session of yours ends (throttled like sign-in)",
  request: jsonBody(PasswordChangeBody),
  responses: { 204: { description: "Changed; this session stays, the others are ended" }, ...commonErrors, ...conflictError, ...throttledError },
});

export const requestPasswordReset = defineRoute({
  method: "post",
  path: "/api/auth/password-reset/request",
  tags: ["auth"],
  summary: "Ask for a one-time reset link (30 minutes) by e-mail; the same answer whether or not the address has an account",
  request: jsonBody(PasswordResetRequestBody),
  responses: {
    202: json(z.object({ message: z.string() }), "Accepted: if the address has an account, a link is on its way"),
    ...commonErrors,
    ...throttledError,
  },
});

export const resetPassword = defineRoute({
  method: "post",
  path: "/api/auth/password-reset",
  tags: ["auth"],
  summary: "Set a new password with a reset link's token (once, within 30 minutes); every session of the account ends",
  request: jsonBody(PasswordResetBody),
  responses: { 204: { description: "Password set; sign in with it" }, ...commonErrors },
});

export const updateOrganisation = defineRoute({
  method: "patch",
  path: "/api/organisations/{id}",
  tags: ["organisations"],
  summary: "Edit your organisation's details (its admins); a changed legal name or eligibility fact goes back to agency verification",
  request: { params: IdParam, ...jsonBody(OrganisationChangeBody) },
  responses: {
    200: json(OrganisationSchema.extend({ verification: VerificationSummarySchema }).openapi("UpdatedOrganisation"), "The organisation as it now is"),
    ...commonErrors,
    ...conflictError,
  },
});

export const listAgencies = defineRoute({
  method: "get",
  path: "/api/installation/agencies",
  tags: ["installation"],
  summary: "The installation's funding agencies, newest first (installation admin)",
  request: { query: z.object(PageQuery) },
  responses: { 200: json(Page(AgencySchema), "One page of agencies"), ...commonErrors },
});

export const createAgency = defineRoute({
  method: "post",
  path: "/api/installation/agencies",
  tags: ["installation"],
  summary: "Create a funding agency and invite its first admin (installation admin)",
  request: jsonBody(NewAgencyBody),
  responses: {
    201: json(
      z.object({ organisation: OrganisationSchema, invitation: InvitationSchema, token: z.string(), accept_path: z.string() }),
      "Created; give the first admin the link (the token is shown once)",
    ),
    ...commonErrors,
    ...conflictError,
  },
});

export const updateAgency = defineRoute({
  method: "patch",
  path: "/api/installation/agencies/{id}",
  tags: ["installation"],
  summary: "Edit a funding agency's name, credit code, region and contact details (installation admin)",
  request: { params: IdParam, ...jsonBody(AgencyChangeBody) },
  responses: {
    200: json(AgencySchema, "The agency as it now is"),
    ...commonErrors,
    ...conflictError,
  },
});

export const listOrganisationUsers = defineRoute({
  method: "get",
  path: "/api/installation/organisations/{id}/users",
  tags: ["installation"],
  summary: "An agency's, provider's or the platform's users (installation admin)",
  request: { params: IdParam, query: z.object(PageQuery) },
  responses: { 200: json(Page(MemberSchema), "One page of users"), ...commonErrors },
});

export const disableUser = defineRoute({
  method: "post",
  path: "/api/installation/users/{id}/disable",
  tags: ["installation"],
  summary: "Disable a user of an agency, a provider or the platform and end their sessions (never an organisation's last admin)",
  request: { params: IdParam },
  responses: { 200: json(MemberSchema, "Disabled"), ...commonErrors, ...conflictError },
});

export const enableUser = defineRoute({
  method: "post",
  path: "/api/installation/users/{id}/enable",
  tags: ["installation"],
  summary: "Enable a disabled user again (installation admin)",
  request: { params: IdParam },
  responses: { 200: json(MemberSchema, "Enabled"), ...commonErrors, ...conflictError },
});
