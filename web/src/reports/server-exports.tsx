// The server's streamed CSV exports of the records behind the dashboard, as download links.
import { useI18n } from "../shell/i18n";
import { ExportLink, type ExportFile } from "../ui/export-link";

/** The server's streamed exports of the underlying records (docs/reports.md), optionally for one programme and a period (ISO instants). */
export function ServerExports({ programmeId, period = {} }: { programmeId?: string; period?: { from?: string; to?: string } }) {
  const { t } = useI18n();
  const files: [ExportFile, string][] = [
    ["vouchers.csv", t("券", "Vouchers")],
    ["bookings.csv", t("预约", "Bookings")],
    ["usage.csv", t("用量记录", "Usage events")],
    ["ledger-transfers.csv", t("账本转账", "Ledger transfers")],
    ["claims.csv", t("兑付申请", "Claims")],
  ];
  return (
    <section class="card" aria-labelledby="exports">
      <h2 id="exports">{t("导出明细（CSV）", "Export records (CSV)")}</h2>
      <p class="hint">
        {t("UTF-8 带 BOM，Excel 和 WPS 可直接打开；每次最多 10,000 行。", "UTF-8 with a byte-order mark, so Excel and WPS open it; at most 10,000 rows each.")}
      </p>
      <p class="links">
        {files.map(([file, label]) => (
          <ExportLink key={file} file={file} filters={{ programme_id: programmeId, from: period.from, to: period.to }} primary={false} label={t(`导出${label}`, `Export ${label.toLowerCase()}`)} />
        ))}
      </p>
    </section>
  );
}
