// An organisation's people: its admins invite others by e-mail with a role and can remove
// (disable) them. Guards live in the writes: an invitation is used once (the new user's org_id
// is fed by a sub-select that is empty once it is used or expired: NOT NULL fails), and the last
// enabled admin cannot be disabled (users.disabled becomes NULL: NOT NULL fails).
import type { RouteHandler } from "@hono/zod-openapi";
import { and, asc, eq, sql } from "drizzle-orm";
import { hashPassword } from "../../auth/password";
import { generateSessionToken, invalidateUserSessions, sessionIdFromToken } from "../../auth/session";
import { commit } from "../../db/atomic";
import { constraintViolation } from "../../db/constraints";
import { invitations, organisations, users, type Organisation, type User } from "../../db/schema";
import type { Actor, AppEnv } from "../../lib/context";
import { AppError, conflict, forbidden, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { DAY_MS, toIso } from "../../lib/time";
import { presentMe, presentVerification } from "../auth/present";
import { verificationSummary } from "../../services/verification";
import { vettingViewFor } from "../../services/vetting";
import { setSessionCookie, startSession } from "../auth/auth.handlers";
import type * as routes from "./members.routes";

export const INVITATION_LIFETIME_MS = 7 * DAY_MS;

/**
 * A new invitation row with its one-time token (only its hash is stored), and the row as the audit
 * log may show it (without the hash). Members invited by an organisation's admin and an agency's
 * first admin invited by the installation admin are made the same way.
 */
export function newInvitation(fields: { org_id: string; email: string; role: User["role"]; invited_by: string; now: number }) {
  const token = generateSessionToken();
  const invitation = {
    id: newId("inv"),
    org_id: fields.org_id,
    email: fields.email,
    role: fields.role,
    token_hash: sessionIdFromToken(token),
    invited_by: fields.invited_by,
    expires_at: fields.now + INVITATION_LIFETIME_MS,
    accepted_at: null,
    accepted_user_id: null,
    created_at: fields.now,
  };
  const { token_hash: _secret, ...shown } = invitation;
  return { token, invitation, shown };
}

/** Roles an organisation of each kind may give its people. */
export const ROLES_BY_KIND: Record<Organisation["kind"], readonly User["role"][]> = {
  agency: ["admin", "reviewer", "finance", "auditor"],
  sme: ["admin", "member"],
  provider: ["admin", "member"],
  platform: ["admin"],
};

/** A user as the members and installation routes answer with it (never the password hash). */
export const presentMember = (user: User) => ({
  id: user.id,
  org_id: user.org_id,
  email: user.email,
  display_name: user.display_name,
  role: user.role,
  disabled: user.disabled,
  created_at: toIso(user.created_at),
});

/** Admins manage their own organisation only; anyone else's answers as if it did not exist. */
function ownOrganisation(actor: Actor, id: string) {
  if (id !== actor.org.id) throw notFound("机构", "Organisation");
  if (actor.user.role !== "admin") throw forbidden("只有本机构管理员可以管理用户 / Only your organisation's admins manage its users");
}

export const listMembers: RouteHandler<typeof routes.listMembers, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, offset } = c.req.valid("query");
  ownOrganisation(actorOf(c), id);
  const db = c.var.store.db;
  const [rows, [count]] = await Promise.all([
    db.select().from(users).where(eq(users.org_id, id)).orderBy(asc(users.created_at), asc(users.id)).limit(limit).offset(offset),
    db.select({ total: sql<number>`count(*)` }).from(users).where(eq(users.org_id, id)),
  ]);
  return c.json({ items: rows.map(presentMember), total: Number(count?.total ?? 0), limit, offset }, 200);
};

export const inviteMember: RouteHandler<typeof routes.inviteMember, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  ownOrganisation(actor, id);
  const allowed = ROLES_BY_KIND[actor.org.kind];
  if (!allowed.includes(body.role)) {
    const message = `此类机构的角色只能是 ${allowed.join("/")} / This kind of organisation has only these roles: ${allowed.join(", ")}`;
    throw new AppError(400, "invalid_request", `请求内容有误：role / Invalid request: check role`, { issues: [{ field: "role", message, code: "role_not_allowed" }] });
  }
  const db = c.var.store.db;
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, body.email));
  if (existing) throw conflict("email_taken", "该邮箱已注册 / This email is already registered");
  const now = c.var.now();
  const { token, invitation, shown } = newInvitation({ org_id: id, email: body.email, role: body.role, invited_by: actor.user.id, now });
  await commit(c, [db.insert(invitations).values(invitation)], [
    { action: "organisation.user_invited", subject_type: "organisation", subject_id: id, after: shown },
  ]);
  const accept_path = `/accept-invitation?token=${token}`;
  // There is no mail server: where the operator allows it, the link goes to the server log.
  c.var.log?.(`Invitation for ${invitation.email} (${invitation.role}) to ${actor.org.name}: ${accept_path}`);
  const presented = { ...shown, expires_at: toIso(invitation.expires_at), created_at: toIso(now) };
  return c.json({ invitation: presented, token, accept_path }, 201);
};

