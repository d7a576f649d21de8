// Account basics (docs/accounts.md). Every guard is in the write:
// - a password change sets the new hash only while the stored hash is still the one checked
//   (else NULL: NOT NULL fails), so two changes with the same old password cannot both win;
// - a reset sets the new hash only while its link is unused and unexpired and the account is
//   enabled (a sub-select in the same UPDATE), and marks the link used in the same batch: a link
//   works once, however many requests race;
// - a reset request takes its rate-limit slots in the batch that stores the link;
// - an organisation's edit writes only while the eligibility facts are still the ones it read,
//   and a change to them resets the verification state in the same UPDATE;
// - disabling a user keeps the organisation's last enabled admin (NOT NULL again).
import type { RouteHandler } from "@hono/zod-openapi";
import { and, asc, count, desc, eq, ne, sql } from "drizzle-orm";
import { mayReadOrganisation } from "../../auth/organisation-access";
import { hashPassword, verifyPassword } from "../../auth/password";
import { generateSessionToken, invalidateUserSessions, sessionIdFromToken } from "../../auth/session";
import { passwordChangeLimits, passwordResetLimits, takeLoginSlots } from "../../auth/throttle";
import { commit } from "../../db/atomic";
import { constraintViolation } from "../../db/constraints";
import { giveBackSlotStatement, isRateLimitViolation, rateLimitedError, takeSlotStatement } from "../../db/rate-limit";
import { invitations, organisations, password_resets, sessions, users, type Organisation, type User } from "../../db/schema";
import type { AppEnv } from "../../lib/context";
import { AppError, badRequest, conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { MINUTE_MS, toIso } from "../../lib/time";
import { verificationSummary } from "../../services/verification";
import { operatorVerified } from "../../services/verification-facts";
import { vettingViewFor } from "../../services/vetting";
import { presentOrganisation, presentVerification } from "../auth/present";
import { INVITATION_LIFETIME_MS, presentMember } from "../members/members.handlers";
import type * as routes from "./account.routes";

export const RESET_LIFETIME_MS = 30 * MINUTE_MS;


// ---- Changing one's password ------------------------------------------------------------------

export const changePassword: RouteHandler<typeof routes.changePassword, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { current_password, new_password } = c.req.valid("json");
  const store = c.var.store;
  const now = c.var.now();
  // Slots first, as for sign-in: at most `allowed` checks of the current password per window.
  const limits = passwordChangeLimits(actor.user.id, c.var.clientAddress);
  await takeLoginSlots(store, limits, now, "密码尝试次数过多，请稍后再试 / Too many password attempts; try again later");
  const [row] = await store.db.select({ password_hash: users.password_hash }).from(users).where(eq(users.id, actor.user.id));
  if (!row || !(await verifyPassword(current_password, row.password_hash))) {
    throw badRequest("wrong_password", "当前密码不正确 / The current password is wrong");
  }
  if (current_password === new_password) {
    throw badRequest("same_password", "新密码不能与当前密码相同 / The new password must differ from the current one");
  }
  const newHash = await hashPassword(new_password);
  try {
    await commit(
      c,
      [
        store.db
          .update(users)
          .set({ password_hash: sql`CASE WHEN ${users.password_hash} = ${row.password_hash} THEN ${newHash} ELSE NULL END` })
          .where(eq(users.id, actor.user.id)),
        store.db.delete(sessions).where(and(eq(sessions.user_id, actor.user.id), ne(sessions.id, actor.sessionId))),
        ...limits.map((limit) => giveBackSlotStatement(store, limit, now)),
      ],
      [{ action: "user.password_changed", subject_type: "user", subject_id: actor.user.id, after: { other_sessions_ended: true } }],
    );
  } catch (error) {
    if (constraintViolation(error)?.name === "users.password_hash") {
      throw conflict("password_changed_meanwhile", "密码刚刚已被修改，请重新输入当前密码 / The password was just changed; enter the current one again");
    }
    throw error;
  }
  return c.body(null, 204);
};

