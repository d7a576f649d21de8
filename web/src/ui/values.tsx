// Values that read the same everywhere: instants in Beijing time.
import type { ComponentChildren } from "preact";
import { formatInstant } from "../shell/format";
import { useI18n } from "../shell/i18n";

export function Instant({ at }: { at: string }) {
  const { t } = useI18n();
  return (
    <time dateTime={at} title={t("北京时间（UTC+8）", "Beijing time (UTC+8)")}>
      {formatInstant(at)}
    </time>
  );
}

/**
 * Text that is data, not interface (names of organisations and offerings, reasons people typed):
 * written in Chinese whatever language the interface is in, so in English mode it is marked
 * lang="zh-CN" and a screen reader reads it with a Chinese voice.
 */
export function DataText({ children }: { children: ComponentChildren }) {
  const { lang } = useI18n();
  return <span lang={lang === "en" ? "zh-CN" : undefined}>{children}</span>;
}
