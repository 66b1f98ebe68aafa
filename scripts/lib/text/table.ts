/** The narrowest a column is cut to when a table must fit a width. */
const MIN_COLUMN = 8;

/**
 * Lays out rows under headers in aligned columns, two spaces apart. With `maxWidth`, the widest
 * columns are narrowed (never below their header or 8 characters) until the table fits, and the
 * cells cut end in `…`.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  maxWidth?: number,
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length))
  );
  if (maxWidth !== undefined) fitWidths(widths, headers, maxWidth);
  const cut = (cell: string, width: number) =>
    cell.length > width ? `${cell.slice(0, width - 1)}…` : cell;
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => cut(cell, widths[column]).padEnd(widths[column])).join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** Narrows the widest column, one character at a time, until the row fits `maxWidth`. */
function fitWidths(widths: number[], headers: readonly string[], maxWidth: number): void {
  const floor = headers.map((header) => Math.max(header.length, MIN_COLUMN));
  const total = () => widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1);
  while (total() > maxWidth) {
    let widest = -1;
    widths.forEach((width, column) => {
      if (width > floor[column] && (widest < 0 || width > widths[widest])) widest = column;
    });
    if (widest < 0) return;
    widths[widest]--;
  }
}

/** Bytes in binary units, as `docker stats` shows them: `512MiB`, `1.5GiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)}${units[unit]}`;
}