// ---- Resetting a forgotten password -----------------------------------------------------------

const RESET_ACCEPTED =
  "如该邮箱已注册，重置链接已发送，30分钟内有效 / If this address has an account, a reset link is on its way; it works for 30 minutes";
const RESET_LIMITED = "重置请求过于频繁，请稍后再试 / Too many reset requests; try again later";

export const requestPasswordReset: RouteHandler<typeof routes.requestPasswordReset, AppEnv> = async (c) => {
  const { email } = c.req.valid("json");
  const store = c.var.store;
  const now = c.var.now();
  // The same slots whether or not the address has an account, so a 429 says nothing either.
  const limits = passwordResetLimits(email, c.var.clientAddress);
  const [user] = await store.db.select().from(users).where(eq(users.email, email));
  const token = user && !user.disabled ? generateSessionToken() : null;
  const statements = limits.map((limit) => takeSlotStatement(store, limit, now));
  if (user && token) {
    statements.push(
      store.db.insert(password_resets).values({
        id: newId("pwr"),
        user_id: user.id,
        token_hash: sessionIdFromToken(token),
        expires_at: now + RESET_LIFETIME_MS,
        used_at: null,
        created_at: now,
      }),
    );
  }
  try {
    // No audit event here: the public checkpoints' growth would tell a stranger the address is
    // registered. The reset itself is audited; the link's row is its own record.
    await store.batch(statements);
  } catch (error) {
    if (isRateLimitViolation(error)) throw await rateLimitedError(store, limits, now, RESET_LIMITED);
    throw error;
  }
  if (user && token) {
    const path = `/reset-password?token=${token}`;
    await c.var.mailer?.send({
      to: user.email,
      subject: "重置密码 / Reset your password",
      text: `请在30分钟内打开此链接设置新密码：{link}\nOpen this link within 30 minutes to choose a new password: {link}\n如非本人操作，请忽略本邮件。/ If you did not ask for this, ignore this message.`,
      path,
    });
  }
  return c.json({ message: RESET_ACCEPTED }, 202);
};

const resetInvalid = () =>
  new AppError(400, "reset_link_invalid", "重置链接无效、已使用或已过期，请重新申请 / This reset link is unknown, used or expired; ask for a new one");

export const resetPassword: RouteHandler<typeof routes.resetPassword, AppEnv> = async (c) => {
  const { token, new_password } = c.req.valid("json");
  const store = c.var.store;
  const now = c.var.now();
  const tokenHash = sessionIdFromToken(token);
  const [found] = await store.db
    .select({ reset: password_resets, user: users })
    .from(password_resets)
    .innerJoin(users, eq(users.id, password_resets.user_id))
    .where(eq(password_resets.token_hash, tokenHash));
  if (!found || found.reset.used_at !== null || found.reset.expires_at <= now || found.user.disabled) throw resetInvalid();
  const newHash = await hashPassword(new_password);
  const stillOpen = sql`EXISTS (SELECT 1 FROM ${password_resets} WHERE ${password_resets.token_hash} = ${tokenHash} AND ${password_resets.used_at} IS NULL AND ${password_resets.expires_at} > ${now})`;
  try {
    await commit(
      c,
      [
        store.db
          .update(users)
          .set({ password_hash: sql`CASE WHEN ${stillOpen} AND ${users.disabled} = 0 THEN ${newHash} ELSE NULL END` })
          .where(eq(users.id, found.user.id)),
        // This link and any other open one of the account are spent.
        store.db.update(password_resets).set({ used_at: now }).where(and(eq(password_resets.user_id, found.user.id), sql`${password_resets.used_at} IS NULL`)),
        invalidateUserSessions(store, found.user.id),
      ],
      [{ action: "user.password_reset", subject_type: "user", subject_id: found.user.id, after: { reset_id: found.reset.id, sessions_ended: true } }],
    );
  } catch (error) {
    if (constraintViolation(error)?.name === "users.password_hash") throw resetInvalid();
    throw error;
  }
  return c.body(null, 204);
};

