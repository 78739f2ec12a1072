import { stripVTControlCharacters } from 'node:util';

/** A column: its header, and a cell per row (already styled; width ignores colour codes). */
export interface Column<Row> {
  readonly header: string;
  readonly cell: (row: Row) => string;
  /** Right-align (numbers). */
  readonly right?: boolean;
}

/**
 * Renders rows as an aligned table: upper-case headers, two spaces between columns, no trailing
 * spaces. `headerStyle` styles the header line (bold on a terminal).
 */
export function table<Row>(
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  headerStyle: (s: string) => string = (s) => s,
): string[] {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((r) => visibleWidth(r[i]))));
  const render = (values: readonly string[]) =>
    values
      .map((value, i) => {
        const pad = ' '.repeat(widths[i] - visibleWidth(value));
        return columns[i].right ? pad + value : value + pad;
      })
      .join('  ')
      .trimEnd();
  return [headerStyle(render(columns.map((c) => c.header.toUpperCase()))), ...cells.map(render)];
}

function visibleWidth(text: string): number {
  return stripVTControlCharacters(text).length;
}
