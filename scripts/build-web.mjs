// Builds the web front end into dist/web: one esbuild bundle (plus the chunks split off behind
// dynamic imports: the dashboard's charts load only on dashboard pages) and the static files.
// Local only (no network), a fraction of a second; `npm start` runs it first (prestart).
//
// Delivery: the bundle and the style sheet carry a content hash in their names (app.<hash>.js,
// styles.<hash>.css), so they can be cached for a year as immutable; index.html names them and is
// revalidated on every load. Every text file also gets .gz and .br twins, compressed once here, which
// the Node server picks by Accept-Encoding (Workers compresses by itself, so .assetsignore keeps the
// twins out of its upload). No source map is written: the built front end is public.
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { build, transform } from "esbuild";
import { FIRST_FRAME_SELECTORS, criticalCss } from "./critical-css.mjs";

const OUT_DIR = "dist/web";
// Named by pages outside the bundle (the API's /docs page links /docs.css), so never renamed.
const PLAIN_FILES = ["docs.css"];
// Built beside the live directory and swapped in, so a running server never serves a half-built
// or empty front end while another build runs.
const BUILD_DIR = `dist/web.build-${process.pid}`;
const COMPRESSIBLE = /\.(?:js|css|html)$/;

const contentHash = (bytes) => createHash("sha256").update(bytes).digest("base64url").slice(0, 12);

await mkdir(BUILD_DIR, { recursive: true });

const result = await build({
  entryPoints: { app: "web/src/app/main.tsx" },
  outdir: BUILD_DIR,
  entryNames: "[name].[hash]",
  // Code behind a dynamic import (the chart library, web/src/reports/charts.ts) becomes its own
  // file, chunk.<hash>.js, fetched only by the pages that import it; code both sides share goes
  // into another chunk.<hash>.js.
  splitting: true,
  chunkNames: "chunk.[hash]",
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "esm",
  target: ["es2020"],
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "warning",
  metafile: true,
});
const outputs = Object.entries(result.metafile.outputs).filter(([path]) => path.endsWith(".js"));
const [appPath, appOutput] = outputs.find(([, output]) => output.entryPoint === "web/src/app/main.tsx")
  ?? (() => { throw new Error("esbuild wrote no entry bundle"); })();
const split = outputs.filter(([path]) => path !== appPath).map(([path, output]) => ({ name: path.slice(BUILD_DIR.length + 1), bytes: output.bytes }));
if (!split.every(({ name }) => /^chunk\.[\w-]{8,}\.js$/.test(name))) {
  throw new Error(`unexpected script files: ${split.map((s) => s.name).join(", ")} (src/server.ts caches only app and chunk files as immutable)`);
}
const appName = appPath.slice(BUILD_DIR.length + 1);

// What each script file imports statically, by output path, and everything that pulls in.
const staticImports = (path) => result.metafile.outputs[path].imports.filter((i) => i.kind === "import-statement").map((i) => i.path);
const closure = (path) => {
  const seen = new Set();
  const visit = (p) => staticImports(p).forEach((next) => !seen.has(next) && (seen.add(next), visit(next)));
  visit(path);
  return seen;
};
const publicPath = (path) => `/${path.slice(BUILD_DIR.length + 1)}`;
// The shell's own chunks: named in index.html beside app.js, so the browser asks for them with
// app.js instead of once app.js has arrived and been read (one round trip sooner).
const shellChunks = closure(appPath);
// Each page group (web/src/app/pages-<group>.ts) with the shared chunks it imports that the shell
// has not already loaded: web/src/app/chunk-sets.ts asks for them together with the group's own
// file, instead of one round trip later when that file has arrived and names them.
const groups = Object.fromEntries(
  outputs
    .map(([path, output]) => [output.entryPoint?.match(/^web\/src\/app\/pages-([a-z]+)\.ts$/)?.[1], path])
    .filter(([group]) => group)
    .map(([group, path]) => [group, [...closure(path)].filter((chunk) => !shellChunks.has(chunk)).map(publicPath).sort()]),
);
if (Object.keys(groups).length === 0) throw new Error("esbuild wrote no page group (web/src/app/pages-*.ts)");

