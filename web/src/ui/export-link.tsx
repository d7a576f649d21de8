// The server's streamed exports (CSV, and NDJSON for the audit log), as a download button placed
// beside the table they extend. The same filters the page shows go into the link, so what
// downloads is what the table lists, without the page's row limit.
import { may } from "../shell/access";
import { useI18n } from "../shell/i18n";
import { useMe } from "../shell/session";

export type ExportFile = "vouchers.csv" | "bookings.csv" | "usage.csv" | "ledger-transfers.csv" | "claims.csv" | "notices.csv" | "audit-events.csv" | "audit-events.ndjson";

/** `/api/exports/<file>` with the filters that have a value. */
export function exportHref(file: ExportFile, filters: Readonly<Record<string, string | null | undefined>> = {}): string {
  const query = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1]))).toString();
  return `/api/exports/${file}${query ? `?${query}` : ""}`;
}

/**
 * A download button for one export, shown only to people the API lets download it; `label`
 * defaults to "export CSV with these filters". Signed-in pages only.
 */
export function ExportLink({ file, filters, label, primary }: { file: ExportFile; filters?: Readonly<Record<string, string | null | undefined>>; label?: string; primary?: boolean }) {
  const { t } = useI18n();
  if (!may(useMe(), `GET /api/exports/${file}`)) return null;
  const format = file.endsWith(".ndjson") ? "NDJSON" : "CSV";
  return (
    <a class={primary === false ? "button" : "button export"} href={exportHref(file, filters)} download>
      {label ?? t(`导出 ${format}（按当前筛选）`, `Export ${format} (these filters)`)}
    </a>
  );
}
