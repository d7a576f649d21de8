// Turns a constraint failure from either driver into the guard it names. Messages look like
//   better-sqlite3: "CHECK constraint failed: slot_capacity_exceeded"
//   D1:            "D1_ERROR: CHECK constraint failed: slot_capacity_exceeded: SQLITE_CONSTRAINT"
// UNIQUE and NOT NULL failures name columns ("UNIQUE constraint failed: t.a, t.b").

export type ConstraintKind = "check" | "unique" | "not_null" | "foreign_key";

export interface ConstraintViolation {
  kind: ConstraintKind;
  /** The CHECK's name, or the "table.column[, table.column]" list for UNIQUE / NOT NULL. */
  name: string;
}

const patterns: [ConstraintKind, RegExp][] = [
  ["check", /CHECK constraint failed: ([A-Za-z0-9_]+)/],
  ["unique", /UNIQUE constraint failed: ([A-Za-z0-9_.,\s]+?)(?::\s*SQLITE|$)/],
  ["not_null", /NOT NULL constraint failed: ([A-Za-z0-9_.]+)/],
  ["foreign_key", /FOREIGN KEY constraint failed()/],
];

export function constraintViolation(error: unknown): ConstraintViolation | null {
  const message = messageChain(error);
  for (const [kind, pattern] of patterns) {
    const match = pattern.exec(message);
    if (match) return { kind, name: (match[1] ?? "").trim() };
  }
  return null;
}

function messageChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(" | ");
}
