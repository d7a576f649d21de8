import { z } from "@hono/zod-openapi";
import { defineRoute } from "../../lib/route";
import { commonErrors, Instant, json, RecordId } from "../common";

const tags = ["audit"];
const unavailable = { 503: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), "No signing key is configured") };

const Base64Hash = z.string().openapi({ description: "Base64 SHA-256", example: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" });
const TreeSize = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Seq = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const CheckpointSchema = z
  .object({
    tree_size: z.number().int(),
    root_hash: Base64Hash,
    checkpoint: z.string().openapi({ description: "The signed note (C2SP tlog-checkpoint): origin, size, root, blank line, signature line" }),
    created_at: z.string(),
  })
  .openapi("AuditCheckpoint");

export const AuditEventSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    request_id: z.string(),
    actor_user_id: z.string().nullable(),
    actor_org_id: z.string().nullable(),
    action: z.string(),
    subject_type: z.string(),
    subject_id: z.string(),
    programme_id: z.string().nullable(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    prev_hash: z.string().nullable(),
    hash: z.string().nullable().openapi({ description: "Chain hash (hex); null until sealed" }),
  })
  .openapi("AuditEvent");

export const EventFilters = z.object({
  subject_type: z.string().max(64).regex(/^[a-z][a-z_]*$/, "not a subject type").optional().openapi({ example: "programme" }),
  subject_id: RecordId.optional(),
  actor_user_id: RecordId.optional(),
  actor_org_id: RecordId.optional(),
  action: z.string().max(64).regex(/^[a-z][a-z_.]*$/, "not an action").optional().openapi({ example: "programme.created" }),
  programme_id: RecordId.optional(),
  from: Instant.optional().openapi({ description: "Events at or after this instant" }),
  to: Instant.optional().openapi({ description: "Events before this instant" }),
});

const NamedAuditEventSchema = AuditEventSchema.extend({
  actor_user_name: z.string().nullable().openapi({ description: "The acting person's display name" }),
  actor_org_name: z.string().nullable(),
  programme_name: z.string().nullable(),
}).openapi("NamedAuditEvent");

export const getLatestCheckpoint = defineRoute({
  method: "get",
  path: "/api/audit/checkpoints",
  tags,
  summary: "The latest signed checkpoint of the audit log (public: anyone may verify)",
  responses: { 200: json(CheckpointSchema, "The latest checkpoint"), ...commonErrors },
});

export const getCheckpoint = defineRoute({
  method: "get",
  path: "/api/audit/checkpoints/{size}",
  tags,
  summary: "The signed checkpoint of a given tree size",
  request: {
    params: z.object({
      size: z.string().regex(/^(0|[1-9][0-9]{0,14})$/, "not a tree size").openapi({ param: { name: "size", in: "path" }, example: "1024" }),
    }),
  },
  responses: { 200: json(CheckpointSchema, "The checkpoint"), ...commonErrors },
});

export const getInclusionProof = defineRoute({
  method: "get",
  path: "/api/audit/proofs/inclusion",
  tags,
  summary: "RFC 6962 inclusion proof of event `seq` in the tree of `size` (default: the latest checkpoint's size)",
  request: { query: z.object({ seq: Seq, size: TreeSize.optional() }) },
  responses: {
    200: json(
      z.object({
        seq: z.number().int(),
        leaf_index: z.number().int(),
        tree_size: z.number().int(),
        leaf_hash: Base64Hash,
        root_hash: Base64Hash,
        proof: z.array(Base64Hash),
        checkpoint: z.string().nullable().openapi({ description: "The signed checkpoint of this size, if one was published" }),
      }),
      "The proof",
    ),
    ...commonErrors,
  },
});

export const getConsistencyProof = defineRoute({
  method: "get",
  path: "/api/audit/proofs/consistency",
  tags,
  summary: "RFC 6962 consistency proof that the tree of `from` events is a prefix of the tree of `to`",
  request: { query: z.object({ from: TreeSize, to: TreeSize }) },
  responses: {
    200: json(
      z.object({ from: z.number().int(), to: z.number().int(), from_root_hash: Base64Hash, to_root_hash: Base64Hash, proof: z.array(Base64Hash) }),
      "The proof",
    ),
    ...commonErrors,
  },
});

export const getPublicKey = defineRoute({
  method: "get",
  path: "/api/audit/public-key",
  tags,
  summary: "The key that signs checkpoints (Ed25519), as a signed-note verifier key",
  responses: {
    200: json(
      z.object({
        origin: z.string(),
        key_name: z.string(),
        key_id: z.string().openapi({ description: "4 bytes, hex" }),
        algorithm: z.literal("Ed25519"),
        public_key: z.string().openapi({ description: "Raw 32-byte public key, base64" }),
        verifier_key: z.string().openapi({ description: "<name>+<key id hex>+<base64(0x01 ‖ public key)>" }),
      }),
      "The public key",
    ),
    ...unavailable,
    ...commonErrors,
  },
});

export const listEvents = defineRoute({
  method: "get",
  path: "/api/audit/events",
  tags,
  summary: "Audit events, oldest first, in pages by sequence number (agency staff: their programmes and their organisation)",
  request: {
    query: EventFilters.extend({
      after_seq: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: { 200: json(z.object({ items: z.array(NamedAuditEventSchema), next_after_seq: z.number().int().nullable() }), "Events"), ...commonErrors },
});

const LogBreakSchema = z.object({ seq: z.number().int(), problem: z.string() });
const VerifyReportSchema = z
  .object({
    ok: z.boolean(),
    audit: z.object({
      ok: z.boolean(),
      events: z.number().int(),
      sealed: z.number().int(),
      unsealed_tail: z.object({ count: z.number().int(), first_seq: z.number().int().nullable(), last_seq: z.number().int().nullable() }),
      first_break: LogBreakSchema.nullable().openapi({ description: "Where the log first breaks: a sequence number and what is wrong there" }),
      tree: z.object({ ok: z.boolean(), detail: z.string() }),
      checkpoints: z.object({ count: z.number().int(), latest_size: z.number().int().nullable(), first_bad: z.object({ tree_size: z.number().int(), problem: z.string() }).nullable() }),
    }),
    ledger: z.object({
      ok: z.boolean(),
      checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string(), first_failure: z.record(z.string(), z.unknown()).nullable() })),
    }),
  })
  .openapi("AuditVerifyReport");

export const verifyAudit = defineRoute({
  method: "get",
  path: "/api/audit/verify",
  tags,
  summary: "Re-verify the whole audit log (chain, tree, checkpoint signatures) and the ledger invariants",
  responses: { 200: json(VerifyReportSchema, "The report"), ...commonErrors },
});

export const exportEvents = defineRoute({
  method: "get",
  path: "/api/exports/audit-events.ndjson",
  tags,
  summary:
    "Audit events as NDJSON, streamed (same filters and scope as /api/audit/events), up to the latest checkpoint: a header line naming it, each event with its inclusion proof, a signed manifest line; verifies offline, scoped or not",
  request: {
    query: EventFilters.extend({
      older_size: z.coerce.number().int().min(0).optional().openapi({ description: "The size of a checkpoint you saved: the header then carries the consistency proof from it" }),
    }),
  },
  responses: {
    200: { content: { "application/x-ndjson": { schema: z.string() } }, description: "One stored event per line" },
    ...commonErrors,
  },
});

export const exportEventsCsv = defineRoute({
  method: "get",
  path: "/api/exports/audit-events.csv",
  tags,
  summary: "Audit events as CSV for spreadsheets (UTF-8 with BOM, streamed; same filters and scope as /api/audit/events, names beside ids); verify with the NDJSON export",
  request: {
    query: EventFilters.extend({
      max_rows: z.coerce.number().int().min(1).max(100_000).default(10_000).openapi({ description: "At most this many rows; a last line says when more matched" }),
    }),
  },
  responses: {
    200: { content: { "text/csv": { schema: z.string() } }, description: "CSV, RFC 4180; text cells that could be formulas start with an apostrophe" },
    ...commonErrors,
  },
});
