import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Three projects. `node` and `workers` run the same API tests (tests/api) against
// better-sqlite3 and against D1 inside workerd; `#harness` resolves to each driver's harness.
// `e2e` drives the built product in Chromium. The projects that start the product as a process
// (node: the CLI and the search-freeze server; e2e) build it first, once per run, as `npm start`
// and `npm run cli` do (tests/support/build.global.ts), and start the built files with node.
const BUILD = new URL("./tests/support/build.global.ts", import.meta.url).pathname;

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./drizzle");
  return {
    test: {
      projects: [
        {
          resolve: { alias: { "#harness": new URL("./tests/support/node-harness.ts", import.meta.url).pathname } },
          test: {
            name: "node",
            include: ["tests/unit/**/*.test.ts", "tests/api/**/*.test.ts", "tests/load/**/*.test.ts"],
            environment: "node",
            globalSetup: [BUILD],
            testTimeout: 30_000,
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
            name: "workers",
            include: ["tests/api/**/*.test.ts", "tests/worker-entry/**/*.test.ts"],
            setupFiles: ["./tests/support/workers-setup.ts"],
            testTimeout: 60_000,
          },
        },
        {
          test: {
            name: "e2e",
            include: ["tests/e2e/**/*.test.ts"],
            environment: "node",
            globalSetup: [BUILD],
            // One product and one browser at a time: the machine has two cores.
            fileParallelism: false,
            testTimeout: 60_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
