// Values that read the same everywhere: instants in Beijing time.
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
