// Builds the web front end into dist/web: one esbuild bundle plus the static files.
// Local only (no network), a fraction of a second; `npm start` runs it first (prestart).
import { copyFile, mkdir, rename, rm } from "node:fs/promises";
import { build } from "esbuild";

const OUT_DIR = "dist/web";
const STATIC_FILES = ["index.html", "styles.css", "docs.css"];
// Built beside the live directory and swapped in, so a running server never serves a half-built
// or empty front end while another build runs.
const BUILD_DIR = `dist/web.build-${process.pid}`;

await mkdir(BUILD_DIR, { recursive: true });

const result = await build({
  entryPoints: ["web/src/app/main.tsx"],
  outfile: `${BUILD_DIR}/app.js`,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  target: ["es2020"],
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "warning",
  metafile: true,
});

await Promise.all(STATIC_FILES.map((name) => copyFile(`web/${name}`, `${BUILD_DIR}/${name}`)));
await rm(OUT_DIR, { recursive: true, force: true });
await rename(BUILD_DIR, OUT_DIR);

const bundleBytes = result.metafile.outputs[`${BUILD_DIR}/app.js`]?.bytes ?? 0;
console.log(`web: built ${OUT_DIR}/app.js (${(bundleBytes / 1024).toFixed(1)} KiB) and ${STATIC_FILES.join(", ")}`);
