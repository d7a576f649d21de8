// Long pages on a phone: a section's bulk (a data table, instructions, filters) folds under a
// summary that says what is inside, open at first on a wider screen and folded on a phone; and a
// long list shows its first rows with a "show more" button instead of rendering every row.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useI18n } from "../shell/i18n";

/** The width below which tables reflow into cards (styles.css). */
export const PHONE_WIDTH = "(max-width: 640px)";

/** True on a phone-width screen when the component first draws. */
export function startsOnPhone(): boolean {
  return typeof window !== "undefined" && window.matchMedia(PHONE_WIDTH).matches;
}

/** Whether the screen is phone-width now, following changes (a rotated phone, a resized window). */
export function useNarrowScreen(): boolean {
  const [narrow, setNarrow] = useState(startsOnPhone);
  useEffect(() => {
    const query = window.matchMedia(PHONE_WIDTH);
    const changed = () => setNarrow(query.matches);
    query.addEventListener("change", changed);
    return () => query.removeEventListener("change", changed);
  }, []);
  return narrow;
}

/** A native disclosure (details/summary): open at first unless on a phone, or as `open` says. */
export function Fold({ summary, open, class: extra, children }: { summary: ComponentChildren; open?: boolean; class?: string; children: ComponentChildren }) {
  const [initial] = useState(() => open ?? !startsOnPhone());
  return (
    <details class={extra ? `fold ${extra}` : "fold"} open={initial}>
      <summary>{summary}</summary>
      <div class="fold-body">{children}</div>
    </details>
  );
}

/** The first `step` rows, then `step` more each time the button is pressed (the rest are already loaded). */
export function useShowMore<T>(rows: readonly T[], step: number) {
  const [shown, setShown] = useState(step);
  return { rows: rows.slice(0, shown), left: Math.max(0, rows.length - shown), more: () => setShown((n) => n + step), step };
}

/** The button under a list cut by useShowMore: how many are shown and how many more it adds. */
export function ShowMoreButton({ shown, left, step, onMore, controls }: { shown: number; left: number; step: number; onMore: () => void; controls: string }) {
  const { t } = useI18n();
  if (left <= 0) return null;
  const next = Math.min(left, step);
  return (
    <p class="show-more">
      <span class="hint" aria-live="polite">
        {t(`已显示 ${shown} 行，还有 ${left} 行。`, `Showing ${shown} rows; ${left} more.`)}
      </span>{" "}
      <button type="button" aria-controls={controls} onClick={onMore}>
        {t(`再显示 ${next} 行`, `Show ${next} more`)}
      </button>
    </p>
  );
}
