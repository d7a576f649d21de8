// The one source of truth for data, one file per area. Migrations in drizzle/ are generated
// from these files.
//
// Conventions (read these before adding a column):
// - Field names are snake_case in SQL, in TypeScript and in the API, so a raw row from a batch
//   and a row from the query builder have the same shape.
// - Money is integer fen (`*_fen`); ratios are basis points (`*_bp`, 10000 = 100%).
// - Instants are integer milliseconds since the Unix epoch, UTC (`*_at`); calendar dates are
//   'YYYY-MM-DD' text in Asia/Shanghai (`*_on`).
// - Ids are text chosen by the application (`org_…`, `usr_…`), so one atomic batch can insert a
//   row and the audit event that names it without reading an id back.
// - Guards that money and capacity depend on are CHECK / UNIQUE / NOT NULL constraints with
//   names: a violated guard fails its statement, which rolls back the whole batch (DESIGN §4).
//   src/db/constraints.ts reads the failed guard's name from either driver's error.

export * from "./people";
export * from "./programmes";
export * from "./ledger";
export * from "./capacity";
export * from "./records";
export * from "./notifications";
export * from "./invitations";
export * from "./files";
export * from "./limits";
export * from "./usage";
export * from "./vetting";
export * from "./audit";
export * from "./claims";
export * from "./anomalies";
export * from "./password-resets";
