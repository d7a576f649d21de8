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

/**
 * A record's id as a small reference beside its name ("启明智能科技 · vch_demobeijing"): for
 * quoting to support or copying, never in place of the name.
 */
export function Ref({ id }: { id: string }) {
  const { t } = useI18n();
  return (
    <code class="ref" title={t("编号（可复制）", "Reference (copyable)")}>
      {id}
    </code>
  );
}

/** A person or organisation by name, with the id as a small reference; the id alone when no name is known. */
export function Named({ name, id }: { name: string | null | undefined; id: string }) {
  if (!name) return <Ref id={id} />;
  return (
    <>
      <DataText>{name}</DataText> <Ref id={id} />
    </>
  );
}
