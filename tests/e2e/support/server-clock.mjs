// Preloaded into the e2e server (NODE_OPTIONS=--import) when a test needs time to pass, as the
// API tests move their harness clock: Date.now() adds the offset in milliseconds written to
// E2E_CLOCK_FILE. The file is re-read when it changes, at most every 50 ms.
import { readFileSync, statSync } from "node:fs";

const file = process.env.E2E_CLOCK_FILE;
if (file) {
  const realNow = Date.now.bind(Date);
  let offset_ms = 0;
  let seen_mtime_ms = -1;
  let checked_at_ms = 0;
  Date.now = () => {
    const real_ms = realNow();
    if (real_ms - checked_at_ms > 50) {
      checked_at_ms = real_ms;
      const mtime_ms = statSync(file).mtimeMs;
      if (mtime_ms !== seen_mtime_ms) {
        seen_mtime_ms = mtime_ms;
        offset_ms = Number(readFileSync(file, "utf8")) || 0;
      }
    }
    return real_ms + offset_ms;
  };
}
