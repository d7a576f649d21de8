// A store that writes nothing and records each batch as literal SQL instead, so an operator
// command can produce a script for a database it cannot reach (D1: `wrangler d1 execute --file`).
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

/** Reads go to `base`; batches are recorded (in order, as one script) and not executed. */
export function recordingStore(base: Store): Store & { script(): string } {
  const recorded: string[] = [];
  return {
    driver: base.driver,
    db: base.db,
    all: (statement) => base.all(statement),
    appliedMigrations: () => base.appliedMigrations(),
    async batch(statements) {
      recorded.push(...statements.map((s) => `${toSqlText(s)};`));
      return statements.map(() => []);
    },
    script: () => `${recorded.join("\n")}\n`,
  };
}
