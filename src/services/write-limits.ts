// Caps on what one provider may have at once, so no provider can make every capacity search
// walk its catalogue (docs/search-limits.md): active offerings per provider, blackouts still to
// end per offering and per provider. Each capped write ends its batch with a recount into
// write_limits (src/db/schema/limits.ts), whose CHECK fails the whole batch past the cap; the
// count is taken inside the write, never read first.
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { constraintViolation, type ConstraintViolation } from "../db/constraints";
import { conflict, type AppError } from "../lib/errors";

export const MAX_ACTIVE_OFFERINGS_PER_PROVIDER = 200;
export const MAX_UPCOMING_BLACKOUTS_PER_OFFERING = 20;
export const MAX_UPCOMING_BLACKOUTS_PER_PROVIDER = 1_000;

/** Writes the current count under `key`; the statement fails (CHECK write_limit_exceeded) past `allowed`. */
function recount(key: string, allowed: number, count: SQL, now: number): SQLWrapper {
  return sql`INSERT INTO write_limits (key, counted, allowed, updated_at) VALUES (${key}, (${count}), ${allowed}, ${now})
    ON CONFLICT (key) DO UPDATE SET counted = excluded.counted, allowed = excluded.allowed, updated_at = excluded.updated_at`;
}

/** After a write that adds an active offering: the provider's active offerings stay within the cap. */
export function activeOfferingsGuard(providerOrgId: string, now: number): SQLWrapper {
  return recount(
    `active_offerings:${providerOrgId}`,
    MAX_ACTIVE_OFFERINGS_PER_PROVIDER,
    sql`SELECT count(*) FROM offerings WHERE provider_org_id = ${providerOrgId} AND status = 'active'`,
    now,
  );
}

/** After a write that adds a blackout: blackouts still to end stay within both caps. */
export function upcomingBlackoutsGuards(offering: { id: string; provider_org_id: string }, now: number): SQLWrapper[] {
  return [
    recount(
      `upcoming_blackouts:${offering.id}`,
      MAX_UPCOMING_BLACKOUTS_PER_OFFERING,
      sql`SELECT count(*) FROM blackouts WHERE offering_id = ${offering.id} AND ends_at > ${now}`,
      now,
    ),
    recount(
      `upcoming_blackouts:${offering.provider_org_id}`,
      MAX_UPCOMING_BLACKOUTS_PER_PROVIDER,
      sql`SELECT count(*) FROM blackouts b JOIN offerings o ON o.id = b.offering_id WHERE o.provider_org_id = ${offering.provider_org_id} AND b.ends_at > ${now}`,
      now,
    ),
  ];
}

export const isWriteLimit = (v: ConstraintViolation | null) => v?.name === "write_limit_exceeded";

export const tooManyOfferings = (): AppError =>
  conflict(
    "too_many_offerings",
    `每个服务商最多同时上架${MAX_ACTIVE_OFFERINGS_PER_PROVIDER}个资源，请先暂停或下架一些 / A provider may have at most ${MAX_ACTIVE_OFFERINGS_PER_PROVIDER} active offerings; pause or retire some first`,
  );

export const tooManyBlackouts = (): AppError =>
  conflict(
    "too_many_blackouts",
    `每个资源最多${MAX_UPCOMING_BLACKOUTS_PER_OFFERING}个、每个服务商最多${MAX_UPCOMING_BLACKOUTS_PER_PROVIDER}个未结束的维护时段 / At most ${MAX_UPCOMING_BLACKOUTS_PER_OFFERING} blackouts still to end per offering, and ${MAX_UPCOMING_BLACKOUTS_PER_PROVIDER} per provider`,
  );

/** Rethrows a write-limit failure as its 409; any other error unchanged. */
export function explainWriteLimit(error: unknown, refusal: () => AppError): never {
  throw isWriteLimit(constraintViolation(error)) ? refusal() : error;
}
