import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// `npm run test:torture` only (docs/torture.md): crash, contention, hostile input and session
// torture, each bounded in count and time. Not part of `npm test` (vitest.config.ts never
// includes tests/torture). `torture` runs on Node (better-sqlite3 and the real server process);
// `torture-workers` runs the contention scenario again on D1 inside workerd. `torture` builds the
// server and the CLI first, once per run, as `npm start` and `npm run cli` do
// (tests/support/build.global.ts), and starts the built files with node.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./drizzle");
  return {
    test: {
      projects: [
        {
          resolve: { alias: { "#harness": new URL("./tests/support/node-harness.ts", import.meta.url).pathname } },
          test: {
            name: "torture",
            include: ["tests/torture/**/*.test.ts"],
            environment: "node",
            globalSetup: [new URL("./tests/support/build.global.ts", import.meta.url).pathname],
            // One scenario at a time: the machine has two cores and the crash test owns a server.
            fileParallelism: false,
            testTimeout: 300_000,
            hookTimeout: 120_000,
          },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: { bindings: { TEST_MIGRATIONS: migrations } },
            }),
          ],
          resolve: { alias: { "#harness": new URL("./tests/support/workers-harness.ts", import.meta.url).pathname } },
          test: {
            name: "torture-workers",
            include: ["tests/torture/contention.test.ts"],
            setupFiles: ["./tests/support/workers-setup.ts"],
            testTimeout: 300_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  };
});
