// Chinese first, English on request. UI text is written as (中文, English) pairs beside the code
// that shows it; server messages arrive as "中文 / English" and are split here, at render time,
// so switching language also re-renders messages already on screen.
import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useEffect, useMemo, useState } from "preact/hooks";

export type Lang = "zh" | "en";
/** A text in both languages: [中文, English]. */
export type Bilingual = readonly [zh: string, en: string];

const STORAGE_KEY = "lang";
// " / " between the two halves; the server sometimes writes "）/ " after a full-width bracket.
const SEPARATOR = / ?\/ /g;
const CJK = /[\u3000-\u9fff\uff00-\uffef]/;

/** The half of a "中文 / English" message for `lang`; a message without a separator is shown whole. */
export function localise(message: string, lang: Lang): string {
  const cuts = [...message.matchAll(SEPARATOR)];
  const first = cuts[0];
  if (!first) return message;
  if (lang === "zh") return message.slice(0, first.index).trim();
  // English is the tail after the earliest separator with no Chinese after it.
  for (const cut of cuts) {
    const tail = message.slice((cut.index ?? 0) + cut[0].length).trim();
    if (!CJK.test(tail)) return tail;
  }
  return message;
}

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "zh";
  } catch {
    return "zh";
  }
}

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  /** Pick this language's text. */
  t: (zh: string, en: string) => string;
  /** A "中文 / English" message from the server, or a Bilingual pair, in this language. */
  say: (message: string | Bilingual) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ComponentChildren }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode without storage: the choice lasts for this page only.
    }
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (zh, en) => (lang === "zh" ? zh : en),
      say: (message) => (typeof message === "string" ? localise(message, lang) : message[lang === "zh" ? 0 : 1]),
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
