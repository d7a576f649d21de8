// The verifier reads, for each page of events, the stored subtrees those events complete. It asks
// for them as one primary-key range per level (completedBy); this checks that against the rule it
// encodes, node (L, i) is completed by the event with seq (i+1)·2^L, for every node of a tree.
import { describe, expect, it } from "vitest";
import { completedBy } from "../../src/services/audit-verify";

/** The nodes a completedBy() condition selects, evaluated over every node of a tree of `size` leaves. */
function selected(condition: string, size: number): string[] {
  const ranges = [...condition.matchAll(/level = (\d+) AND idx BETWEEN (-?\d+) AND (-?\d+)/g)].map((m) => m.slice(1).map(Number) as [number, number, number]);
  const out: string[] = [];
  for (let level = 0; 2 ** level <= size; level++) {
    for (let idx = 0; (idx + 1) * 2 ** level <= size; idx++) {
      if (ranges.some(([l, from, to]) => l === level && idx >= from && idx <= to)) out.push(`${level}:${idx}`);
    }
  }
  return out;
}

function expected(first: number, last: number, size: number): string[] {
  const out: string[] = [];
  for (let level = 0; 2 ** level <= size; level++) {
    for (let idx = 0; (idx + 1) * 2 ** level <= size; idx++) {
      const completer = (idx + 1) * 2 ** level;
      if (completer >= first && completer <= last) out.push(`${level}:${idx}`);
    }
  }
  return out;
}

describe("completedBy: the subtrees a page of events completes", () => {
  it("selects exactly the nodes whose completing event is in the page, for every page of small trees", () => {
    for (const size of [1, 2, 3, 7, 8, 33, 100]) {
      for (let first = 1; first <= size; first++) {
        for (let last = first; last <= size; last++) {
          expect(selected(completedBy(first, last), size), `${first}..${last} of ${size}`).toEqual(expected(first, last, size));
        }
      }
    }
  });

  it("is one range per level, so a page reads O(page + log N) rows, not the whole tree", () => {
    const condition = completedBy(1_000_001, 1_000_500);
    expect(condition.split(" OR ").length).toBeLessThanOrEqual(21);
    expect(selected(condition, 1_000_500)).toEqual(expected(1_000_001, 1_000_500, 1_000_500));
  });
});
