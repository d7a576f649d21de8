// Workers' blob store: an R2 bucket (binding BLOBS in wrangler.toml). R2 writes are atomic per
// object, and the content type travels as the object's HTTP metadata.
import { assertBlobKey, assertContentAddress, type BlobStore } from "./blob-store";

/** The part of the R2 binding this code uses (structural, so Node's type-check needs no Workers types). */
export interface R2BucketLike {
  put(key: string, value: Uint8Array, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
  get(key: string): Promise<R2ObjectBodyLike | null>;
  head(key: string): Promise<R2ObjectLike | null>;
  delete(key: string): Promise<void>;
}
export interface R2ObjectLike {
  size: number;
  httpMetadata?: { contentType?: string };
}
export interface R2ObjectBodyLike extends R2ObjectLike {
  arrayBuffer(): Promise<ArrayBuffer>;
}

const typeOf = (object: R2ObjectLike) => object.httpMetadata?.contentType ?? "application/octet-stream";

export function openR2BlobStore(bucket: R2BucketLike): BlobStore {
  return {
    driver: "r2",
    async put(key, bytes, contentType) {
      await assertContentAddress(key, bytes);
      await bucket.put(key, bytes, { httpMetadata: { contentType } });
    },
    async get(key) {
      assertBlobKey(key);
      const object = await bucket.get(key);
      if (!object) return null;
      const bytes = new Uint8Array(await object.arrayBuffer());
      return { bytes, size_bytes: bytes.byteLength, content_type: typeOf(object) };
    },
    async head(key) {
      assertBlobKey(key);
      const object = await bucket.head(key);
      return object ? { size_bytes: object.size, content_type: typeOf(object) } : null;
    },
    async delete(key) {
      assertBlobKey(key);
      await bucket.delete(key);
    },
  };
}
