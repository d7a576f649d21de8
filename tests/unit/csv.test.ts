import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "../../src/lib/csv";

describe("CSV cells", () => {
  it("quotes fields with commas, quotes and line breaks, doubling inner quotes (RFC 4180)", () => {
    expect(csvLine(["北京算力中心, 海淀", 'say "hi"', "two\nlines", "plain"])).toBe('"北京算力中心, 海淀","say ""hi""","two\nlines",plain\r\n');
  });

  it("neutralises text that a spreadsheet would read as a formula", () => {
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect(csvCell("+86 10 1234")).toBe("'+86 10 1234");
    expect(csvCell("-1+1")).toBe("'-1+1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=1")).toBe("'\t=1");
  });

  it("writes numbers as numbers, negative ones included, and empty cells for null", () => {
    expect(csvLine([-500, 0, null, undefined, "a=b"])).toBe("-500,0,,,a=b\r\n");
  });
});
