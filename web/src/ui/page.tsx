// Every page's frame: the document title, one <h1>, and the keyboard focus moved to that
// heading after an in-app navigation so screen readers announce the new page.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { useI18n } from "../shell/i18n";

let firstPage = true;

/** `dataTitle`: the title is data (an offering's name), in Chinese whatever the interface language. */
export function Page({ title, lead, children, dataTitle }: { title: string; lead?: ComponentChildren; children: ComponentChildren; dataTitle?: boolean }) {
  const { t, lang } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ${t("算力券服务平台", "Compute Voucher Platform")}`;
  }, [title, t]);
  useEffect(() => {
    if (!firstPage) heading.current?.focus();
    firstPage = false;
  }, []);
  return (
    <>
      <h1 tabIndex={-1} ref={heading} lang={dataTitle && lang === "en" ? "zh-CN" : undefined}>
        {title}
      </h1>
      {lead && <p class="lead">{lead}</p>}
      {children}
    </>
  );
}
