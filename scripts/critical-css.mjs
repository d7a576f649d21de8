// The style sheet's rules that index.html's static first frame needs (the loading frame: skip
// link, header bar with the platform's name, "加载中…", footer). The build (scripts/build-web.mjs)
// inlines them in a <style> in index.html, so the first paint waits for index.html alone, and
// loads the whole styles.<hash>.css at the end of <body>: it no longer holds the first paint, and
// the app's script still runs only once it has arrived (a parser-inserted style sheet blocks the
// module script), so nothing the app draws is ever seen unstyled.
//
// Rules are copied whole and in the style sheet's order (the cascade stays the same), with the
// @media block around them: a rule is taken when one of the selectors in its list is named here.
// tests/e2e/web.test.ts checks that the frame looks the same once the whole sheet has arrived.

/** The selectors of the rules the first frame's markup (web/index.html's #app) uses. */
export const FIRST_FRAME_SELECTORS = [
  ":root",
  "*",
  "html",
  "body",
  "#app",
  "a",
  ":focus-visible",
  ".skip",
  ".skip:focus",
  "header.site",
  "header.site .bar",
  "header.site :focus-visible",
  ".brand",
  ".tools",
  "main",
  ".loading",
  ".noscript",
  "footer.site",
  "footer.site p",
];

/**
 * The rules of `css` whose selector lists name one of `selectors`, in order, each inside the
 * at-rule block (@media, @supports) it sits in. Throws when a selector has no rule: a renamed
 * class must not silently drop out of the first frame.
 */
export function criticalCss(css, selectors) {
  const wanted = new Set(selectors);
  const found = new Set();
  const text = css.replace(/\/\*[\s\S]*?\*\//g, "");
  // One level of at-rule nesting, as in web/styles.css (tests/unit/web/stylesheet.test.ts).
  const block = (from) => {
    // From the "{" at `from`: the index just past its matching "}".
    let depth = 0;
    for (let j = from; j < text.length; j++) {
      if (text[j] === "{") depth += 1;
      else if (text[j] === "}" && --depth === 0) return j + 1;
    }
    throw new Error(`unclosed block at ${from}`);
  };
  const rulesIn = (start, end) => {
    const kept = [];
    let k = start;
    while (k < end) {
      const open = text.indexOf("{", k);
      if (open === -1 || open >= end) break;
      const prelude = text.slice(k, open).trim();
      const close = block(open);
      if (prelude.startsWith("@")) {
        const inner = rulesIn(open + 1, close - 1);
        if (inner.length > 0 && !/^@(?:keyframes|font-face)/.test(prelude)) kept.push(`${prelude} {\n${inner.map((r) => `  ${r}`).join("\n")}\n}`);
      } else {
        const list = prelude.split(",").map((s) => s.trim().replace(/\s+/g, " "));
        const hits = list.filter((s) => wanted.has(s));
        if (hits.length > 0) {
          hits.forEach((s) => found.add(s));
          kept.push(`${list.join(", ")} {${text.slice(open + 1, close - 1).replace(/\s+/g, " ").trimEnd()} }`);
        }
      }
      k = close;
    }
    return kept;
  };
  const out = rulesIn(0, text.length);
  const missing = selectors.filter((s) => !found.has(s));
  if (missing.length > 0) throw new Error(`no rule in the style sheet for the first frame's ${missing.join(", ")}`);
  return out.join("\n");
}
