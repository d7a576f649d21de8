// Workers entry's database: Cloudflare D1. D1 has no interactive transactions; `batch` is
// its atomic unit, and it rolls back entirely when any statement fails.
import type { SQLWrapper } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";
import { assertBatchSize, compile, type Database, type Row, type Store } from "./store";

/** The part of the D1 binding this code uses (structural, so Node's type-check needs no Workers types). */
export interface D1Like {
  prepare(sql: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<{ results?: unknown[] }[]>;
}
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all(): Promise<{ results?: unknown[] }>;
}

export function openD1Store(d1: D1Like): Store {
  const db = drizzle(d1 as never, { schema });
  const bind = (wrapper: SQLWrapper) => {
    const { sql, params } = compile(wrapper);
    return d1.prepare(sql).bind(...params);
  };
  return {
    driver: "d1",
    db: db as unknown as Database,
    async batch(statements) {
      assertBatchSize(statements);
      const results = await d1.batch(statements.map(bind));
      return results.map((r) => (r.results ?? []) as Row[]);
    },
    async all<T>(statement: SQLWrapper) {
      const result = await bind(statement).all();
      return (result.results ?? []) as T[];
    },
    async appliedMigrations() {
      const result = await d1.prepare("SELECT count(*) AS n FROM d1_migrations").all();
      return Number((result.results?.[0] as { n?: number } | undefined)?.n ?? 0);
    },
  };
}