const styles = await readFile("web/styles.css");
const stylesName = `styles.${contentHash(styles)}.css`;
await writeFile(`${BUILD_DIR}/${stylesName}`, styles);
// The first frame's rules, inlined in index.html (scripts/critical-css.mjs). The CSP allows that
// one <style> by the SHA-256 of its text, which the servers read from _csp.json (src/app.ts).
const firstFrameCss = (await transform(criticalCss(styles.toString("utf8"), FIRST_FRAME_SELECTORS), { loader: "css", minify: true, logLevel: "warning" })).code.trim();
if (firstFrameCss.includes("</")) throw new Error("the first frame's CSS would close its <style> early");
const firstFrameHash = `'sha256-${createHash("sha256").update(firstFrameCss, "utf8").digest("base64")}'`;

const html = (await readFile("web/index.html", "utf8"))
  // Notes for whoever edits the file, not for every visitor's download.
  .replace(/\s*<!--(?! chunks -->)[\s\S]*?-->/g, "")
  .replace("<style></style>", () => `<style>${firstFrameCss}</style>`)
  .replace('href="/styles.css"', `href="/${stylesName}"`)
  .replace('src="/app.js"', `src="/${appName}"`)
  .replace(
    "<!-- chunks -->",
    [
      // Low priority like app.js itself: the first frame needs none of them (web/index.html).
      ...[...shellChunks].map(publicPath).sort().map((chunk) => `<link rel="modulepreload" href="${chunk}" fetchpriority="low" />`),
      // A data block, never run (the Content-Security-Policy allows no inline script anyway).
      `<script type="application/json" id="chunk-sets">${JSON.stringify(groups)}</script>`,
    ].join("\n    "),
  );
if (!html.includes(stylesName) || !html.includes(appName) || !html.includes('id="chunk-sets"') || !html.includes(`<style>${firstFrameCss}</style>`)) {
  throw new Error("web/index.html no longer names /styles.css and /app.js, or lost its <!-- chunks --> mark or its empty <style></style>");
}
if ((html.match(/<style[\s>]/g) ?? []).length !== 1) throw new Error("index.html must have exactly one <style>: the CSP allows only the first frame's, by its hash");
await writeFile(`${BUILD_DIR}/index.html`, html);
// Read by both servers (src/server.ts, src/worker.ts) for the Content-Security-Policy's style-src;
// never served to browsers by them (src/lib/asset-paths.ts hides names starting with "_").
await writeFile(`${BUILD_DIR}/_csp.json`, `${JSON.stringify({ styleSrc: [firstFrameHash] })}\n`);
await Promise.all(PLAIN_FILES.map((name) => copyFile(`web/${name}`, `${BUILD_DIR}/${name}`)));

// Cloudflare Workers assets: the hashed files are immutable; the twins are not uploaded.
await writeFile(
  `${BUILD_DIR}/_headers`,
  ["/app.*.js", "/chunk.*.js", "/styles.*.css"].map((pattern) => `${pattern}\n  Cache-Control: public, max-age=31536000, immutable\n`).join(""),
);
await writeFile(`${BUILD_DIR}/.assetsignore`, "*.gz\n*.br\n*.map\n");

const gzipped = promisify(gzip);
const brotlied = promisify(brotliCompress);
const texts = (await readdir(BUILD_DIR)).filter((name) => COMPRESSIBLE.test(name));
await Promise.all(
  texts.map(async (name) => {
    const bytes = await readFile(`${BUILD_DIR}/${name}`);
    await writeFile(`${BUILD_DIR}/${name}.gz`, await gzipped(bytes, { level: 9 }));
    await writeFile(
      `${BUILD_DIR}/${name}.br`,
      await brotlied(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
    );
  }),
);

await rm(OUT_DIR, { recursive: true, force: true });
await rename(BUILD_DIR, OUT_DIR);

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(`web: built ${OUT_DIR}/${appName} (${kib(appOutput.bytes)}), ${split.map((s) => `${s.name} (${kib(s.bytes)})`).join(", ")}, ${stylesName}, index.html (first frame's CSS inline, ${kib(Buffer.byteLength(firstFrameCss))}), ${PLAIN_FILES.join(", ")}; .gz and .br beside them`);
