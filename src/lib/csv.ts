// CSV for people who open it in Excel or WPS: RFC 4180 quoting, CRLF line ends, a UTF-8 byte
// order mark so Chinese text opens correctly, and formula injection neutralised (OWASP "CSV
// injection"): a text cell starting with = + - @ (or a tab or carriage return, which some
// spreadsheets skip before reading a formula) gets a leading apostrophe. Numbers are written as
// numbers: a negative amount is data, not a formula.

export const UTF8_BOM = "\uFEFF";

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
