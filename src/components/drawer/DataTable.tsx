// One analysis table: sortable columns, a filter box, virtualized rows (only the rows in
// view are in the DOM, so 10⁵ names scroll smoothly), numbers right-aligned with units, and
// Copy as TSV / Download CSV of the filtered, sorted rows. Sorting and filtering are
// @tanstack/react-table's; the row window is @tanstack/react-virtual's.
//
// Keyboard: the row list is one focusable grid; ↑/↓ move the active row, Enter activates it
// (as a click does), Home/End jump. Trace text is rendered as React text only.

import { useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import {
  getCoreRowModel, getFilteredRowModel, getSortedRowModel, useReactTable,
  type ColumnDef, type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { cellText, toCsv, toTsv, type ColumnSpec } from './table-format.ts';

const ROW_HEIGHT = 24;

export interface DataTableProps<Row> {
  /** For test ids and file names: "kernels", "operators", … */
  name: string;
  columns: ColumnSpec<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  /** The row whose instances are highlighted (its key), if any. */
  activeKey?: string | null;
  onActivate?: (row: Row) => void;
  initialSort?: SortingState;
  /** Shown instead of the rows when there are none: why (e.g. "no kernels in this trace"). */
  empty: string;
  /** Extra controls in the table's bar. */
  tools?: ReactNode;
  /** Renders below a row when it is expanded (e.g. a kernel's launch configurations). */
  expand?: (row: Row) => ReactNode;
}

export function DataTable<Row>({ name, columns, rows, rowKey, activeKey, onActivate, initialSort, empty, tools, expand }: DataTableProps<Row>) {
  const [sorting, setSorting] = useState<SortingState>(initialSort ?? []);
  const [filter, setFilter] = useState('');
  const [focusRow, setFocusRow] = useState(0);
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});
  const [note, setNote] = useState('');
  const scroller = useRef<HTMLDivElement>(null);

  const defs = useMemo<ColumnDef<Row>[]>(
    () =>
      columns.map((c) => ({
        id: c.id,
        header: c.header,
        accessorFn: (r: Row) => c.value(r) ?? (c.kind === 'text' ? '' : -Infinity),
        sortDescFirst: c.kind !== 'text',
        // Filtering looks at the name-like columns only: numbers are for sorting.
        enableGlobalFilter: c.kind === 'text',
      })),
    [columns],
  );
  // The page is not built with React Compiler; TanStack's table object is meant to be read anew each render.
  // oxlint-disable-next-line react/incompatible-library
  const table = useReactTable({
    data: rows,
    columns: defs,
    state: { sorting, globalFilter: filter },
    onSortingChange: setSorting,
    onGlobalFilterChange: setFilter,
    globalFilterFn: (row, columnId, value: string) => String(row.getValue(columnId)).toLowerCase().includes(value.toLowerCase()),
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getRowId: rowKey,
  });
  const shown = table.getRowModel().rows;
  const virtual = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  const shownRows = (): Row[] => shown.map((r) => r.original);
  const copy = async (): Promise<void> => {
    const text = toTsv(columns, shownRows());
    try {
      await navigator.clipboard.writeText(text);
      setNote(`Copied ${shown.length} rows`);
    } catch {
      setNote('The browser refused the clipboard: use Download CSV');
    }
  };
  const download = (): void => {
    const blob = new Blob([toCsv(columns, shownRows())], { type: 'text/csv' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${name}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    setNote(`Saved ${name}.csv`);
  };

  const activate = (k: number): void => {
    const r = shown[k];
    if (!r) return;
    setFocusRow(k);
    onActivate?.(r.original);
  };
  const onKey = (e: KeyboardEvent): void => {
    let k = focusRow;
    if (e.key === 'ArrowDown') k++;
    else if (e.key === 'ArrowUp') k--;
    else if (e.key === 'PageDown') k += 10;
    else if (e.key === 'PageUp') k -= 10;
    else if (e.key === 'Home') k = 0;
    else if (e.key === 'End') k = shown.length - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      activate(focusRow);
      return;
    } else if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && expand && shown[focusRow]) {
      e.preventDefault();
      const id = shown[focusRow]!.id;
      setExpanded((x) => ({ ...x, [id]: e.key === 'ArrowRight' }));
      return;
    } else return;
    e.preventDefault();
    e.stopPropagation();
    k = Math.max(0, Math.min(shown.length - 1, k));
    setFocusRow(k);
    virtual.scrollToIndex(k);
  };

  const headers = table.getHeaderGroups()[0]!.headers;
  const grid = `${expand ? '20px ' : ''}minmax(200px, 3fr) ${columns.slice(1).map((c) => c.width ?? 'minmax(72px, 1fr)').join(' ')}`;
  return (
    <div className="dt" data-testid={`table-${name}`}>
      <div className="dt-bar">
        <input
          type="search" className="dt-filter" placeholder="Filter by name" aria-label={`Filter the ${name} table by name`}
          value={filter} onChange={(e) => setFilter(e.target.value)} data-testid={`filter-${name}`}
        />
        <span className="dt-count">{shown.length === rows.length ? `${rows.length} rows` : `${shown.length} of ${rows.length} rows`}</span>
        {tools}
        <span className="dt-spacer" />
        <span className="dt-note" role="status">{note}</span>
        <button type="button" onClick={() => void copy()} disabled={shown.length === 0}>Copy as TSV</button>
        <button type="button" onClick={download} disabled={shown.length === 0}>Download CSV</button>
      </div>
      <div className="dt-head" role="row" style={{ gridTemplateColumns: grid }}>
        {expand && <span />}
        {headers.map((h, k) => {
          const c = columns[k]!;
          const dir = h.column.getIsSorted();
          return (
            <button
              key={h.id} type="button" role="columnheader" title={c.help}
              className={`dt-th${c.kind === 'text' ? '' : ' num'}`}
              aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
              onClick={h.column.getToggleSortingHandler()}
            >
              {c.header}{dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}
            </button>
          );
        })}
      </div>
      {rows.length === 0 ? (
        <p className="dt-empty" data-testid={`empty-${name}`}>{empty}</p>
      ) : (
        <div
          ref={scroller} className="dt-body" tabIndex={0} role="grid" aria-label={`${name} table`}
          aria-rowcount={shown.length} aria-activedescendant={shown[focusRow] ? `${name}-row-${focusRow}` : undefined}
          onKeyDown={onKey}
        >
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {virtual.getVirtualItems().map((v) => {
              const r = shown[v.index]!;
              const open = !!expanded[r.id];
              return (
                <div
                  // Only rows that can expand are measured: measuring forces a layout of the
                  // page, and every other row is ROW_HEIGHT tall.
                  key={r.id} ref={expand ? virtual.measureElement : undefined} data-index={v.index}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)` }}
                >
                  <div
                    id={`${name}-row-${v.index}`} role="row" aria-rowindex={v.index + 1} aria-selected={r.id === activeKey}
                    className={`dt-row${r.id === activeKey ? ' active' : ''}${v.index === focusRow ? ' focus' : ''}`}
                    style={{ gridTemplateColumns: grid }} data-testid={`row-${name}`}
                    onClick={() => activate(v.index)}
                  >
                    {expand && (
                      <button
                        type="button" className="dt-expand" tabIndex={-1} aria-label={open ? 'Hide details' : 'Show details'} aria-expanded={open}
                        onClick={(e) => {
                          e.stopPropagation();
                          setExpanded((x) => ({ ...x, [r.id]: !open }));
                        }}
                      >{open ? '▾' : '▸'}</button>
                    )}
                    {columns.map((c) => (
                      <span key={c.id} role="gridcell" className={c.kind === 'text' ? 'dt-name' : 'num'} title={c.kind === 'text' ? String(c.value(r.original) ?? '') : undefined}>
                        {cellText(c.kind, c.value(r.original))}
                      </span>
                    ))}
                  </div>
                  {open && expand && <div className="dt-detail">{expand(r.original)}</div>}
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
