import { z } from "@hono/zod-openapi";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../auth/password";
import { defineRoute } from "../../lib/route";
import { MeSchema } from "../auth/auth.routes";
import { commonErrors, conflictError, IdParam, json, jsonBody, PageQuery, RecordId, text } from "../common";

const Role = z.enum(["member", "admin", "reviewer", "finance", "auditor"]);

export const MemberSchema = z
  .object({
    id: z.string(),
    org_id: z.string(),
    email: z.string(),
    display_name: z.string(),
    role: Role,
    disabled: z.boolean(),
    created_at: z.string(),
  })
  .openapi("Member");

export const InvitationSchema = z
  .object({ id: z.string(), org_id: z.string(), email: z.string(), role: Role, expires_at: z.string(), created_at: z.string() })
  .openapi("Invitation");

const MemberParams = IdParam.extend({ user_id: RecordId.openapi({ param: { name: "user_id", in: "path" } }) });

export const InvitationBody = z
  .object({
    email: z.email().max(254).toLowerCase(),
    role: Role.openapi({ description: "agency: admin, reviewer, finance or auditor; sme and provider: admin or member; platform: admin" }),
  })
  .openapi("NewInvitation");

export const AcceptInvitationBody = z
  .object({
    token: z.string().min(1).max(64).regex(/^[a-z2-7]+$/, "not an invitation token"),
    display_name: text(100),
    password: z
      .string()
      .min(PASSWORD_MIN_LENGTH, `密码至少${PASSWORD_MIN_LENGTH}位 / At least ${PASSWORD_MIN_LENGTH} characters`)
      .max(PASSWORD_MAX_LENGTH),
  })
  .openapi("InvitationAcceptance");

export const listMembers = defineRoute({
  method: "get",
  path: "/api/organisations/{id}/users",
  tags: ["organisations"],
  summary: "Your organisation's users, disabled ones included (organisation admins)",
  request: { params: IdParam, query: z.object(PageQuery) },
  responses: {
    200: json(z.object({ items: z.array(MemberSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }), "One page of users"),
    ...commonErrors,
  },
});

export const inviteMember = defineRoute({
  method: "post",
  path: "/api/organisations/{id}/invitations",
  tags: ["organisations"],
  summary: "Invite a person by e-mail with a role; answers a one-time token for the invitation link (valid 7 days)",
  request: { params: IdParam, ...jsonBody(InvitationBody) },
  responses: {
    201: json(
      z.object({ invitation: InvitationSchema, token: z.string(), accept_path: z.string() }),
      "Invited; give the person the link (the token is shown once and stored only as its SHA-256)",
    ),
    ...commonErrors,
    ...conflictError,
  },
});

export const disableMember = defineRoute({
  method: "post",
  path: "/api/organisations/{id}/users/{user_id}/disable",
  tags: ["organisations"],
  summary: "Remove a user from your organisation: disabled, every session ended (the last admin cannot be)",
  request: { params: MemberParams },
  responses: { 200: json(MemberSchema, "Disabled"), ...commonErrors, ...conflictError },
});

export const acceptInvitation = defineRoute({
  method: "post",
  path: "/api/auth/accept-invitation",
  tags: ["auth"],
  summary: "Accept an invitation: creates the user in the inviting organisation and signs them in",
  request: jsonBody(AcceptInvitationBody),
  responses: { 201: json(MeSchema, "Joined and signed in"), ...commonErrors, ...conflictError },
});
