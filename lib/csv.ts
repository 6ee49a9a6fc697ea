// CSV for people who open it in a spreadsheet: RFC 4180 quoting, CRLF line ends, and no cell a
// spreadsheet would run as a formula (OWASP "CSV injection"; ASVS 5.0 1.2.10).

export type CsvValue = string | number | boolean | null | undefined;

/** Leading characters that make Excel, LibreOffice or Sheets treat a cell as a formula. */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/** One cell: formula triggers defused with a leading apostrophe, then quoted when needed. */
export function csvCell(value: CsvValue): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (text && FORMULA_TRIGGERS.has(text[0])) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, terminated by CRLF. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
