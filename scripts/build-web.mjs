// Builds the web front end into dist/web: one esbuild bundle plus the static files.
// Local only (no network), a fraction of a second; `npm start` runs it first (prestart).
import { copyFile, mkdir, rm } from "node:fs/promises";
import { build } from "esbuild";

const OUT_DIR = "dist/web";
const STATIC_FILES = ["index.html", "styles.css", "docs.css"];

await rm(OUT_DIR, { recursive: true, force: true });
await mkdir(OUT_DIR, { recursive: true });

const result = await build({
  entryPoints: ["web/src/main.tsx"],
  outfile: `${OUT_DIR}/app.js`,
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

await Promise.all(STATIC_FILES.map((name) => copyFile(`web/${name}`, `${OUT_DIR}/${name}`)));

const bundleBytes = result.metafile.outputs[`${OUT_DIR}/app.js`]?.bytes ?? 0;
console.log(`web: built ${OUT_DIR}/app.js (${(bundleBytes / 1024).toFixed(1)} KiB) and ${STATIC_FILES.join(", ")}`);
