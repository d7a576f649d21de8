// Node's blob store: files in a directory (by default beside the SQLite file). A blob is
// `<dir>/<first two hex>/<key>` plus `<key>.type` holding its content type. Writes go to a
// temporary file in the same directory and are renamed into place, so a reader never sees half a
// file and a crash leaves at most a stray temporary file; the type is written before the bytes,
// so a blob that exists always has its type.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { assertBlobKey, assertContentAddress, type BlobStore } from "./blob-store";

export function openDirectoryBlobStore(directory: string): BlobStore {
  const pathOf = (key: string) => {
    assertBlobKey(key);
    return join(directory, key.slice(0, 2), key);
  };
  const typePath = (key: string) => `${pathOf(key)}.type`;

  async function writeAtomically(path: string, data: Uint8Array | string) {
    const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(temporary, data, { flag: "wx" });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async function readType(key: string): Promise<string> {
    try {
      return (await readFile(typePath(key), "utf8")).trim();
    } catch {
      return "application/octet-stream";
    }
  }

  return {
    driver: "directory",
    async put(key, bytes, contentType) {
      await assertContentAddress(key, bytes);
      await mkdir(join(directory, key.slice(0, 2)), { recursive: true });
      await writeAtomically(typePath(key), contentType);
      await writeAtomically(pathOf(key), bytes);
    },
    async get(key) {
      try {
        const bytes = new Uint8Array(await readFile(pathOf(key)));
        return { bytes, size_bytes: bytes.byteLength, content_type: await readType(key) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async head(key) {
      try {
        const info = await stat(pathOf(key));
        return { size_bytes: info.size, content_type: await readType(key) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
      await rm(typePath(key), { force: true });
    },
  };
}
