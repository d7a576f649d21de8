// The Node database fsyncs every commit unless the operator lowers it: a granted voucher or a
// paid claim must survive a power cut.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openNodeStore } from "../../src/db/node";
import { parseEnv } from "../../src/env";

const dir = mkdtempSync(join(tmpdir(), "durability-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SYNCHRONOUS = { NORMAL: 1, FULL: 2 } as const;

describe("database durability on Node", () => {
  it("runs WAL with synchronous=FULL by default", () => {
    const store = openNodeStore(join(dir, "default.sqlite"), { synchronous: parseEnv({}).SQLITE_SYNCHRONOUS });
    try {
      expect(store.pragma("journal_mode")).toBe("wal");
      expect(store.pragma("synchronous")).toBe(SYNCHRONOUS.FULL);
    } finally {
      store.close();
    }
    const bare = openNodeStore(join(dir, "bare.sqlite"));
    try {
      expect(bare.pragma("synchronous")).toBe(SYNCHRONOUS.FULL);
    } finally {
      bare.close();
    }
  });

  it("lets the operator lower it to NORMAL with SQLITE_SYNCHRONOUS, and refuses other values", () => {
    const env = parseEnv({ SQLITE_SYNCHRONOUS: "NORMAL" });
    const store = openNodeStore(join(dir, "normal.sqlite"), { synchronous: env.SQLITE_SYNCHRONOUS });
    try {
      expect(store.pragma("synchronous")).toBe(SYNCHRONOUS.NORMAL);
    } finally {
      store.close();
    }
    expect(() => parseEnv({ SQLITE_SYNCHRONOUS: "OFF" })).toThrow(/SQLITE_SYNCHRONOUS/);
  });
});
