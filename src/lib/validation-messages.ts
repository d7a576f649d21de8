// zod's own messages (the ones a schema does not set itself) in both languages, as every other
// message here: "中文 / English". Installed once, globally, when the app module loads.
import { z } from "zod";

type LocaleError = NonNullable<z.core.$ZodConfig["localeError"]>;

const zh = z.locales.zhCN().localeError as LocaleError;
const en = z.locales.en().localeError as LocaleError;

const messageOf = (result: ReturnType<LocaleError>): string | undefined =>
  typeof result === "string" ? result : result?.message;

export const bilingualLocaleError: LocaleError = (issue) => {
  const chinese = messageOf(zh(issue));
  const english = messageOf(en(issue));
  return chinese && english ? `${chinese} / ${english}` : (chinese ?? english);
};

z.config({ localeError: bilingualLocaleError });
