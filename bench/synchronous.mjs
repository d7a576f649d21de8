// Bench only, loaded into the server with `--import` when BENCH_SYNCHRONOUS is set: every
// better-sqlite3 connection that switches to WAL also gets PRAGMA synchronous = that level,
// so the same server can be measured with FULL and with NORMAL durability.
import { createRequire } from "node:module";

const level = process.env.BENCH_SYNCHRONOUS;
if (level) {
  const Database = createRequire(import.meta.url)("better-sqlite3");
  const pragma = Database.prototype.pragma;
  Database.prototype.pragma = function (source, options) {
    const result = pragma.call(this, source, options);
    if (/^journal_mode\s*=/i.test(source)) {
      pragma.call(this, `synchronous = ${level}`);
      console.log(`bench: synchronous = ${pragma.call(this, "synchronous", { simple: true })}`);
    }
    return result;
  };
}
