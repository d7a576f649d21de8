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
export function openNodeStore(path: string, options: { synchronous?: Synchronous; migrationsFolder?: string } = {}): NodeStore {
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${options.synchronous === "NORMAL" ? "NORMAL" : "FULL"}`);
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // Another folder only in tests that migrate a database as an older release left it.
  migrate(drizzle(sqlite, { schema }), { migrationsFolder: options.migrationsFolder ?? MIGRATIONS_DIR });
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
  const commitGroup = groupCommit(sqlite, runAll);

  return {
    driver: "better-sqlite3",
    db: db as unknown as Database,
    batch(statements) {
      assertBatchSize(statements);
      return commitGroup(statements);
    },
    async all<T>(statement: SQLWrapper) {
      return execute(statement) as T[];
    },
    async allRaw<T extends unknown[]>(statement: SQLWrapper) {
      const { sql, params } = compile(statement);
      const prepared = prepare(sql);
      try {
        return prepared.raw(true).all(...params) as T[];
      } finally {
        prepared.raw(false);
      }
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

interface Queued {
  statements: readonly SQLWrapper[];
  resolve: (rows: Row[][]) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. Every batch is still all-or-nothing and answers only once it is durable, but the
 * batches that requests hand in during one turn of the event loop are committed together: one
 * outer transaction, each batch in its own savepoint (better-sqlite3 nests a transaction as a
 * SAVEPOINT), one COMMIT and so one fsync for all of them. A batch whose guard fails rolls back
 * to its savepoint alone and its caller gets the error; the others commit. Guards run in the
 * write exactly as before, in the order the batches arrived, each seeing the ones before it.
 * With synchronous=FULL an fsync per commit was the ceiling of bookings per second; grouped,
 * 64 concurrent bookings share a handful of them.
 */
function groupCommit(sqlite: BetterSqlite3.Database, runAll: (statements: readonly SQLWrapper[]) => Row[][]) {
  let queue: Queued[] = [];
  const flush = () => {
    const group = queue;
    queue = [];
    const [only] = group;
    if (group.length === 1 && only) {
      try {
        only.resolve(runAll(only.statements));
      } catch (error) {
        only.reject(error);
      }
      return;
    }
    const outcomes: (() => void)[] = [];
    try {
      sqlite
        .transaction(() => {
          for (const queued of group) {
            try {
              const rows = runAll(queued.statements);
              outcomes.push(() => queued.resolve(rows));
            } catch (error) {
              // A failed statement that ended the whole transaction (I/O error, SQLITE_FULL, …),
              // not just its savepoint: nothing of this group is committed, so all of it fails.
              if (!sqlite.inTransaction) throw error;
              outcomes.push(() => queued.reject(error));
            }
          }
        })
        .immediate();
    } catch (error) {
      for (const queued of group) queued.reject(error);
      return;
    }
    for (const outcome of outcomes) outcome();
  };
  return (statements: readonly SQLWrapper[]) =>
    new Promise<Row[][]>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ statements, resolve, reject });
    });
}
