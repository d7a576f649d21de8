// Labelled facts about one thing (an application, a voucher, an offering), as a description list
// that reflows from columns into label-value rows on narrow screens.
import type { ComponentChildren } from "preact";

export function Facts({ rows, class: extra }: { rows: readonly [string, ComponentChildren][]; class?: string }) {
  return (
    <dl class={extra ? `facts ${extra}` : "facts"}>
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
