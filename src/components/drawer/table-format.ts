// Cells of the analysis tables as text: the one place that turns numbers into what a table
// shows, copies (TSV) and downloads (CSV). Durations carry their unit in the text shown and
// are plain µs in exports, so a spreadsheet can sum them.

import { formatBytes, formatCount, formatMicros } from '../../lib/format.ts';

export type CellKind = 'text' | 'count' | 'us' | 'pct' | 'number' | 'bytes';

export interface ColumnSpec<Row> {
  id: string;
  header: string;
  kind: CellKind;
  value: (row: Row) => string | number | null;
  /** Tooltip of the header: what the column means. */
  help?: string;
  /** The column's grid track (default minmax(72px, 1fr)). */
  width?: string;
}

export function cellText(kind: CellKind, v: string | number | null): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  switch (kind) {
    case 'count':
      return formatCount(v);
    case 'us':
      return formatMicros(v);
    case 'pct':
      return `${v.toFixed(v >= 10 ? 1 : 2)} %`;
    case 'number':
      return Number.isInteger(v) ? String(v) : v.toFixed(2);
    case 'bytes':
      return formatBytes(v);
    default:
      return String(v);
  }
}

/** The header of an exported column: its unit spelled out. */
function exportHeader<Row>(c: ColumnSpec<Row>): string {
  return c.kind === 'us' ? `${c.header} (µs)` : c.kind === 'pct' ? `${c.header} (%)` : c.kind === 'bytes' ? `${c.header} (bytes)` : c.header;
}

function exportValue(v: string | number | null): string {
  return v === null ? '' : String(v);
}

export function toTsv<Row>(columns: ColumnSpec<Row>[], rows: Row[]): string {
  const clean = (s: string): string => s.replace(/[\t\r\n]+/g, ' ');
  const lines = [columns.map((c) => clean(exportHeader(c))).join('\t')];
  for (const r of rows) lines.push(columns.map((c) => clean(exportValue(c.value(r)))).join('\t'));
  return lines.join('\n') + '\n';
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled. */
export function toCsv<Row>(columns: ColumnSpec<Row>[], rows: Row[]): string {
  const q = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [columns.map((c) => q(exportHeader(c))).join(',')];
  for (const r of rows) lines.push(columns.map((c) => q(exportValue(c.value(r)))).join(','));
  return lines.join('\r\n') + '\r\n';
}
