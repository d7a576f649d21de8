// The audit export an outsider can verify offline even when it is scoped (docs/audit-log.md):
//   line 1: {"audit_export":"v1","checkpoint":<signed note>,"tree_size":N,"older":{…}|null}
//   then one line per event with seq ≤ N: the stored fields, plus "inclusion": the RFC 6962
//     audit path of leaf seq − 1 in the tree of N leaves (base64 hashes);
//   last line: {"audit_export_manifest":<signed note>}, signed by the log's key, whose body is
//     "audit-export/v1 <origin>\n<N>\n<number of event lines>\n<base64 SHA-256 of the event lines>\n".
// The proofs show each event is in the signed log; the manifest shows no line was dropped, added,
// reordered or altered. With ?older_size=M the header carries the consistency proof from M to N.
import { createHash } from "node:crypto";
import type { SQL } from "drizzle-orm";
import { rangeHashes } from "../db/audit-tree";
import type { AuditCheckpoint } from "../db/schema";
import type { Store } from "../db/store";
import { signNote, type NoteSigner } from "../domain/checkpoint";
import { inclusionRanges, toBase64 } from "../domain/merkle";
import { consistencyProof } from "./audit-log";
import { eventPage, exportLine } from "./audit-events";

export const EXPORT_FORMAT = "v1";
export const MANIFEST_TAG = "audit-export/v1";

export function manifestBody(origin: string, treeSize: number, lines: number, digest: Uint8Array): string {
  return `${MANIFEST_TAG} ${origin}\n${treeSize}\n${lines}\n${toBase64(digest)}\n`;
}

export interface ProvenExport {
  header(): Promise<string>;
  /** The next page of event lines (with proofs), or null when done. */
  page(): Promise<string | null>;
  trailer(): Promise<string>;
}

/** The export of the events matching `where` up to the checkpoint, with proofs, page by page. */
export function provenExport(
  store: Store,
  where: SQL,
  checkpoint: AuditCheckpoint,
  signer: NoteSigner,
  origin: string,
  olderSize: number | undefined,
  pageEvents: number,
): ProvenExport {
  const size = checkpoint.tree_size;
  const digest = createHash("sha256");
  let lines = 0;
  let after = 0;
  return {
    async header() {
      const older =
        olderSize === undefined ? null : { tree_size: olderSize, consistency: (await consistencyProof(store, olderSize, size)).map(toBase64) };
      return `${JSON.stringify({ audit_export: EXPORT_FORMAT, tree_size: size, checkpoint: checkpoint.note, older })}\n`;
    },
    async page() {
      if (after >= size) return null;
      const events = (await eventPage(store, where, after, pageEvents)).filter((e) => e.seq <= size);
      if (events.length === 0) return null;
      after = events[events.length - 1]!.seq;
      const paths = events.map((e) => inclusionRanges(e.seq - 1, size));
      const hashes = await rangeHashes(store, paths.flat());
      let at = 0;
      const text = events
        .map((event, i) => {
          const proof = hashes.slice(at, (at += paths[i]!.length)).map(toBase64);
          return `${exportLine(event).slice(0, -2)},"inclusion":${JSON.stringify(proof)}}\n`;
        })
        .join("");
      digest.update(text);
      lines += events.length;
      return text;
    },
    async trailer() {
      const note = await signNote(manifestBody(origin, size, lines, new Uint8Array(digest.digest())), signer);
      return `${JSON.stringify({ audit_export_manifest: note })}\n`;
    },
  };
}
