// Every filter pill row in the web puts "全部 / All" first (walkthrough, issue 12: some rows had it
// last). The rows are one component, ui/filter-pills.tsx, whose order is pillsInOrder; this holds
// the order, and holds every page to the component: no page builds a pill row of its own.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ALL, pillsInOrder } from "../../../web/src/ui/filter-pill-order";

const WEB_SRC = resolve(import.meta.dirname, "../../../web/src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const files = sourceFiles(WEB_SRC).map((path) => ({ file: relative(WEB_SRC, path), source: readFileSync(path, "utf8") }));

describe("filter pill rows", () => {
  it("put 全部 / All first, then the choices in their own order", () => {
    const choices = [
      ["pending", ["待审核", "Pending"]],
      ["approved", ["已批准", "Approved"]],
    ] as const;
    expect(pillsInOrder(choices)).toEqual([["all", ["全部", "All"]], ...choices]);
    expect(ALL).toEqual(["全部", "All"]);
    // A page that still lists "all" among its choices, anywhere, gets it once and first.
    const withAll = [choices[0], ["all", ["全部", "All"]], choices[1]] as const;
    expect(pillsInOrder(withAll).map(([value]) => value)).toEqual(["all", "pending", "approved"]);
    expect(pillsInOrder([]).map(([value]) => value)).toEqual(["all"]);
  });

  it("are all the shared component: no page builds a <nav class=\"filter\"> or its own 全部 pill", () => {
    const own = files.filter(({ file, source }) => file !== "ui/filter-pills.tsx" && /<nav\b[^>]*\bclass="filter"/.test(source));
    expect(own.map(({ file }) => file)).toEqual([]);
    const handMadeAll = files.filter(({ file, source }) => file !== "ui/filter-pill-order.ts" && /\[\s*"all"\s*,\s*\[\s*"全部"/.test(source));
    expect(handMadeAll.map(({ file }) => file)).toEqual([]);
  });

  it("are on every page that filters a list by status", () => {
    const users = files.filter(({ source }) => /<FilterPills\b/.test(source)).map(({ file }) => file);
    expect(users.sort()).toEqual(
      [
        "anomalies/anomalies.tsx",
        "applications/applications.tsx",
        "bookings/my-bookings.tsx",
        "bookings/provider-bookings.tsx",
        "claims/claims.tsx",
        "programmes/programmes.tsx",
        "providers/providers.tsx",
        "vouchers/voucher-ledger.tsx",
      ].sort(),
    );
  });
});
