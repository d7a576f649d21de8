// Builds the Node server into dist/server: src/server.ts and the search thread's body
// (src/db/search-worker.ts), each one esbuild bundle (scripts/node-bundle.mjs). `npm start` runs it
// first (prestart) and then `node dist/server/server.js`; the tests and the benchmarks build and
// start it the same way (scripts/built-product.ts).
//
// Why not `tsx src/server.ts` any more: on Node 20, tsx's loader runs as module customization
// hooks on a thread of its own, a second V8 isolate that holds tsx, its esbuild client and every
// transformed module for the life of the process: 60 MiB of the server's RSS at rest (108 MiB
// built against 168 MiB under tsx, docs/performance.md, "Memory, fifth round"). The built files
// sit two directories below the project, as src/db/*.ts do, so paths taken from import.meta.url
// (the migrations, ../../drizzle; the search thread's ./search-worker.js) stay right.
import { rename, rm } from "node:fs/promises";
import { build } from "esbuild";
import { NODE_BUNDLE } from "./node-bundle.mjs";

const OUT_DIR = "dist/server";
// Built beside the live directory and swapped in, so a server starting meanwhile never loads half a build.
const BUILD_DIR = `dist/server.build-${process.pid}`;

await build({
  entryPoints: { server: "src/server.ts", "search-worker": "src/db/search-worker.ts" },
  outdir: BUILD_DIR,
  ...NODE_BUNDLE,
});
await rm(OUT_DIR, { recursive: true, force: true });
await rename(BUILD_DIR, OUT_DIR);
