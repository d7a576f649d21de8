// Checkpoints in the C2SP tlog-checkpoint format, signed as C2SP signed notes with Ed25519
// (WebCrypto, so the same code runs on Node 20 and Workers). A checkpoint body is
//   <origin>\n<tree size>\n<base64 root hash>\n
// and the note appends a blank line and one line per signature:
//   — <key name> <base64(key id (4 bytes) ‖ Ed25519 signature (64 bytes))>\n
// The key id is the first 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key).
import { concatBytes, equalBytes, fromBase64, sha256, toBase64, type Hash } from "./merkle";

const ED25519 = { name: "Ed25519" } as const;
const SIGNATURE_TYPE_ED25519 = 0x01;
const EM_DASH = "\u2014";

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
}

export interface VerifierKey {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
}

export interface NoteSigner extends VerifierKey {
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export function checkpointBody(checkpoint: Checkpoint): string {
  if (!checkpoint.origin || /[\n\r]/.test(checkpoint.origin)) throw new Error("a checkpoint origin is one non-empty line");
  return `${checkpoint.origin}\n${checkpoint.size}\n${toBase64(checkpoint.root)}\n`;
}

export async function keyIdOf(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  const digest = sha256(new TextEncoder().encode(name), new Uint8Array([0x0a, SIGNATURE_TYPE_ED25519]), publicKey);
  return digest.slice(0, 4);
}

/** The signed-note verifier key string: <name>+<hex key id>+<base64(0x01 ‖ public key)>. */
export function verifierKeyString(key: VerifierKey): string {
  const hex = [...key.keyId].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${key.name}+${hex}+${toBase64(concatBytes(new Uint8Array([SIGNATURE_TYPE_ED25519]), key.publicKey))}`;
}

export async function parseVerifierKey(text: string): Promise<VerifierKey> {
  // The name holds no '+', the id is hex; the base64 key may hold '+'.
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (!match) throw new Error("a verifier key reads <name>+<key id hex>+<base64 key>");
  const [, name, hex, encoded] = match as unknown as [string, string, string, string];
  const raw = fromBase64(encoded);
  if (raw.length !== 33 || raw[0] !== SIGNATURE_TYPE_ED25519) throw new Error("not an Ed25519 verifier key");
  const publicKey = raw.slice(1);
  const keyId = await keyIdOf(name, publicKey);
  if ([...keyId].map((b) => b.toString(16).padStart(2, "0")).join("") !== hex) throw new Error("the verifier key's id does not match its name and key");
  return { name, keyId, publicKey };
}

export async function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): Promise<string> {
  return signNote(checkpointBody(checkpoint), signer);
}

/** A signed note over any body (lines, each ending in a newline). */
export async function signNote(body: string, signer: NoteSigner): Promise<string> {
  if (!body.endsWith("\n") || body.includes("\n\n")) throw new Error("a note body is non-empty lines, each ending in a newline");
  const signature = await signer.sign(new TextEncoder().encode(body));
  return `${body}\n${EM_DASH} ${signer.name} ${toBase64(concatBytes(signer.keyId, signature))}\n`;
}

/** Checks a signed note's signature by `key` and returns its body (any format), or why not. */
export async function openNote(note: string, key: VerifierKey): Promise<{ body: string } | { problem: NoteProblem }> {
  const split = note.indexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) return { problem: "malformed" };
  const body = note.slice(0, split + 1);
  let sawKey = false;
  for (const line of note.slice(split + 2, -1).split("\n")) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match) return { problem: "malformed" };
    if (match[1] !== key.name) continue;
    const blob = fromBase64(match[2]!);
    if (blob.length !== 68 || !equalBytes(blob.slice(0, 4), key.keyId)) continue;
    sawKey = true;
    if (await verifyEd25519(key.publicKey, blob.slice(4), new TextEncoder().encode(body))) return { body };
  }
  return { problem: sawKey ? "bad_signature" : "no_signature_by_key" };
}

export type NoteProblem = "malformed" | "no_signature_by_key" | "bad_signature";

export interface OpenedCheckpoint extends Checkpoint {
  body: string;
}

/** Parses a signed checkpoint and checks the signature by `key`; returns the checkpoint or why not. */
export async function openCheckpoint(note: string, key: VerifierKey): Promise<OpenedCheckpoint | { problem: NoteProblem }> {
  const split = note.indexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) return { problem: "malformed" };
  const body = note.slice(0, split + 1);
  const lines = body.split("\n");
  // origin, size, root, then optional extension lines, then the final "".
  if (lines.length < 4) return { problem: "malformed" };
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!origin || !/^(0|[1-9][0-9]{0,15})$/.test(sizeText)) return { problem: "malformed" };
  let root: Uint8Array;
  try {
    root = fromBase64(rootText);
  } catch {
    return { problem: "malformed" };
  }
  if (root.length !== 32 || toBase64(root) !== rootText) return { problem: "malformed" };
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return { problem: "malformed" };
  const signatureLines = note.slice(split + 2, -1).split("\n");
  let sawKey = false;
  for (const line of signatureLines) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match) return { problem: "malformed" };
    if (match[1] !== key.name) continue;
    const blob = fromBase64(match[2]!);
    if (blob.length !== 68 || !equalBytes(blob.slice(0, 4), key.keyId)) continue;
    sawKey = true;
    if (await verifyEd25519(key.publicKey, blob.slice(4), new TextEncoder().encode(body))) return { origin, size, root, body };
  }
  return { problem: sawKey ? "bad_signature" : "no_signature_by_key" };
}

async function verifyEd25519(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  const key = await crypto.subtle.importKey("raw", publicKey as BufferSource, ED25519, false, ["verify"]);
  return crypto.subtle.verify(ED25519, key, signature as BufferSource, message as BufferSource);
}

/**
 * A signer from a private key setting: PKCS#8 (base64, or PEM) or a JWK (JSON text). The public
 * key comes from the JWK's `x`, so the key is imported extractable once to read it.
 */
export async function signerFromPrivateKey(name: string, text: string): Promise<NoteSigner> {
  const trimmed = text.trim();
  let privateKey: CryptoKey;
  if (trimmed.startsWith("{")) {
    privateKey = await crypto.subtle.importKey("jwk", JSON.parse(trimmed) as JsonWebKey, ED25519, true, ["sign"]);
  } else {
    const base64 = trimmed.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "").replace(/\s+/g, "");
    privateKey = await crypto.subtle.importKey("pkcs8", fromBase64(base64) as BufferSource, ED25519, true, ["sign"]);
  }
  const jwk = (await crypto.subtle.exportKey("jwk", privateKey)) as JsonWebKey;
  if (!jwk.x) throw new Error("the signing key has no public part");
  const publicKey = fromBase64(jwk.x.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (jwk.x.length % 4)) % 4));
  const keyId = await keyIdOf(name, publicKey);
  return {
    name,
    keyId,
    publicKey,
    async sign(message) {
      return new Uint8Array(await crypto.subtle.sign(ED25519, privateKey, message as BufferSource));
    },
  };
}

/** A new Ed25519 private key as base64 PKCS#8 (for the Node key file, and tests). */
export async function generatePrivateKey(): Promise<string> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ["sign", "verify"])) as CryptoKeyPair;
  return toBase64(new Uint8Array((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer));
}
