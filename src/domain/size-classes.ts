// An enterprise's size class (企业规模, 工信部 划型) by name, in both languages: one list for the
// server's eligibility reasons and the web's labels (web/src/shell/labels.ts), so the two never
// call the same class differently.

export type SizeClass = "micro" | "small" | "medium" | "large";

export const SIZE_CLASS_NAMES: Readonly<Record<SizeClass, readonly [zh: string, en: string]>> = {
  micro: ["微型企业", "Micro"],
  small: ["小型企业", "Small"],
  medium: ["中型企业", "Medium"],
  large: ["大型企业", "Large"],
};

/** The class's names; the raw value for both when it is none of the four. */
export function sizeClassName(size: string): readonly [zh: string, en: string] {
  return (SIZE_CLASS_NAMES as Record<string, readonly [string, string]>)[size] ?? [size, size];
}
