// wrangler.toml decides which requests reach the Worker (and so get its secure headers) before
// the assets layer answers from the uploaded files. A file the layer has, such as the app's shell
// at "/", would otherwise go out with no Content-Security-Policy at all.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");

function runWorkerFirst(): string[] {
  const line = toml.split("\n").find((l) => l.startsWith("run_worker_first"));
  if (!line) throw new Error("wrangler.toml has no run_worker_first line");
  return JSON.parse(line.slice(line.indexOf("=") + 1).trim()) as string[];
}

describe("wrangler.toml", () => {
  it("sends the app's shell through the Worker, so it carries the Worker's secure headers", () => {
    expect(runWorkerFirst()).toEqual(expect.arrayContaining(["/", "/index.html"]));
  });

  it("sends the API, health, the OpenAPI document and the build's CSP note through the Worker", () => {
    expect(runWorkerFirst()).toEqual(expect.arrayContaining(["/api/*", "/health", "/openapi.json", "/docs", "/_csp.json"]));
  });

  it("leaves the single-page fallback to the Worker (a missing file stays a 404)", () => {
    expect(toml).toMatch(/^not_found_handling = "none"$/m);
  });
});
