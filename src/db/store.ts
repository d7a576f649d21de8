// One interface over both drivers. Reads go through drizzle's query builder (`store.db`);
// every write a request makes goes through `store.batch`, which runs its statements as one
// atomic unit: a better-sqlite3 transaction on Node, a D1 batch on Workers. Guards are
// constraints inside those statements (DESIGN §4), so the batch is all-or-nothing on both.
import { is, Param, Placeholder, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { drizzle as queryBuilderOnly } from "drizzle-orm/sqlite-proxy";
import * as schema from "./schema";

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

// Neither driver binds booleans; SQLite stores them as 0/1.
const bindable = (p: unknown) => (typeof p === "boolean" ? (p ? 1 : 0) : p);

export function compile(statement: SQLWrapper): CompiledQuery {
  if (statement instanceof ShapedStatement) return statement.compile();
  const query = dialect.sqlToQuery(statement.getSQL());
  return { sql: query.sql, params: query.params.map(bindable) };
}

/**
 * A write's values as its shape's builder sees them: placeholders when the shape is compiled, so
 * the builder may only place them in SQL (a column's value, a `sql` parameter), never compute
 * or branch on them. Whatever varies the SQL text itself needs a shape of its own.
 */
export type Placeholders<V> = { readonly [K in keyof V]: V[K] | Placeholder<K & string> };
type Builder<V> = (v: Placeholders<V>, db: Database) => SQLWrapper;

// Builds insert/update statements for shapes; never runs a query (a shape's text is the same on both drivers).
const shapeDb = queryBuilderOnly(
  async () => {
    throw new Error("a statement shape's builder does not run queries");
  },
  { schema },
) as unknown as Database;

/** Where a compiled shape's parameter comes from: fixed in the shape, or a named value mapped to the driver. */
type Slot = { constant: unknown } | { name: string; encode: ((value: unknown) => unknown) | null };

interface CompiledShape {
  sql: string;
  slots: Slot[];
}

function compileShape<V>(build: Builder<V>): CompiledShape {
  const placeholders = new Proxy({}, { get: (_, name) => (typeof name === "string" ? sql.placeholder(name) : undefined) }) as Placeholders<V>;
  const query = dialect.sqlToQuery(build(placeholders, shapeDb).getSQL());
  const slots = query.params.map((p): Slot => {
    if (is(p, Placeholder)) return { name: p.name as string, encode: null };
    if (is(p, Param) && is(p.value, Placeholder)) {
      const encoder = p.encoder;
      return { name: p.value.name as string, encode: encoder ? (value) => encoder.mapToDriverValue(value) : null };
    }
    return { constant: bindable(p) };
  });
  return { sql: query.sql, slots };
}

/**
 * One use of a statement shape: its values only. The SQL text was compiled once, with
 * placeholders, when the shape was first used; compiling this statement binds the values in
 * order. Every guard in the shape (sub-selects, CASE … ELSE NULL, CHECKs) is in that text, so a
 * shaped write guards exactly as the same write built afresh.
 */
export class ShapedStatement<V extends object = object> implements SQLWrapper {
  constructor(
    private readonly shape: StatementShape<V>,
    readonly values: V,
  ) {}

  compile(): CompiledQuery {
    const { sql, slots } = this.shape.compiled();
    const values = this.values as Record<string, unknown>;
    const params = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as Slot;
      if ("constant" in slot) {
        params[i] = slot.constant;
        continue;
      }
      const value = values[slot.name];
      if (value === undefined) throw new Error(`no value for "${slot.name}" in a statement shape`);
      params[i] = value === null ? null : bindable(slot.encode ? slot.encode(value) : value);
    }
    return { sql, params };
  }

  /** The same statement built with its values in place (what `compile` binds, built the slow way). */
  getSQL(): SQL {
    return this.shape.build(this.values as Placeholders<V>, shapeDb).getSQL();
  }
}

export interface StatementShape<V extends object> {
  (values: V): ShapedStatement<V>;
  readonly build: Builder<V>;
  compiled(): CompiledShape;
}

/**
 * A write whose SQL text is the same on every call, only its values change (a booking's row, its
 * hold's transfer, its audit event): built and compiled once, on first use, with placeholders
 * named after `V`'s keys; each call binds its values. The request hot path then builds no
 * drizzle objects and compiles no SQL for it. Runs in any batch on both drivers, like any
 * statement; each value must be given (null for SQL NULL).
 */
export function statementShape<V extends object>(build: Builder<V>): StatementShape<V> {
  let compiled: CompiledShape | undefined;
  const shape = ((values: V) => new ShapedStatement(shape, values)) as StatementShape<V>;
  Object.assign(shape, { build, compiled: () => (compiled ??= compileShape(build)) });
  return shape;
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
