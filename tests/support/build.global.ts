// vitest globalSetup of the projects that start the product as a process (vitest.config.ts: node
// and e2e; vitest.torture.config.ts: torture): builds what they start, as `npm start` and `npm run
// cli` build it (scripts/built-product.ts), once per run and before any test file, so a clean
// clone needs no build step and no test runs an older build than the source it checks out.
// The browser tests also need the front end; the node and torture projects start the server for
// its API only (it serves without dist/web, with a warning) and run the CLI.
import type { TestProject } from "vitest/node";
import { buildProduct, type Part } from "../../scripts/built-product";

const PARTS: Record<string, Part[]> = {
  node: ["server", "cli"],
  e2e: ["web", "server", "cli"],
  torture: ["server", "cli"],
};

export default async function setup(project: TestProject): Promise<void> {
  const parts = PARTS[project.name];
  if (!parts) throw new Error(`tests/support/build.global.ts: no build named for the project "${project.name}"`);
  await buildProduct(parts);
  // Watch mode: a rerun tests the source as it is now, so build it again first.
  project.onTestsRerun(() => buildProduct(parts, { again: true }));
}
