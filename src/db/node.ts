// Node entry's database: an embedded SQLite file through better-sqlite3, WAL mode. Commits are
// durable by default (synchronous=FULL: fsync on every commit), because a granted voucher or a
// paid claim must survive a power cut; an operator may choose NORMAL (SQLITE_SYNCHRONOUS).
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import type { SQLWrapper } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";
import { assertBatchSize, compile, type Database, type Row, type Store } from "./store";

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../drizzle");

export type Synchronous = "FULL" | "NORMAL";

export interface NodeStore extends Store {
  /** A pragma's current value, e.g. pragma("synchronous") is 2 for FULL, 1 for NORMAL. */
  pragma(name: string): unknown;
  close(): void;
}

/** Opens (creating if needed) the database file, or ":memory:", and applies pending migrations. */
export function openNodeStore(path: string, options: { synchronous?: Synchronous } = {}): NodeStore {
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${options.synchronous === "NORMAL" ? "NORMAL" : "FULL"}`);
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  migrate(drizzle(sqlite, { schema }), { migrationsFolder: MIGRATIONS_DIR });
  return storeOver(sqlite);
}

/**
 * A second, read-only connection to a database file another connection has opened (and
 * migrated): for reads on another thread. WAL lets it read while the first one writes.
 */
export function openReadOnlyNodeStore(path: string): NodeStore {
  const sqlite = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  return storeOver(sqlite);
}

function storeOver(sqlite: BetterSqlite3.Database): NodeStore {
  // One prepared statement per SQL text, kept across requests: preparing is a large part of a
  // short query's cost, and drizzle's own better-sqlite3 session prepares afresh on every call.
  // Reads through the query builder get the cached statement too (the client handed to drizzle
  // below). drizzle switches a statement to raw (array) rows when it maps columns itself, and that
  // setting sticks to the statement, so every reader is reset to object rows when handed out.
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (text: string) => {
    let statement = cache.get(text);
    if (!statement) {
      statement = sqlite.prepare(text);
      if (cache.size >= 500) cache.delete(cache.keys().next().value as string);
      cache.set(text, statement);
    }
    if (statement.reader) statement.raw(false);
    return statement;
  };
  const client = { prepare, transaction: (fn: (...args: never[]) => unknown) => sqlite.transaction(fn) };
  const db = drizzle({ client: client as unknown as BetterSqlite3.Database, schema });
  const execute = (wrapper: SQLWrapper): Row[] => {
    const { sql, params } = compile(wrapper);
    const statement = prepare(sql);
    if (statement.reader) return statement.all(...params) as Row[];
    statement.run(...params);
    return [];
  };
  const runAll = sqlite.transaction((statements: readonly SQLWrapper[]) => statements.map(execute));

  return {
    driver: "better-sqlite3",
    db: db as unknown as Database,
    async batch(statements) {
      assertBatchSize(statements);
      return runAll(statements);
    },
    async all<T>(statement: SQLWrapper) {
      return execute(statement) as T[];
    },
    async appliedMigrations() {
      const row = sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
      return row.n;
    },
    pragma(name: string) {
      return sqlite.pragma(name, { simple: true });
    },
    close() {
      sqlite.close();
    },
  };
}
