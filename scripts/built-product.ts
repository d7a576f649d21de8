// The product as `npm start` and `npm run cli` run it, for the tests and the benchmarks: the same
// build scripts (scripts/build-web.mjs, build-server.mjs, build-cli.mjs), each run at most once
// per process, and plain `node` on the files they write. One place, so that a browser test, a
// torture scenario and a benchmark all start what ships, not `tsx src/…` (the same source, but
// another loader, another memory profile, and a search thread that registers tsx itself).
//
// The tests build in a vitest globalSetup (tests/support/build.global.ts), once per run, in the
// main vitest process; the test files then only name the built files (builtEntry), which throws
// if the build is missing instead of starting something stale or nothing.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

export type Part = "web" | "server" | "cli";

const SCRIPTS: Record<Part, string> = {
  web: "scripts/build-web.mjs",
  server: "scripts/build-server.mjs",
  cli: "scripts/build-cli.mjs",
};

const ENTRIES = {
  /** What `npm start` runs after its prestart build. */
  server: resolve(ROOT, "dist/server/server.js"),
  /** What `npm run cli` runs after building it. */
  cli: resolve(ROOT, "dist/cli/cli.js"),
};

// Per process, not per module instance: vitest loads a globalSetup file once per project, each
// project with its own module graph, and `npm test` runs two projects that need the same build.
interface Build {
  promise: Promise<void>;
  settled: boolean;
}
const builds = ((globalThis as { [key: symbol]: unknown })[Symbol.for("compute-vouchers.builds")] ??= new Map()) as Map<Part, Build>;

function runScript(part: Part): Build {
  const build: Build = { settled: false, promise: Promise.resolve() };
  build.promise = new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, [SCRIPTS[part]], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", fail);
    child.once("exit", (code, signal) => (code === 0 ? done() : fail(new Error(`node ${SCRIPTS[part]} failed (${signal ?? `exit ${code}`})`))));
  }).finally(() => (build.settled = true));
  return build;
}

/**
 * Builds the parts, each as `npm start` / `npm run cli` builds it, once per process. `again`
 * (vitest's watch mode, before a rerun) builds anew, joining a build still running rather than
 * starting a second one into the same directory.
 */
export async function buildProduct(parts: readonly Part[], { again = false } = {}): Promise<void> {
  await Promise.all(
    parts.map((part) => {
      let build = builds.get(part);
      if (!build || (again && build.settled)) builds.set(part, (build = runScript(part)));
      return build.promise;
    }),
  );
}

/** The absolute path of a built entry point; throws if it was not built. */
export function builtEntry(entry: keyof typeof ENTRIES): string {
  const path = ENTRIES[entry];
  if (!existsSync(path)) {
    throw new Error(`${path} is not built: the tests build it in tests/support/build.global.ts (vitest's globalSetup); outside vitest, node ${SCRIPTS[entry]}`);
  }
  return path;
}
