// esbuild's options for the Node bundles (scripts/build-server.mjs, scripts/build-cli.mjs): one
// bundle of the project's own code per entry, the packages left to node_modules. Not minified, so
// stack traces keep the functions' names; the source map is written beside each file.
export const NODE_BUNDLE = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
};
