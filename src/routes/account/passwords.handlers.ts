// One's own password (docs/accounts.md). Every guard is in the write:
// - a password change sets the new hash only while the stored hash is still the one checked
//   (else NULL: NOT NULL fails), so two changes with the same old password cannot both win;
// - a reset sets the new hash only while its link is unused and unexpired and the account is
//   enabled (a sub-select in the same UPDATE), and marks the link used in the same batch: a link
//   works once, however many requests race;
// - a reset request takes its rate-limit slots in the batch that stores the link.
import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq, ne, sql } from "drizzle-orm";
import { hashPassword, verifyPassword } from "../../auth/password";
import { generateSessionToken, invalidateUserSessions, sessionIdFromToken } from "../../auth/session";
import { passwordChangeLimits, passwordResetLimits, takeLoginSlots } from "../../auth/throttle";
import { commit } from "../../db/atomic";
import { constraintViolation } from "../../db/constraints";
import { giveBackSlotStatement, isRateLimitViolation, rateLimitedError, takeSlotStatement } from "../../db/rate-limit";
import { password_resets, sessions, users } from "../../db/schema";
import type { AppEnv } from "../../lib/context";
import { AppError, badRequest, conflict } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { MINUTE_MS } from "../../lib/time";
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