// ---- An organisation's details ----------------------------------------------------------------

const ELIGIBILITY_FIELDS = ["credit_code", "region_code", "size_class", "founded_on"] as const;
const REVERIFY_REASON = "资格信息已修改，需重新上传营业执照并提交核验 / Eligibility facts changed: upload the business licence and submit for verification again";

export const updateOrganisation: RouteHandler<typeof routes.updateOrganisation, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  if (id !== actor.org.id) throw notFound("机构", "Organisation");
  const body = c.req.valid("json");
  const store = c.var.store;
  const [before] = await store.db.select().from(organisations).where(eq(organisations.id, id));
  if (!before) throw notFound("机构", "Organisation");
  const changed = Object.fromEntries(
    Object.entries(body).filter(([key, value]) => value !== undefined && before[key as keyof Organisation] !== value),
  ) as Partial<Organisation>;
  const eligibility = ELIGIBILITY_FIELDS.filter((field) => field in changed);
  if (eligibility.length > 0 && (before.kind === "agency" || before.kind === "platform")) {
    throw conflict("operator_managed", "机构资格信息由平台运营方维护 / The installation's operator keeps these facts for agencies and the platform", { fields: eligibility });
  }
  if (Object.keys(changed).length === 0) {
    return c.json({ ...presentOrganisation(before, await vettingViewFor(store, before, actor.org)), verification: presentVerification(await verificationSummary(store, before)) }, 200);
  }
  const now = c.var.now();
  const reverify = eligibility.length > 0
    ? { verification_state: "unverified" as const, verification_reason: REVERIFY_REASON, verification_submitted_at: null, verified_by: null, verified_at: null }
    : {};
  // Written only while the eligibility facts are still those read (an agency may have just
  // corrected them while verifying): otherwise the name becomes NULL and NOT NULL fails.
  const unchangedSinceRead = sql`${organisations.credit_code} = ${before.credit_code} AND ${organisations.region_code} = ${before.region_code} AND ${organisations.size_class} = ${before.size_class} AND ${organisations.founded_on} = ${before.founded_on}`;
  const name = changed.name ?? before.name;
  const pick = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, before[k as keyof Organisation]]));
  try {
    await commit(
      c,
      [store.db.update(organisations).set({ ...changed, ...reverify, name: sql`CASE WHEN ${unchangedSinceRead} THEN ${name} ELSE NULL END` }).where(eq(organisations.id, id))],
      [
        {
          action: eligibility.length > 0 ? "organisation.eligibility_changed" : "organisation.details_changed",
          subject_type: "organisation",
          subject_id: id,
          before: { ...pick(Object.keys(changed)), ...(eligibility.length > 0 ? { verification_state: before.verification_state } : {}) },
          after: { ...changed, ...reverify },
        },
      ],
    );
  } catch (error) {
    if (constraintViolation(error)?.name === "organisations.name") {
      throw conflict("changed_meanwhile", "机构信息刚被核验人员修改，请刷新后重试 / A verifier just changed these facts; reload and try again");
    }
    throw error;
  }
  const [after] = await store.db.select().from(organisations).where(eq(organisations.id, id));
  if (!after) throw notFound("机构", "Organisation");
  return c.json({ ...presentOrganisation(after, await vettingViewFor(store, after, actor.org)), verification: presentVerification(await verificationSummary(store, after)) }, 200);
};

// ---- The installation admin: agencies and people ----------------------------------------------

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
  const token = generateSessionToken();
  const invitation = {
    id: newId("inv"),
    org_id: org.id,
    email: body.admin_email,
    role: "admin" as const,
    token_hash: sessionIdFromToken(token),
    invited_by: actor.user.id,
    expires_at: now + INVITATION_LIFETIME_MS,
    accepted_at: null,
    accepted_user_id: null,
    created_at: now,
  };
  const { token_hash: _secret, ...shown } = invitation;
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
