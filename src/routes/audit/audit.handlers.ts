import type { RouteHandler } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { treeSize } from "../../db/audit-tree";
import { audit_checkpoints, type AuditCheckpoint } from "../../db/schema";
import { verifierKeyString } from "../../domain/checkpoint";
import { toBase64, toHex } from "../../domain/merkle";
import type { AppEnv } from "../../lib/context";
import { csvLine, UTF8_BOM, type CsvValue } from "../../lib/csv";
import { AppError, badRequest, notFound } from "../../lib/errors";
import { toShanghaiIso } from "../../lib/time";
import { actorOf } from "../../lib/route";
import { AuditLogInconsistent, checkpointIfDue, consistencyProof, inclusionProof, latestCheckpoint, rootAt } from "../../services/audit-log";
import { eventConditions, eventPage, exportLine, namesFor, presentEvent } from "../../services/audit-events";
import { verifyAuditLog } from "../../services/audit-verify";
import { provenExport } from "../../services/audit-export";
import { verifyLedger } from "../../services/verify";
import type * as routes from "./audit.routes";

const EXPORT_PAGE_EVENTS = 500;

function presentCheckpoint(row: AuditCheckpoint) {
  return { tree_size: row.tree_size, root_hash: row.root_hash, checkpoint: row.note, created_at: new Date(row.created_at).toISOString() };
}

export const getLatestCheckpoint: RouteHandler<typeof routes.getLatestCheckpoint, AppEnv> = async (c) => {
  const row = await latestCheckpoint(c.var.store);
  if (!row) throw notFound("审计检查点", "Audit checkpoint");
  return c.json(presentCheckpoint(row), 200);
};

export const getCheckpoint: RouteHandler<typeof routes.getCheckpoint, AppEnv> = async (c) => {
  const size = Number(c.req.valid("param").size);
  const [row] = await c.var.store.db.select().from(audit_checkpoints).where(eq(audit_checkpoints.tree_size, size));
  if (!row) throw notFound("该规模的审计检查点", "Audit checkpoint of this size");
  return c.json(presentCheckpoint(row), 200);
};

/** Proofs are answered only for sizes the sealed tree has reached. */
async function requireSealed(c: { var: AppEnv["Variables"] }, size: number) {
  const sealed = await treeSize(c.var.store);
  if (size > sealed) {
    throw badRequest("beyond_tree", `审计日志目前只有${sealed}条已封存事件 / The audit log has ${sealed} sealed events`, { tree_size: sealed });
  }
}

export const getInclusionProof: RouteHandler<typeof routes.getInclusionProof, AppEnv> = async (c) => {
  const store = c.var.store;
  const { seq } = c.req.valid("query");
  let size = c.req.valid("query").size;
  if (size === undefined) {
    const latest = await latestCheckpoint(store);
    if (!latest) throw notFound("审计检查点", "Audit checkpoint");
    size = latest.tree_size;
  }
  if (seq > size) throw badRequest("beyond_tree", `事件${seq}不在规模为${size}的树中 / Event ${seq} is not in a tree of ${size}`);
  await requireSealed(c, size);
  const [proof, [checkpoint]] = await Promise.all([
    inclusionProof(store, seq, size),
    store.db.select().from(audit_checkpoints).where(eq(audit_checkpoints.tree_size, size)),
  ]);
  return c.json(
    {
      seq,
      leaf_index: proof.leaf_index,
      tree_size: size,
      leaf_hash: toBase64(proof.leaf_hash),
      root_hash: toBase64(proof.root),
      proof: proof.proof.map(toBase64),
      checkpoint: checkpoint?.note ?? null,
    },
    200,
  );
};

export const getConsistencyProof: RouteHandler<typeof routes.getConsistencyProof, AppEnv> = async (c) => {
  const { from, to } = c.req.valid("query");
  if (from > to) throw badRequest("invalid_range", "from 不能大于 to / from must not exceed to");
  await requireSealed(c, to);
  const store = c.var.store;
  const [proof, fromRoot, toRoot] = await Promise.all([consistencyProof(store, from, to), rootAt(store, from), rootAt(store, to)]);
  return c.json({ from, to, from_root_hash: toBase64(fromRoot), to_root_hash: toBase64(toRoot), proof: proof.map(toBase64) }, 200);
};

export const getPublicKey: RouteHandler<typeof routes.getPublicKey, AppEnv> = async (c) => {
  const { signer, origin } = c.var.audit;
  if (!signer) throw new AppError(503, "no_signing_key", "未配置审计签名密钥 / No audit signing key is configured");
  return c.json(
    {
      origin,
      key_name: signer.name,
      key_id: toHex(signer.keyId),
      algorithm: "Ed25519" as const,
      public_key: toBase64(signer.publicKey),
      verifier_key: verifierKeyString(signer),
    },
    200,
  );
};

export const listEvents: RouteHandler<typeof routes.listEvents, AppEnv> = async (c) => {
  const { after_seq, limit, ...filter } = c.req.valid("query");
  const rows = await eventPage(c.var.store, eventConditions(actorOf(c), filter), after_seq, limit + 1);
  const page = rows.slice(0, limit);
  const names = await namesFor(c.var.store, page);
  return c.json({ items: page.map((e) => ({ ...presentEvent(e), ...names(e) })), next_after_seq: rows.length > limit ? page[page.length - 1]!.seq : null }, 200);
};

