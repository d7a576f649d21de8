// A row of filter pills (links that narrow a list, the current one marked), the one component for
// every such row so they all read the same way: "全部 / All" first, then the choices in their own
// order. A page gives its choices without "all"; the row puts it first itself.
import type { Bilingual } from "../shell/i18n";
import { useI18n } from "../shell/i18n";
import { Link } from "../shell/router";
import { pillsInOrder, type Pill } from "./filter-pill-order";

export function FilterPills<V extends string>({ choices, current, href, label }: {
  choices: readonly Pill<V>[];
  /** The value shown now; null when none is (e.g. one booking opened by its id). */
  current: V | "all" | null;
  href: (value: V | "all") => string;
  /** The row's accessible name; "按状态筛选 / Filter by status" unless given. */
  label?: Bilingual;
}) {
  const { say } = useI18n();
  return (
    <nav class="filter" aria-label={say(label ?? ["按状态筛选", "Filter by status"])}>
      {pillsInOrder(choices).map(([value, text]) => (
        <Link key={value} href={href(value)} aria-current={value === current ? "page" : undefined}>
          {say(text)}
        </Link>
      ))}
    </nav>
  );
}
