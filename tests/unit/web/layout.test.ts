// The front end reads like the API: one folder per resource (web/src/<resource>/), shared
// components in web/src/ui/, the app shell (api client, session, i18n, formatting, router, access)
// in web/src/shell/, and the composition root (entry point, routes, page table, frame) in
// web/src/app/. This walks the import graph of web/src and holds the layout to four rules:
//   1. no import cycle between files;
//   2. a resource imports another resource only through that folder's public face (its index.ts);
//   3. ui/ and the shell never import a resource;
//   4. only app/ imports app/ (it is the top: it names the pages).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const WEB_SRC = resolve(import.meta.dirname, "../../../web/src");
const SHARED = new Set(["ui", "shell"]);
const ROOT = "app";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Relative specifiers of every import / export-from / side-effect import / dynamic import. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^;'"]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found.filter((spec) => spec.startsWith("."));
}

function resolveImport(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile()) ?? null;
}

/** The graph of web/src files (paths relative to web/src), edges only between web/src files. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(WEB_SRC)) {
    const targets: string[] = [];
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      const target = resolveImport(file, spec);
      if (!target) throw new Error(`${relative(WEB_SRC, file)}: cannot resolve "${spec}"`);
      const inside = relative(WEB_SRC, target);
      if (!inside.startsWith("..")) targets.push(inside);
    }
    graph.set(relative(WEB_SRC, file), [...new Set(targets)]);
  }
  return graph;
}

/** The top folder a file lives in ("" for a file directly in web/src). */
const areaOf = (file: string): string => (file.includes("/") ? file.split("/")[0]! : "");
const isResource = (area: string): boolean => area !== "" && area !== ROOT && !SHARED.has(area);
const isPublicFace = (file: string): boolean => /^[^/]+\/index\.tsx?$/.test(file);

/** Each cycle found by depth-first search, as the files around it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

/** Every import that breaks rules 2–4, and every file outside a folder, as readable lines. */
function layoutViolations(graph: Map<string, string[]>): string[] {
  const problems: string[] = [];
  for (const [file, targets] of graph) {
    const from = areaOf(file);
    if (from === "") problems.push(`${file}: lives directly in web/src, not in app/, shell/, ui/ or a resource folder`);
    for (const target of targets) {
      const to = areaOf(target);
      if (from === to) continue;
      if (to === ROOT) problems.push(`${file} -> ${target}: only app/ may import app/`);
      else if (SHARED.has(from) && isResource(to)) problems.push(`${file} -> ${target}: ${from}/ imports a resource`);
      else if (isResource(from) && isResource(to) && !isPublicFace(target)) {
        problems.push(`${file} -> ${target}: reaches past ${to}/index.ts`);
      }
    }
  }
  return problems.sort();
}

describe("the front end's layout", () => {
  const graph = importGraph();

  it("reads the import graph of the whole front end", () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get("app/main.tsx")).toContain("app/app.tsx");
  });

  it("has no import cycle between files", () => {
    expect(cycles(graph).map((cycle) => cycle.join(" -> "))).toEqual([]);
  });

  it("keeps every file in a folder, resources apart except through their index.ts, and ui/ and the shell below every resource", () => {
    expect(layoutViolations(graph)).toEqual([]);
  });

  it("catches a cycle, a reach past a public face, and a shared module importing a resource", () => {
    const bad = new Map<string, string[]>([
      ["app/main.tsx", ["bookings/list.tsx"]],
      ["bookings/list.tsx", ["bookings/detail.tsx", "offerings/form.tsx", "offerings/index.ts"]],
      ["bookings/detail.tsx", ["bookings/list.tsx"]],
      ["offerings/index.ts", []],
      ["offerings/form.tsx", ["app/main.tsx"]],
      ["ui/table.tsx", ["offerings/index.ts"]],
    ]);
    expect(cycles(bad).map((cycle) => cycle.join(" -> ")).sort()).toEqual([
      "app/main.tsx -> bookings/list.tsx -> offerings/form.tsx -> app/main.tsx",
      "bookings/list.tsx -> bookings/detail.tsx -> bookings/list.tsx",
    ]);
    expect(layoutViolations(bad)).toEqual([
      "bookings/list.tsx -> offerings/form.tsx: reaches past offerings/index.ts",
      "offerings/form.tsx -> app/main.tsx: only app/ may import app/",
      "ui/table.tsx -> offerings/index.ts: ui/ imports a resource",
    ]);
  });
});
