// What an uploaded file is, decided from its first bytes (magic numbers), never from its name
// or the Content-Type the client sent: a name is a claim, the bytes are the file.
export type ImageOrPdf = "application/pdf" | "image/jpeg" | "image/png";
export const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
export const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export type AcceptedContentType = ImageOrPdf | typeof DOCX | typeof XLSX;
/** Business licences and claim evidence: scans and PDFs only. */
export const IMAGES_AND_PDF: readonly AcceptedContentType[] = ["application/pdf", "image/jpeg", "image/png"];
/** A programme's attachments (申报指南, forms to fill in): also Word and Excel files. */
export const DOCUMENTS: readonly AcceptedContentType[] = [...IMAGES_AND_PDF, DOCX, XLSX];

const SIGNATURES: [ImageOrPdf, number[]][] = [
  ["application/pdf", [0x25, 0x50, 0x44, 0x46, 0x2d]], // %PDF-
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  ["image/png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
];

/** The file's type by its bytes, if it is one of `accepted`; null otherwise. */
export function sniffContentType(bytes: Uint8Array, accepted: readonly AcceptedContentType[] = IMAGES_AND_PDF): AcceptedContentType | null {
  const type = sniff(bytes);
  return type && accepted.includes(type) ? type : null;
}

function sniff(bytes: Uint8Array): AcceptedContentType | null {
  for (const [type, signature] of SIGNATURES) {
    if (startsWith(bytes, signature)) return type;
  }
  return startsWith(bytes, ZIP_LOCAL_HEADER) ? officeType(bytes) : null;
}

const startsWith = (bytes: Uint8Array, signature: number[]) => bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];

/**
 * A Word or Excel (Office Open XML) file is a ZIP whose central directory lists
 * [Content_Types].xml and the main part (word/document.xml, xl/workbook.xml). A ZIP that lists
 * neither, or carries macros (vbaProject.bin: .docm/.xlsm renamed), is not accepted.
 */
function officeType(bytes: Uint8Array): AcceptedContentType | null {
  const names = zipEntryNames(bytes);
  if (!names || !names.has("[Content_Types].xml")) return null;
  if ([...names].some((name) => name.toLowerCase().endsWith("vbaproject.bin"))) return null;
  if (names.has("word/document.xml")) return DOCX;
  if (names.has("xl/workbook.xml")) return XLSX;
  return null;
}

const MAX_ZIP_ENTRIES = 10_000;

/** The names in a ZIP's central directory, found from its end record; null when it is not well formed. */
export function zipEntryNames(bytes: Uint8Array): Set<string> | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let end = bytes.length - 22; end >= lowest; end--) {
    if (view.getUint32(end, true) !== 0x06054b50) continue;
    const count = view.getUint16(end + 10, true);
    const size = view.getUint32(end + 12, true);
    const offset = view.getUint32(end + 16, true);
    if (count > MAX_ZIP_ENTRIES || offset + size > end) return null;
    const names = new Set<string>();
    const decoder = new TextDecoder("utf-8", { fatal: false });
    let at = offset;
    for (let i = 0; i < count; i++) {
      if (at + 46 > offset + size || view.getUint32(at, true) !== 0x02014b50) return null;
      const nameLength = view.getUint16(at + 28, true);
      const next = at + 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
      if (next > offset + size) return null;
      names.add(decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)));
      at = next;
    }
    return names;
  }
  return null;
}

export const EXTENSION: Record<AcceptedContentType, string> = { "application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", [DOCX]: "docx", [XLSX]: "xlsx" };

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
