// One interface over where file bytes live: a directory beside the SQLite file on Node
// (./directory.ts), an R2 bucket on Workers (./r2.ts). Keys are content addresses: the
// lower-case hex SHA-256 of the bytes, so a key names exactly one content, the same upload twice
// is stored once, and a key can never be a path that escapes the store.
export interface BlobHead {
  size_bytes: number;
  content_type: string;
}

export interface Blob extends BlobHead {
  bytes: Uint8Array;
}

export interface BlobStore {
  readonly driver: "directory" | "r2";
  /** Stores the bytes under their SHA-256 (the key must be that hash); storing a key again is harmless. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Blob | null>;
  head(key: string): Promise<BlobHead | null>;
  delete(key: string): Promise<void>;
}

const KEY = /^[0-9a-f]{64}$/;

export function assertBlobKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`a blob key is a lower-case hex SHA-256, got ${JSON.stringify(key.slice(0, 80))}`);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** put's precondition on both drivers: the key is the bytes' own hash (content addressing). */
export async function assertContentAddress(key: string, bytes: Uint8Array): Promise<void> {
  assertBlobKey(key);
  const actual = await sha256Hex(bytes);
  if (actual !== key) throw new Error(`blob key ${key} is not the SHA-256 of its bytes (${actual})`);
}
