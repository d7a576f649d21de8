// Characters free text may not contain. Control characters (NUL, escape, …) break logs, CSV
// exports and terminals; bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) make
// a name display differently from what it is ("Trojan Source"); a lone surrogate is not text at
// all and breaks UTF-8 encoders. Multi-line fields (descriptions, reasons) may contain line breaks.

/** The first character not allowed, as "U+XXXX", or null when the text is clean. */
export function disallowedCharacter(value: string, multiline: boolean): string | null {
  for (const character of value) {
    const code = character.codePointAt(0) as number;
    if (isDisallowed(code, multiline)) return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return null;
}

function isDisallowed(code: number, multiline: boolean): boolean {
  if (multiline && (code === 0x0a || code === 0x0d)) return false;
  const control = code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  const bidi = (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
  // for…of yields a paired surrogate as one code point above U+FFFF, so any left here is lone.
  const loneSurrogate = code >= 0xd800 && code <= 0xdfff;
  return control || bidi || loneSurrogate;
}

export const disallowedCharacterMessage = (character: string) =>
  `含有不允许的字符 ${character}（控制字符、双向文本控制符或不成对的代理项）/ Contains ${character}: control characters, bidirectional overrides and lone surrogates are not allowed`;

/** The most characters a programme description (申报指南) holds after trimming; API and form share it. */
export const MAX_PROGRAMME_DESCRIPTION_LENGTH = 5000;
