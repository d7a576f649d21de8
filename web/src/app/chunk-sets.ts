// The shared chunks each page group imports (web/src/app/pages-<group>.ts), as the build listed
// them in index.html (scripts/build-web.mjs, <script type="application/json" id="chunk-sets">).
// Asked for together with the group's own file, so they arrive with it rather than one round
// trip after it, when the browser has read the group's file and found their names.

type ChunkSets = Partial<Record<string, readonly string[]>>;

let sets: ChunkSets | null = null;
const asked = new Set<string>();

function chunkSets(): ChunkSets {
  if (sets) return sets;
  try {
    sets = JSON.parse(document.getElementById("chunk-sets")?.textContent ?? "{}") as ChunkSets;
  } catch {
    sets = {}; // no list (an unbuilt index.html): the group's file still names its chunks
  }
  return sets;
}

/** Starts fetching the chunks page group `group` needs besides its own file; each once. */
export function preloadChunks(group: string): void {
  for (const href of chunkSets()[group] ?? []) {
    if (asked.has(href)) continue;
    asked.add(href);
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = href;
    document.head.appendChild(link);
  }
}
