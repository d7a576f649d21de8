// `npm run typecheck` checks everything with the DOM lib, which clashes with
// @cloudflare/workers-types, so those types are not loaded. The workers harness needs only this
// much of the `cloudflare:workers` module; vitest's workers project resolves the real one.
declare module "cloudflare:workers" {
  export const env: Record<string, unknown>;
}
