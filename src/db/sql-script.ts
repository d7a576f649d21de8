// A store that records each batch as literal SQL, so an operator command can produce a script for
// a database it cannot reach (D1: `wrangler d1 execute --file`). The batches also run against the
// base store (an empty in-memory database), so a command that reads what it wrote earlier (the demo
// seed does) sees it, and a batch the base refuses is never recorded.
import type { SQLWrapper } from "drizzle-orm";
import { compile, type Store } from "./store";

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`cannot write ${typeof value} as an SQL literal`);
}

/** The statement with its parameters written in as literals. */
export function toSqlText(statement: SQLWrapper): string {
  const { sql, params } = compile(statement);
  const placeholders = sql.split("?").length - 1;
  if (placeholders !== params.length) throw new Error(`expected ${params.length} placeholders, found ${placeholders}`);
  let next = 0;
  return sql.replace(/\?/g, () => literal(params[next++]));
}

/** Reads and batches go to `base`; each batch that commits there is recorded, in order, as one script. */
export function recordingStore(base: Store): Store & { script(): string } {
  const recorded: string[] = [];
  return {
    driver: base.driver,
    db: base.db,
    all: (statement) => base.all(statement),
    appliedMigrations: () => base.appliedMigrations(),
    async batch(statements) {
      const text = statements.map((s) => `${toSqlText(s)};`);
      const rows = await base.batch(statements);
      recorded.push(...text);
      return rows;
    },
    script: () => `${recorded.join("\n")}\n`,
  };
}