export const verifyAudit: RouteHandler<typeof routes.verifyAudit, AppEnv> = async (c) => {
  const { signer, origin } = c.var.audit;
  const audit = await verifyAuditLog(c.var.store, signer, origin);
  const ledger = await verifyLedger(c.var.store);
  return c.json({ ok: audit.ok && ledger.ok, audit, ledger }, 200);
};

export const exportEvents: RouteHandler<typeof routes.exportEvents, AppEnv> = async (c) => {
  const store = c.var.store;
  const { older_size: olderSize, ...filter } = c.req.valid("query");
  const where = eventConditions(actorOf(c), filter);
  const { signer, origin } = c.var.audit;
  // The export runs up to a checkpoint, so sign one of the whole sealed tree first (once per size:
  // nothing new, nothing signed). If the log no longer extends the last checkpoint, the signer
  // refuses and the export stops at the last one signed.
  if (signer) {
    try {
      await checkpointIfDue(store, c.var.audit, c.var.now(), { force: true });
    } catch (error) {
      if (!(error instanceof AuditLogInconsistent)) throw error;
      console.warn("audit export: no new checkpoint", error);
    }
  }
  const checkpoint = signer ? await latestCheckpoint(store) : undefined;
  if (olderSize !== undefined && (!checkpoint || olderSize > checkpoint.tree_size)) {
    const latest = checkpoint?.tree_size ?? 0;
    throw badRequest("beyond_tree", `较早的检查点不能大于最新检查点（${latest}）/ older_size must not exceed the latest checkpoint's size (${latest})`, { tree_size: latest });
  }
  const encoder = new TextEncoder();
  let body: ReadableStream<Uint8Array>;
  if (signer && checkpoint) {
    // Up to the latest checkpoint, every event with its inclusion proof, then the signed manifest.
    const proven = provenExport(store, where, checkpoint, signer, origin, olderSize, EXPORT_PAGE_EVENTS);
    let stage: "header" | "events" | "done" = "header";
    body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (stage === "header") {
          stage = "events";
          controller.enqueue(encoder.encode(await proven.header()));
          return;
        }
        if (stage === "done") return;
        const text = await proven.page();
        if (text !== null) {
          controller.enqueue(encoder.encode(text));
          return;
        }
        stage = "done";
        controller.enqueue(encoder.encode(await proven.trailer()));
        controller.close();
      },
    });
  } else {
    // No signed checkpoint yet (or no key): the stored events only, verifiable as a whole log.
    let after = 0;
    body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const page = await eventPage(store, where, after, EXPORT_PAGE_EVENTS);
        if (page.length === 0) {
          controller.close();
          return;
        }
        after = page[page.length - 1]!.seq;
        controller.enqueue(encoder.encode(page.map(exportLine).join("")));
      },
    });
  }
  return new Response(body, {
    status: 200,
    headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Content-Disposition": 'attachment; filename="audit-events.ndjson"' },
  }) as never;
};

const CSV_COLUMNS = [
  "seq", "at", "actor_user_id", "actor_user_name", "actor_org_id", "actor_org_name", "action", "subject_type", "subject_id",
  "programme_id", "programme_name", "request_id", "before_json", "after_json", "prev_hash", "hash",
] as const;

/** The same events as the NDJSON export, for a spreadsheet: one page of the log per pull, at most `max_rows`. */
export const exportEventsCsv: RouteHandler<typeof routes.exportEventsCsv, AppEnv> = async (c) => {
  const store = c.var.store;
  const { max_rows: maxRows, ...filter } = c.req.valid("query");
  const where = eventConditions(actorOf(c), filter);
  const encoder = new TextEncoder();
  let after = 0;
  let written = 0;
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(UTF8_BOM + csvLine(CSV_COLUMNS)));
        return;
      }
      const want = Math.min(EXPORT_PAGE_EVENTS, maxRows - written);
      // One row past the cap tells a complete export from a cut one.
      const page = await eventPage(store, where, after, want === 0 ? 1 : want);
      if (want === 0) {
        if (page.length > 0) controller.enqueue(encoder.encode(csvLine([`# 已截断：超过 ${maxRows} 行 / truncated at ${maxRows} rows; narrow the filters`])));
        controller.close();
        return;
      }
      if (page.length > 0) {
        const names = await namesFor(store, page);
        const text = page
          .map((e) => {
            const row: Record<(typeof CSV_COLUMNS)[number], CsvValue> = { ...e, ...names(e), at: toShanghaiIso(e.at) };
            return csvLine(CSV_COLUMNS.map((column) => row[column]));
          })
          .join("");
        controller.enqueue(encoder.encode(text));
        written += page.length;
        after = page[page.length - 1]!.seq;
      }
      if (page.length < want) controller.close();
    },
  });
  return c.body(body, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": 'attachment; filename="audit-events.csv"',
    "Cache-Control": "private, no-store",
  }) as never;
};
