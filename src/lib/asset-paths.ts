// Which paths are files rather than the web app's pages, for both servers (src/server.ts on Node,
// src/worker.ts on Workers). A page path (/my-vouchers, /agency/programmes) falls back to
// index.html, where the History API router draws it; a file that is not there answers 404 — a
// missing /app.js or /app.js.map must never come back as the app's HTML with a 200.

/** Never served even if present: source maps, the compressed twins by their own names, dot- and underscore-files (build notes for Workers). */
export const NOT_SERVED = /\.(?:map|gz|br)$|\/[._][^/]*$/;

/** A path whose last segment has a file extension (app.js, styles.css, favicon.ico): a file, not a page. */
export function isFilePath(path: string): boolean {
  return /\.[A-Za-z0-9]{1,10}$/.test(path.slice(path.lastIndexOf("/") + 1));
}

export const noSuchFile = { chinese: "没有这个文件", english: "No such file" } as const;

/** Where the build notes the CSP hash sources of index.html's inline <style> (scripts/build-web.mjs), beside index.html. */
export const CSP_NOTE = "_csp.json";

/**
 * The style-src hash sources in the build's _csp.json text: only what looks like a SHA-256 hash
 * source ('sha256-…') passes, so a note with anything else in it ('unsafe-inline', a host) never
 * widens the policy. Both servers read the note with this.
 */
export function cspHashSources(note: string): readonly string[] {
  const { styleSrc } = JSON.parse(note) as { styleSrc?: unknown };
  return Array.isArray(styleSrc) ? styleSrc.filter((source): source is string => typeof source === "string" && /^'sha256-[A-Za-z0-9+/]+=*'$/.test(source)) : [];
}
