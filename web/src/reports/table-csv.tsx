// "Download this table": the rows a table shows, as CSV made in the browser (UTF-8 with a BOM so
// Excel and WPS read Chinese; text that could run as a formula gets a leading apostrophe, as the
// server's exports do). Money is written in yuan with two decimals.
import { useI18n } from "../shell/i18n";

/** Text, a number, an amount in fen (written as yuan with two decimals, unquoted), or empty. */
export type Cell = string | number | null | { fen: number };

const FORMULA = /^[=+\-@\t\r]/;

function csvCell(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  if (typeof value === "object") return yuan(value.fen);
  const text = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function tableCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/** Fen as a yuan figure for a spreadsheet: 123456 → 1234.56, -5 → -0.05. */
const yuan = (fen: number): string => `${fen < 0 ? "-" : ""}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, "0")}`;

export function DownloadTable({ name, header, rows, label }: { name: string; header: readonly string[]; rows: readonly (readonly Cell[])[]; label: string }) {
  const { t } = useI18n();
  const download = () => {
    const url = URL.createObjectURL(new Blob([tableCsv(header, rows)], { type: "text/csv;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = `${name}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  };
  return (
    <button type="button" class="export" onClick={download} aria-label={`${t("导出 CSV：", "Export CSV: ")}${label}`}>
      {t("导出 CSV", "Export CSV")}
    </button>
  );
}
