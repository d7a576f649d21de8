// One interface over both drivers. Reads go through drizzle's query builder (`store.db`);
// every write a request makes goes through `store.batch`, which runs its statements as one
// atomic unit: a better-sqlite3 transaction on Node, a D1 batch on Workers. Guards are
// constraints inside those statements (DESIGN §4), so the batch is all-or-nothing on both.
import type { SQLWrapper } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type * as schema from "./schema";

export type Database = BaseSQLiteDatabase<"sync" | "async", unknown, typeof schema>;
export type Row = Record<string, unknown>;

export interface Store {
  readonly driver: "better-sqlite3" | "d1";
  readonly db: Database;
  /** Runs the statements atomically, in order; returns each statement's rows (empty for writes without RETURNING). */
  batch(statements: readonly SQLWrapper[]): Promise<Row[][]>;
  /** One read-only statement's rows. */
  all<T = Row>(statement: SQLWrapper): Promise<T[]>;
  /** One read-only statement's rows as arrays, in column order (better-sqlite3 only: no row objects are built). */
  allRaw?<T extends unknown[]>(statement: SQLWrapper): Promise<T[]>;
  /** Number of schema migrations applied to this database. */
  appliedMigrations(): Promise<number>;
}

/** A bound on one batch: a request that needs more statements than this is a bug. */
export const MAX_BATCH_STATEMENTS = 200;

const dialect = new SQLiteSyncDialect();

export interface CompiledQuery {
  sql: string;
  params: unknown[];
}

export function compile(statement: SQLWrapper): CompiledQuery {
  const query = dialect.sqlToQuery(statement.getSQL());
  // Neither driver binds booleans; SQLite stores them as 0/1.
  const params = query.params.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p));
  return { sql: query.sql, params };
}

export function assertBatchSize(statements: readonly SQLWrapper[]): void {
  if (statements.length === 0 || statements.length > MAX_BATCH_STATEMENTS) {
    throw new Error(`a batch takes 1..${MAX_BATCH_STATEMENTS} statements, got ${statements.length}`);
  }
}

/**
 * One value per store, built on first use: for queries compiled once with placeholders
 * (drizzle's `.prepare()`, on both drivers) and bound per request, so the hot path does not
 * build and compile the same SQL again on every call.
 */
export function perStore<T>(build: (store: Store) => T): (store: Store) => T {
  const built = new WeakMap<Store, T>();
  return (store) => {
    let value = built.get(store);
    if (value === undefined) built.set(store, (value = build(store)));
    return value;
  };
}
