// Idempotency-Key for every money-moving POST: the first response to (user, key) is stored in
// the same batch as the change, so a retry gets that response back and nothing moves twice.
// The same key with a different request is refused with 409.
import type { SQLWrapper } from "drizzle-orm";
import { and, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../lib/context";
import { badRequest, conflict } from "../lib/errors";
import { actorOf } from "../lib/route";
import { sha256Hex } from "../lib/sha256";
import { auditJson } from "./audit";
import { constraintViolation } from "./constraints";
import { idempotency_keys } from "./schema";
import { statementShape, type Store } from "./store";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";
const KEY_PATTERN = /^[A-Za-z0-9_\-:.]{8,128}$/;

export interface IdempotentResult {
  status: ContentfulStatusCode;
  body: unknown;
}

/** Records the response under the key; include it in the batch that makes the change. */
export type RecordResponse = (result: IdempotentResult) => SQLWrapper;

function prepareStoredRead(store: Store) {
  return store.db
    .select()
    .from(idempotency_keys)
    .where(and(eq(idempotency_keys.user_id, sql.placeholder("user_id")), eq(idempotency_keys.key, sql.placeholder("key"))))
    .prepare();
}

// Compiled once, bound per request (src/db/store.ts statementShape).
const storedResponse = statementShape<{ user_id: string; key: string; request_hash: string; response_status: number; response_body: string; created_at: number }>((v, db) =>
  db.insert(idempotency_keys).values({
    user_id: v.user_id,
    key: v.key,
    request_hash: v.request_hash,
    response_status: v.response_status,
    response_body: v.response_body,
    created_at: v.created_at,
  }),
);

// Every money-moving request looks its key up first: built and compiled once per store.
const storedReads = new WeakMap<Store, ReturnType<typeof prepareStoredRead>>();

export async function idempotent(
  c: Context<AppEnv>,
  requestBody: unknown,
  run: (record: RecordResponse) => Promise<IdempotentResult>,
) {
  const key = c.req.header(IDEMPOTENCY_HEADER);
  if (!key || !KEY_PATTERN.test(key)) {
    throw badRequest(
      "idempotency_key_required",
      "请在 Idempotency-Key 请求头中提供8–128位的唯一键（字母、数字、-_:.）/ Send a unique Idempotency-Key header of 8–128 characters (letters, digits, -_:.)",
    );
  }
  const userId = actorOf(c).user.id;
  const requestHash = sha256Hex(`${c.req.method} ${c.req.path} ${auditJson(requestBody) ?? ""}`);
  const store = c.var.store;

  const replay = async () => {
    let read = storedReads.get(store);
    if (!read) storedReads.set(store, (read = prepareStoredRead(store)));
    const [stored] = await read.all({ user_id: userId, key });
    if (!stored) return null;
    if (stored.request_hash !== requestHash) {
      throw conflict(
        "idempotency_key_reused",
        "此 Idempotency-Key 已用于另一个请求 / This Idempotency-Key was already used for a different request",
      );
    }
    c.header("Idempotent-Replayed", "true");
    return c.json(JSON.parse(stored.response_body), stored.response_status as ContentfulStatusCode);
  };

  const earlier = await replay();
  if (earlier) return earlier;

  const record: RecordResponse = (result) =>
    storedResponse({
      user_id: userId,
      key,
      request_hash: requestHash,
      response_status: result.status,
      response_body: JSON.stringify(result.body),
      created_at: c.var.now(),
    });
  try {
    const result = await run(record);
    return c.json(result.body as object, result.status);
  } catch (error) {
    // A concurrent request with the same key committed first: answer as it did.
    const violation = constraintViolation(error);
    if (violation?.kind === "unique" && violation.name.startsWith("idempotency_keys.")) {
      const concurrent = await replay();
      if (concurrent) return concurrent;
    }
    throw error;
  }
}
