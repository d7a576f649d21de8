// The installation admin's agencies and their people (docs/accounts.md). Disabling a user keeps
// the organisation's last enabled admin (NOT NULL in the same write).
import type { RouteHandler } from "@hono/zod-openapi";
import { and, asc, count, eq, sql } from "drizzle-orm";
import { mayReadOrganisation } from "../../auth/organisation-access";
import { invalidateUserSessions } from "../../auth/session";
import { commit } from "../../db/atomic";
import { constraintViolation } from "../../db/constraints";
import { invitations, organisations, users, type Organisation, type User } from "../../db/schema";
import type { AppEnv } from "../../lib/context";
import { conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { toIso } from "../../lib/time";
import { operatorVerified } from "../../services/verification-facts";
import { presentOrganisation } from "../auth/present";
import { newInvitation, presentMember } from "../members/members.handlers";
import type * as routes from "./account.routes";

export const listAgencies: RouteHandler<typeof routes.listAgencies, AppEnv> = async (c) => {
  const { limit, offset } = c.req.valid("query");
  const db = c.var.store.db;
  const [rows, [total]] = await Promise.all([
    c.var.store.all<{ id: string; name: string; credit_code: string; region_code: string; created_at: number; users: number; enabled_admins: number; pending_invitations: number }>(sql`
      SELECT o.id, o.name, o.credit_code, o.region_code, o.created_at,
        (SELECT count(*) FROM users u WHERE u.org_id = o.id) AS users,
        (SELECT count(*) FROM users u WHERE u.org_id = o.id AND u.role = 'admin' AND u.disabled = 0) AS enabled_admins,
        (SELECT count(*) FROM invitations i WHERE i.org_id = o.id AND i.accepted_at IS NULL AND i.expires_at > ${c.var.now()}) AS pending_invitations
      FROM organisations o WHERE o.kind = 'agency'
      ORDER BY o.created_at DESC, o.id DESC LIMIT ${limit} OFFSET ${offset}`),
    db.select({ total: count() }).from(organisations).where(eq(organisations.kind, "agency")),
  ]);
  const items = rows.map((r) => ({ ...r, users: Number(r.users), enabled_admins: Number(r.enabled_admins), pending_invitations: Number(r.pending_invitations), created_at: toIso(Number(r.created_at)) }));
  return c.json({ items, total: Number(total?.total ?? 0), limit, offset }, 200);
};

export const createAgency: RouteHandler<typeof routes.createAgency, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const body = c.req.valid("json");
  const db = c.var.store.db;
  const now = c.var.now();
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, body.admin_email));
  if (existing) throw conflict("email_taken", "该邮箱已注册 / This email is already registered");
  const org: Organisation = {
    id: newId("org"),
    kind: "agency",
    name: body.name,
    credit_code: body.credit_code,
    region_code: body.region_code,
    size_class: "large",
    founded_on: "2000-01-01",
    credit_status: "good",
    address: null,
    legal_representative: null,
    contact_phone: null,
    provider_status: null,
    provider_status_reason: null,
    ...operatorVerified(now),
    created_at: now,
  };
  const { token, invitation, shown } = newInvitation({ org_id: org.id, email: body.admin_email, role: "admin", invited_by: actor.user.id, now });
  try {
    await commit(c, [db.insert(organisations).values(org), db.insert(invitations).values(invitation)], [
      { action: "organisation.registered", subject_type: "organisation", subject_id: org.id, after: org },
      { action: "organisation.user_invited", subject_type: "organisation", subject_id: org.id, after: shown },
    ]);
  } catch (error) {
    if (constraintViolation(error)?.name === "organisations.credit_code") {
      throw conflict("credit_code_taken", "该统一社会信用代码已属于另一已核验机构 / Another verified organisation holds this credit code");
    }
    throw error;
  }
  const accept_path = `/accept-invitation?token=${token}`;
  c.var.log?.(`Invitation for ${invitation.email} (admin) to ${org.name}: ${accept_path}`);
  return c.json(
    {
      organisation: presentOrganisation(org, { provider_status: null, provider_status_reason: null }),
      invitation: { ...shown, expires_at: toIso(invitation.expires_at), created_at: toIso(now) },
      token,
      accept_path,
    },
    201,
  );
};

export const listOrganisationUsers: RouteHandler<typeof routes.listOrganisationUsers, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, offset } = c.req.valid("query");
  if (!(await mayReadOrganisation(c.var.store, actorOf(c), id))) throw notFound("机构", "Organisation");
  const db = c.var.store.db;
  const [rows, [total]] = await Promise.all([
    db.select().from(users).where(eq(users.org_id, id)).orderBy(asc(users.created_at), asc(users.id)).limit(limit).offset(offset),
    db.select({ total: count() }).from(users).where(eq(users.org_id, id)),
  ]);
  return c.json({ items: rows.map(presentMember), total: Number(total?.total ?? 0), limit, offset }, 200);
};

/** A user of an organisation the installation admin may read (src/auth/organisation-access.ts); anyone else's is 404. */
async function manageableUser(c: Parameters<typeof disableUser>[0], id: string): Promise<User> {
  const [user] = await c.var.store.db.select().from(users).where(eq(users.id, id));
  if (!user || !(await mayReadOrganisation(c.var.store, actorOf(c), user.org_id))) throw notFound("用户", "User");
  return user;
}

export const disableUser: RouteHandler<typeof routes.disableUser, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const before = await manageableUser(c, c.req.valid("param").id);
  if (before.id === actor.user.id) throw conflict("cannot_disable_self", "不能停用自己的账户 / You cannot disable your own account");
  if (before.disabled) throw conflict("already_disabled", "该用户已被停用 / This user is already disabled");
  const db = c.var.store.db;
  const otherAdmins = sql`(SELECT count(*) FROM ${users} AS other WHERE other.org_id = ${before.org_id} AND other.role = 'admin' AND other.disabled = 0 AND other.id <> ${before.id})`;
  try {
    await commit(
      c,
      [
        db.update(users).set({ disabled: sql`CASE WHEN ${users.role} <> 'admin' OR ${otherAdmins} > 0 THEN 1 ELSE NULL END` }).where(eq(users.id, before.id)),
        invalidateUserSessions(c.var.store, before.id),
      ],
      [{ action: "user.disabled", subject_type: "user", subject_id: before.id, before: presentMember(before), after: presentMember({ ...before, disabled: true }) }],
    );
  } catch (error) {
    if (constraintViolation(error)?.name === "users.disabled") {
      throw conflict("last_admin", "不能停用该机构最后一位管理员 / The organisation's last admin cannot be disabled");
    }
    throw error;
  }
  return c.json(presentMember({ ...before, disabled: true }), 200);
};

export const enableUser: RouteHandler<typeof routes.enableUser, AppEnv> = async (c) => {
  const before = await manageableUser(c, c.req.valid("param").id);
  if (!before.disabled) throw conflict("already_enabled", "该用户未被停用 / This user is not disabled");
  await commit(c, [c.var.store.db.update(users).set({ disabled: false }).where(eq(users.id, before.id))], [
    { action: "user.enabled", subject_type: "user", subject_id: before.id, before: presentMember(before), after: presentMember({ ...before, disabled: false }) },
  ]);
  return c.json(presentMember({ ...before, disabled: false }), 200);
};
