import { describe, expect, it } from "vitest";
import { notFound } from "../../src/lib/errors";

describe("error messages", () => {
  it("a not-found message names the thing once in each language", () => {
    const error = notFound("机构", "Organisation");
    expect(error.status).toBe(404);
    expect(error.code).toBe("not_found");
    expect(error.message).toBe("未找到机构 / Organisation not found");
  });
});
