// The order of a filter pill row (ui/filter-pills.tsx): "全部 / All" first, then the choices in
// their own order. Apart from the component so it is testable without a browser.
import type { Bilingual } from "../shell/i18n";

export const ALL: Bilingual = ["全部", "All"];

export type Pill<V extends string> = readonly [value: V, label: Bilingual];

/** The pills in the order shown: "all" first, then the choices as given (an "all" among them is moved there, not repeated). */
export function pillsInOrder<V extends string>(choices: readonly Pill<V>[]): Pill<V | "all">[] {
  return [["all", ALL], ...choices.filter(([value]) => value !== "all")];
}
