// The stylesheet's blocks nest as written: a rule left open (a lost "}") makes the browser read
// every rule after it as part of that rule, so they silently never apply. Only at-rules (@media,
// @supports) hold rules here; the file does not use CSS nesting.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FIRST_FRAME_SELECTORS, criticalCss } from "../../../scripts/critical-css.mjs";

/** Where the blocks of `css` do not nest as at-rules around plain rules: each problem with its line. */
function nestingProblems(css: string): string[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, " "));
  const problems: string[] = [];
  const open: { at: boolean; line: number }[] = [];
  let line = 1;
  let prelude = "";
  for (const ch of text) {
    if (ch === "\n") line += 1;
    if (ch === "{") {
      const top = open.at(-1);
      if (top && !top.at) problems.push(`line ${line}: a block opens inside the rule opened on line ${top.line} (a "}" missing before it?)`);
      open.push({ at: prelude.trim().startsWith("@"), line });
      prelude = "";
    } else if (ch === "}") {
      if (!open.pop()) problems.push(`line ${line}: "}" closes nothing`);
      prelude = "";
    } else if (ch === ";") {
      prelude = "";
    } else {
      prelude += ch;
    }
  }
  for (const block of open) problems.push(`line ${block.line}: block never closed`);
  return problems;
}

describe("web/styles.css", () => {
  it("finds a rule left open, naming where", () => {
    expect(nestingProblems("a {\n  color: red;\n/* b */\nb {\n  color: blue;\n}\n")).toEqual(['line 4: a block opens inside the rule opened on line 1 (a "}" missing before it?)', "line 1: block never closed"]);
    expect(nestingProblems("@media (max-width: 640px) {\n  a { color: red; }\n}\n")).toEqual([]);
  });

  it("every block is closed where it should be, so every rule reaches the browser", () => {
    expect(nestingProblems(readFileSync(new URL("../../../web/styles.css", import.meta.url), "utf8"))).toEqual([]);
  });
});

describe("the first frame's rules (scripts/critical-css.mjs, inlined in index.html)", () => {
  const css = `/* top */
:root { --ink: #111; }
a, .other { color: red; }
.other { color: blue; }
main {
  padding: 1rem; /* a note */
}
@media (max-width: 420px) {
  .other { margin: 0; }
  main { padding: 0.5rem; }
}
@keyframes spin { to { transform: rotate(1turn); } }
`;

  it("copies the rules naming a wanted selector whole, in order, inside their @media block", () => {
    expect(criticalCss(css, [":root", "a", "main"])).toBe(
      [":root { --ink: #111; }", "a, .other { color: red; }", "main { padding: 1rem; }", "@media (max-width: 420px) {\n  main { padding: 0.5rem; }\n}"].join("\n"),
    );
  });

  it("refuses a selector no rule has, so a renamed class cannot drop out of the first frame", () => {
    expect(() => criticalCss(css, ["main", "header.site"])).toThrow(/header\.site/);
  });

  it("finds a rule in web/styles.css for every selector the first frame uses", () => {
    const sheet = readFileSync(new URL("../../../web/styles.css", import.meta.url), "utf8");
    const rules = criticalCss(sheet, FIRST_FRAME_SELECTORS);
    expect(rules).toContain("header.site {");
    // Small: it is in every first visit's index.html.
    expect(rules.length).toBeLessThan(4_000);
  });
});
