// Guards that fail a statement (DESIGN §4): an UPDATE whose WHERE matches nothing is not an
// error and does not stop a batch, so a state check must make the write itself invalid.
import { sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/**
 * The value for `SET status = …` that moves a row from one of `from` to `to`, and otherwise
 * yields NULL, which the column's NOT NULL (or CHECK) constraint refuses: the batch rolls back
 * and the caller learns the row was no longer in a state it could leave that way.
 */
export function transition(column: SQLiteColumn, from: readonly string[], to: string): SQL {
  return sql`CASE WHEN ${isOneOf(column, from)} THEN ${to} ELSE NULL END`;
}

/**
 * The value for `SET status = …` that keeps the row's state when it is one of `allowed`, and
 * otherwise yields NULL (refused by NOT NULL): a write that needs the row to be in a state.
 */
export function staysIn(column: SQLiteColumn, allowed: readonly string[]): SQL {
  return sql`CASE WHEN ${isOneOf(column, allowed)} THEN ${column} ELSE NULL END`;
}

function isOneOf(column: SQLiteColumn, states: readonly string[]): SQL {
  return sql`${column} IN (${sql.join(
    states.map((state) => sql`${state}`),
    sql`, `,
  )})`;
}
