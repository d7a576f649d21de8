// The Node blob store's own promises: content-addressed layout, writes through a temporary file
// and a rename (nothing half-written or left behind), and keys that cannot name a path.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/blobs/blob-store";
import { openDirectoryBlobStore } from "../../src/blobs/directory";
import { sanitiseFileName, sniffContentType } from "../../src/domain/file-types";

const allFiles = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

describe("the directory blob store", () => {
  it("keeps a blob at <dir>/<first two hex>/<sha256> with its type beside it, and no temporary file", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "blobs-test-")), "blobs");
    const store = openDirectoryBlobStore(dir);
    const bytes = new TextEncoder().encode("%PDF-1.4 licence");
    const key = await sha256Hex(bytes);
    await Promise.all([store.put(key, bytes, "application/pdf"), store.put(key, bytes, "application/pdf")]);
    expect(allFiles(dir).sort()).toEqual([join(dir, key.slice(0, 2), key), join(dir, key.slice(0, 2), `${key}.type`)]);
    expect(readFileSync(join(dir, key.slice(0, 2), key))).toEqual(Buffer.from(bytes));
    await store.delete(key);
    expect(allFiles(dir)).toEqual([]);
  });

  it("refuses keys that are not a SHA-256, so no key can escape the directory", async () => {
    const store = openDirectoryBlobStore(mkdtempSync(join(tmpdir(), "blobs-test-")));
    for (const key of ["../x", "a".repeat(63), "A".repeat(64), `${"a".repeat(62)}/.`]) {
      await expect(store.head(key)).rejects.toThrow(/blob key/);
    }
  });
});

describe("file types and names", () => {
  it("recognises PDF, JPEG and PNG by their first bytes only", () => {
    expect(sniffContentType(new TextEncoder().encode("%PDF-1.7"))).toBe("application/pdf");
    expect(sniffContentType(new Uint8Array([0xff, 0xd8, 0xff, 0xdb]))).toBe("image/jpeg");
    expect(sniffContentType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe("image/png");
    expect(sniffContentType(new TextEncoder().encode("%PDF"))).toBeNull();
    expect(sniffContentType(new TextEncoder().encode("<html>%PDF-"))).toBeNull();
    expect(sniffContentType(new Uint8Array())).toBeNull();
  });

  it("keeps the last path segment of a name, without control characters, quotes or leading dots, bounded", () => {
    expect(sanitiseFileName("../../etc/passwd")).toBe("passwd");
    expect(sanitiseFileName("C:\\Users\\a\\营业执照 扫描件.pdf")).toBe("营业执照 扫描件.pdf");
    expect(sanitiseFileName('a"b\r\nc\u202e.pdf')).toBe("abc.pdf");
    expect(sanitiseFileName("...hidden")).toBe("hidden");
    expect(sanitiseFileName("")).toBe("file");
    expect([...sanitiseFileName("执".repeat(500))]).toHaveLength(200);
  });
});
