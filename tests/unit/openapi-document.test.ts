// /openapi.json checked by a full OpenAPI 3.1 validator (@readme/openapi-parser): the official
// JSON schema plus what it cannot say (path parameters declared, $refs resolvable, operationIds
// unique). Node only: the validator compiles schemas with `new Function`, which workerd forbids;
// the document is generated from the zod schemas, the same on both drivers.
import { compileErrors, validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { TestClient } from "../support/client";
import { createHarness } from "../support/node-harness";
import { fetchDocument } from "../support/openapi";

describe("/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const harness = await createHarness();
    const document = await fetchDocument(new TestClient(harness.app));
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? "valid" : compileErrors(result)).toBe("valid");
    expect(result.specification).toBe("OpenAPI");
  });

  it("the validator does catch a broken document (so the check above means something)", async () => {
    const harness = await createHarness();
    const document = await fetchDocument(new TestClient(harness.app));
    document.paths["/api/broken/{id}"] = { get: { responses: { 200: { description: "no parameter declared for {id}" } } } };
    const result = await validate(document as never);
    expect(result.valid).toBe(false);
  });
});
