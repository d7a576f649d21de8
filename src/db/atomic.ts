// The one way a request changes data: its statements and its audit events, in one atomic batch.
import type { SQLWrapper } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../lib/context";
import type { AppError } from "../lib/errors";
import { auditStatement, type AuditInput, type AuditMeta } from "./audit";
import { constraintViolation, type ConstraintViolation } from "./constraints";
import type { Row, Store } from "./store";

export function commitAs(
  store: Store,
  meta: AuditMeta,
  statements: readonly SQLWrapper[],
  events: readonly AuditInput[],
): Promise<Row[][]> {
  return store.batch([...statements, ...events.map((event) => auditStatement(store, meta, event))]);
}

export function auditMeta(c: Context<AppEnv>): AuditMeta {
  return {
    at: c.var.now(),
    request_id: c.var.requestId,
    actor_user_id: c.var.actor?.user.id ?? null,
    actor_org_id: c.var.actor?.org.id ?? null,
  };
}

/** Commits a request's writes and audit events atomically; returns each statement's rows. */
export async function commit(c: Context<AppEnv>, statements: readonly SQLWrapper[], events: readonly AuditInput[]) {
  const rows = await commitAs(c.var.store, auditMeta(c), statements, events);
  if (events.length > 0) c.set("auditWritten", true);
  return rows;
}

export const MAX_GUARD_ATTEMPTS = 3;

/**
 * Runs `attempt` (read, compute, write with guards) until it commits. A violated guard means the
 * world changed between the read and the write: re-read and try again, at most
 * MAX_GUARD_ATTEMPTS times, then answer with `explain(violation)` (a 409 the caller can act on);
 * a guard in `finalGuards` is explained after its first failure.
 * Errors that are not constraint violations pass through untouched.
 */
export async function retryOnGuard<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  explain: (violation: ConstraintViolation) => AppError,
  options: { finalGuards?: ReadonlySet<string> } = {},
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      const violation = constraintViolation(error);
      // Not a guard (or a concurrent replay of the same Idempotency-Key, handled by idempotent()).
      if (!violation || violation.name.startsWith("idempotency_keys.")) throw error;
      // `finalGuards`: guards a re-read cannot satisfy (e.g. a full slot); explained at once.
      if (attemptNumber >= MAX_GUARD_ATTEMPTS || options.finalGuards?.has(violation.name)) throw explain(violation);
    }
  }
}
