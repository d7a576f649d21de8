// Builds the operator's CLI into dist/cli/cli.js: src/cli.ts as one esbuild bundle
// (scripts/node-bundle.mjs), as scripts/build-server.mjs builds the server. `npm run cli` runs it
// first and then `node dist/cli/cli.js`; the tests run the same file, built once per test run
// (scripts/built-product.ts). The file sits two directories below the project, as src/db/*.ts do,
// so the migrations' path taken from import.meta.url (../../drizzle) stays right.
//
// Operators run commands side by side (a cron `sweep` while someone runs `verify`), so each
// file is written beside the live one and renamed over it: a CLI starting meanwhile loads the old
// file or the new one, never half of one, and no moment leaves it missing.
import { mkdir, rename, writeFile } from "node:fs/promises";
import { build } from "esbuild";
import { NODE_BUNDLE } from "./node-bundle.mjs";

const OUT_DIR = "dist/cli";

const result = await build({
  entryPoints: { cli: "src/cli.ts" },
  outdir: OUT_DIR,
  ...NODE_BUNDLE,
  write: false,
});
await mkdir(OUT_DIR, { recursive: true });
// The source map first, so a new cli.js never points at an old map.
const files = [...result.outputFiles].sort((a, b) => Number(b.path.endsWith(".map")) - Number(a.path.endsWith(".map")));
for (const file of files) {
  const partial = `${file.path}.${process.pid}.tmp`;
  await writeFile(partial, file.contents);
  await rename(partial, file.path);
}
