// Types for scripts/critical-css.mjs (plain JavaScript: the build runs under node, without tsx).
export const FIRST_FRAME_SELECTORS: readonly string[];
export function criticalCss(css: string, selectors: readonly string[]): string;
