// Labelled facts about one thing (an application, a voucher, an offering), as a description list
// that reflows from columns into label-value rows on narrow screens.
import type { ComponentChildren } from "preact";

export function Facts({ rows }: { rows: readonly [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
