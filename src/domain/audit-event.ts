// The canonical bytes of an audit event, and the chain hash that seals it (docs/audit-log.md).
// The bytes are the UTF-8 of a JSON *array* in a fixed field order, so they never depend on
// how a driver or engine orders object keys; before/after are the stored JSON text, verbatim.
import { leafHash, sha256, toHex, fromHex, type Hash } from "./merkle";

export const CANONICAL_EVENT_TAG = "audit-event/v1";

/** The stored fields an event's hash covers, in canonical order. */
export const CANONICAL_FIELDS = [
  "seq",
  "at",
  "request_id",
  "actor_user_id",
  "actor_org_id",
  "action",
  "subject_type",
  "subject_id",
  "programme_id",
  "before_json",
  "after_json",
] as const;

export interface CanonicalEvent {
  seq: number;
  at: number;
  request_id: string;
  actor_user_id: string | null;
  actor_org_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  programme_id: string | null;
  before_json: string | null;
  after_json: string | null;
}

/** The chain's start: the prev_hash of seq 1 (32 zero bytes, hex). */
export const GENESIS_HASH = "0".repeat(64);

/** The canonical bytes as text (their UTF-8 encoding is the bytes). */
export function canonicalEventText(event: CanonicalEvent): string {
  for (const field of ["seq", "at"] as const) {
    if (!Number.isSafeInteger(event[field])) throw new Error(`audit event ${field} is not an integer`);
  }
  const values = [CANONICAL_EVENT_TAG, ...CANONICAL_FIELDS.map((field) => event[field] ?? null)];
  return JSON.stringify(values);
}

/**
 * The event a stored canonical text holds (the table keeps the text; its fields are read from it).
 * Throws when the text is not a canonical event array.
 */
export function eventFromCanonical(text: string): CanonicalEvent {
  const values: unknown = JSON.parse(text);
  if (!Array.isArray(values) || values.length !== CANONICAL_FIELDS.length + 1 || values[0] !== CANONICAL_EVENT_TAG) {
    throw new Error("not a canonical audit event");
  }
  const event = Object.fromEntries(CANONICAL_FIELDS.map((field, i) => [field, values[i + 1]])) as unknown as CanonicalEvent;
  for (const field of CANONICAL_FIELDS) {
    const value = event[field] as unknown;
    const ok = field === "seq" || field === "at" ? Number.isSafeInteger(value) : value === null || typeof value === "string";
    if (!ok) throw new Error(`audit event ${field} has the wrong type`);
  }
  return event;
}

export function canonicalEventBytes(event: CanonicalEvent): Uint8Array {
  return new TextEncoder().encode(canonicalEventText(event));
}

/**
 * The same text computed by SQLite (both drivers) from the stored columns: json_array escapes
 * strings as JSON.stringify does (checked for every BMP character in tests/unit/audit-check.test.ts).
 * A verifier uses it to skip building each event in JavaScript; when a hash does not match, it
 * recomputes the bytes with canonicalEventText before calling the event broken, so the JavaScript
 * function above stays the definition.
 */
export const CANONICAL_EVENT_SQL = `json_array('${CANONICAL_EVENT_TAG}', ${CANONICAL_FIELDS.join(", ")})`;

/** hash_n = SHA-256(prev_hash_n (32 bytes) ‖ canonical bytes_n), lower-case hex. */
export function chainHash(prevHashHex: string, event: CanonicalEvent, bytes = canonicalEventBytes(event)): string {
  return toHex(sha256(fromHex(prevHashHex), bytes));
}

/** The event's Merkle leaf hash: SHA-256(0x00 ‖ canonical bytes). */
export function eventLeafHash(event: CanonicalEvent, bytes = canonicalEventBytes(event)): Hash {
  return leafHash(bytes);
}
