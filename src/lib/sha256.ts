// SHA-256 of text, as lowercase hex. node:crypto's hash is synchronous and runs on Workers too
// (nodejs_compat); WebCrypto's digest would cost every caller an await and a trip through the
// thread pool for a few dozen bytes.
import { createHash } from "node:crypto";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
