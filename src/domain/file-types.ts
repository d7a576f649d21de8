// What an uploaded file is, decided from its first bytes (magic numbers), never from its name
// or the Content-Type the client sent: a name is a claim, the bytes are the file.
export type AcceptedContentType = "application/pdf" | "image/jpeg" | "image/png";

const SIGNATURES: [AcceptedContentType, number[]][] = [
  ["application/pdf", [0x25, 0x50, 0x44, 0x46, 0x2d]], // %PDF-
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  ["image/png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
];

export function sniffContentType(bytes: Uint8Array): AcceptedContentType | null {
  for (const [type, signature] of SIGNATURES) {
    if (bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b)) return type;
  }
  return null;
}

export const EXTENSION: Record<AcceptedContentType, string> = { "application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png" };

export const MAX_FILE_NAME_LENGTH = 200;

/**
 * A file name safe to store and show: the last path segment only, without control or
 * format characters, quotes, or characters that mean something to shells and headers;
 * whitespace collapsed; bounded; "file" if nothing is left.
 */
export function sanitiseFileName(raw: string): string {
  const lastSegment = raw.split(/[\\/]/).pop() ?? "";
  const cleaned = lastSegment
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}"'<>|:*?;`$]/gu, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "");
  return [...cleaned].slice(0, MAX_FILE_NAME_LENGTH).join("") || "file";
}
