// The installation admin's agencies and their people (docs/accounts.md). Disabling a user keeps
// the organisation's last enabled admin (NOT NULL in the same write).
import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { and, asc, count, eq, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { mayReadOrganisation } from "../../auth/organisation-access";
import { invalidateUserSessions } from "../../auth/session";
import { commit } from "../../db/atomic";
import { constraintViolation } from "../../db/constraints";
import type { Store } from "../../db/store";
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

type AgencyRow = { id: string; name: string; credit_code: string; region_code: string; address: string | null; contact_phone: string | null; created_at: number; users: number; enabled_admins: number; pending_invitations: number };

/** Agencies with their counts of people, enabled admins and open invitations, newest first; `where` narrows them. */
async function agencySummaries(c: Context<AppEnv>, page: { limit: number; offset: number }, where: SQL = sql`1 = 1`) {
  const rows = await c.var.store.all<AgencyRow>(sql`
      SELECT o.id, o.name, o.credit_code, o.region_code, o.address, o.contact_phone, o.created_at,
        (SELECT count(*) FROM users u WHERE u.org_id = o.id) AS users,
        (SELECT count(*) FROM users u WHERE u.org_id = o.id AND u.role = 'admin' AND u.disabled = 0) AS enabled_admins,
        (SELECT count(*) FROM invitations i WHERE i.org_id = o.id AND i.accepted_at IS NULL AND i.expires_at > ${c.var.now()}) AS pending_invitations
      FROM organisations o WHERE o.kind = 'agency' AND ${where}
      ORDER BY o.created_at DESC, o.id DESC LIMIT ${page.limit} OFFSET ${page.offset}`);
  return rows.map((r) => ({ ...r, users: Number(r.users), enabled_admins: Number(r.enabled_admins), pending_invitations: Number(r.pending_invitations), created_at: toIso(Number(r.created_at)) }));
}

export const listAgencies: RouteHandler<typeof routes.listAgencies, AppEnv> = async (c) => {
  const { limit, offset } = c.req.valid("query");
  const [items, [total]] = await Promise.all([
    agencySummaries(c, { limit, offset }),
    c.var.store.db.select({ total: count() }).from(organisations).where(eq(organisations.kind, "agency")),
  ]);
  return c.json({ items, total: Number(total?.total ?? 0), limit, offset }, 200);
};

/** The fields of an agency the installation admin edits (docs/accounts.md). */
const AGENCY_FIELDS = ["name", "credit_code", "region_code", "address", "contact_phone"] as const;

type AgencyChange = Partial<Pick<Organisation, (typeof AGENCY_FIELDS)[number]>>;

/**
 * The UPDATE for an agency's change, written only while its editable facts are still those read
 * (its own admin may be editing its name or contact details at the same moment): otherwise the
 * name becomes NULL and NOT NULL refuses the write, so the audit event never records a "before"
 * that no longer was.
 */
export function agencyChange(store: Store, before: Organisation, changed: AgencyChange): SQLWrapper {
  const unchangedSinceRead = sql.join(
    AGENCY_FIELDS.map((field) => sql`${organisations[field]} IS ${before[field]}`),
    sql` AND `,
  );
  const name = changed.name ?? before.name;
  return store.db
    .update(organisations)
    .set({ ...changed, name: sql`CASE WHEN ${unchangedSinceRead} THEN ${name} ELSE NULL END` })
    .where(and(eq(organisations.id, before.id), eq(organisations.kind, "agency")));
}

export const updateAgency: RouteHandler<typeof routes.updateAgency, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const db = c.var.store.db;
  const [before] = await db.select().from(organisations).where(and(eq(organisations.id, id), eq(organisations.kind, "agency")));
  if (!before) throw notFound("主管部门", "Agency");
  const changed = Object.fromEntries(
    AGENCY_FIELDS.filter((field) => body[field] !== undefined && body[field] !== before[field]).map((field) => [field, body[field]]),
  ) as AgencyChange;
  if (Object.keys(changed).length > 0) {
    try {
      await commit(
        c,
        [agencyChange(c.var.store, before, changed)],
        [
          {
            action: "organisation.details_changed",
            subject_type: "organisation",
            subject_id: id,
            before: Object.fromEntries(Object.keys(changed).map((field) => [field, before[field as keyof Organisation]])),
            after: changed,
          },
        ],
      );
    } catch (error) {
      const violation = constraintViolation(error)?.name;
      if (violation === "organisations.name") {
        throw conflict("changed_meanwhile", "该主管部门的信息刚被修改，请刷新后重试 / The agency's details just changed; reload and try again");
      }
      if (violation === "organisations.credit_code") {
        throw conflict("credit_code_taken", "该统一社会信用代码已属于另一已核验机构 / Another verified organisation holds this credit code");
      }
      throw error;
    }
  }
  const [agency] = await agencySummaries(c, { limit: 1, offset: 0 }, sql`o.id = ${id}`);
  if (!agency) throw notFound("主管部门", "Agency");
  return c.json(agency, 200);
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
