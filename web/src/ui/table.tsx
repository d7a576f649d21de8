// A data table that stays a table for screen readers and reflows into labelled cards on
// narrow screens (each cell's data-label is shown by styles.css below 640px).
import type { ComponentChildren } from "preact";

export interface Column<T> {
  header: string;
  cell: (row: T) => ComponentChildren;
  /** Extra class for the cell and its header, e.g. "actions", or "num" for right-aligned figures. */
  class?: string;
}

export function DataTable<T>(props: {
  caption: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  empty: string;
  /** Content under a row spanning the table (an inline form), keyed by row. */
  below?: (row: T) => ComponentChildren;
}) {
  const { caption, columns, rows, rowKey, empty, below } = props;
  if (!rows.length) return <p class="empty">{empty}</p>;
  return (
    <div class="table-wrap">
      <table class="data">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column.header} class={column.class}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const extra = below?.(row);
            return [
              <tr key={rowKey(row)}>
                {columns.map((column) => (
                  <td key={column.header} data-label={column.header} class={column.class}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>,
              extra ? (
                <tr key={`${rowKey(row)}-below`} class="below">
                  <td colSpan={columns.length}>{extra}</td>
                </tr>
              ) : null,
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}