const invitationInvalid = () =>
  new AppError(400, "invitation_invalid", "邀请链接无效、已使用或已过期 / This invitation link is unknown, used or expired");

export const acceptInvitation: RouteHandler<typeof routes.acceptInvitation, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const now = c.var.now();
  const db = c.var.store.db;
  const tokenHash = await sessionIdFromToken(body.token);
  const [found] = await db
    .select({ invitation: invitations, org: organisations })
    .from(invitations)
    .innerJoin(organisations, eq(organisations.id, invitations.org_id))
    .where(eq(invitations.token_hash, tokenHash));
  if (!found || found.invitation.accepted_at !== null || found.invitation.expires_at <= now) throw invitationInvalid();
  const { invitation, org } = found;
  const user: User = {
    id: newId("usr"),
    org_id: org.id,
    email: invitation.email,
    display_name: body.display_name,
    password_hash: await hashPassword(body.password),
    role: invitation.role,
    disabled: false,
    created_at: now,
  };
  // Used once: the organisation comes from the invitation only while it is unused and unexpired.
  const stillOpen = sql`(SELECT ${invitations.org_id} FROM ${invitations} WHERE ${invitations.token_hash} = ${tokenHash} AND ${invitations.accepted_at} IS NULL AND ${invitations.expires_at} > ${now})`;
  const session = await startSession(c, user.id);
  c.set("actor", { user, org, sessionId: session.row.id, sessionExpiresAt: session.row.expires_at });
  try {
    await commit(
      c,
      [
        db.insert(users).values({ ...user, org_id: stillOpen }),
        db.update(invitations).set({ accepted_at: now, accepted_user_id: user.id }).where(eq(invitations.id, invitation.id)),
        session.statement,
      ],
      [
        { action: "user.created", subject_type: "user", subject_id: user.id, after: presentMember(user) },
        { action: "invitation.accepted", subject_type: "organisation", subject_id: org.id, after: { invitation_id: invitation.id, user_id: user.id } },
      ],
    );
  } catch (error) {
    const violation = constraintViolation(error);
    if (violation?.name === "users.org_id") throw invitationInvalid();
    if (violation?.name === "users.email") throw conflict("email_taken", "该邮箱已注册 / This email is already registered");
    throw error;
  }
  setSessionCookie(c, session.token, session.row.expires_at);
  return c.json(presentMe(user, org, await vettingViewFor(c.var.store, org, org), presentVerification(await verificationSummary(c.var.store, org)), session.row.expires_at), 201);
};

export const disableMember: RouteHandler<typeof routes.disableMember, AppEnv> = async (c) => {
  const { id, user_id } = c.req.valid("param");
  ownOrganisation(actorOf(c), id);
  const db = c.var.store.db;
  const [before] = await db.select().from(users).where(and(eq(users.id, user_id), eq(users.org_id, id)));
  if (!before) throw notFound("用户", "User");
  if (before.disabled) throw conflict("already_disabled", "该用户已被停用 / This user is already disabled");
  // The last enabled admin stays: for an admin, `disabled` becomes NULL (NOT NULL fails) unless
  // another enabled admin exists at the moment of the write.
  const otherAdmins = sql`(SELECT count(*) FROM ${users} AS other WHERE other.org_id = ${id} AND other.role = 'admin' AND other.disabled = 0 AND other.id <> ${user_id})`;
  try {
    await commit(
      c,
      [
        db
          .update(users)
          .set({ disabled: sql`CASE WHEN ${users.role} <> 'admin' OR ${otherAdmins} > 0 THEN 1 ELSE NULL END` })
          .where(and(eq(users.id, user_id), eq(users.org_id, id))),
        invalidateUserSessions(c.var.store, user_id),
      ],
      [{ action: "user.disabled", subject_type: "user", subject_id: user_id, before: presentMember(before), after: presentMember({ ...before, disabled: true }) }],
    );
  } catch (error) {
    if (constraintViolation(error)?.name === "users.disabled") {
      throw conflict("last_admin", "不能停用本机构最后一位管理员 / The organisation's last admin cannot be removed");
    }
    throw error;
  }
  return c.json(presentMember({ ...before, disabled: true }), 200);
};
