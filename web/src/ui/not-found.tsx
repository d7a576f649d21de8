// An address this app does not have, or a page this person's role cannot open.
import { useI18n } from "../shell/i18n";
import { Link } from "../shell/router";
import { Page } from "./page";

export function NotFoundPage({ forbidden = false }: { forbidden?: boolean }) {
  const { t } = useI18n();
  return (
    <Page title={forbidden ? t("无权访问", "Not available to you") : t("页面不存在", "Page not found")}>
      <p>
        {forbidden
          ? t("你的角色不能打开此页面。", "Your role cannot open this page.")
          : t("没有这个地址，可能链接有误。", "There is no such address; the link may be wrong.")}
      </p>
      <p>
        <Link href="/">{t("回到工作台", "Back to Home")}</Link>
      </p>
    </Page>
  );
}
