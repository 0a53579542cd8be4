// The drawer's table tabs (the Overview is OverviewTab.tsx). Each table is computed for the chosen trace (and the range, for the
// Range tab) in short tasks (actions/analysis.ts), shown with DataTable, and a row click
// highlights that name's slices on the canvas and steps to the first of them.

import { useEffect, useRef, useState, type KeyboardEvent, type ReactElement, type ReactNode } from 'react';
import type { KernelConfig, KernelRow } from '../../analysis/kernels.ts';
import type { OperatorRow, OperatorShapeRow } from '../../analysis/operators.ts';
import type { SliceRow, StreamBusy } from '../../analysis/slices.ts';
import { hasInputShapes, highlightName, highlightNameShapes, operatorShapeTableFor, runSearch, tableFor } from '../../actions/analysis.ts';
import { formatCount, formatMicros } from '../../lib/format.ts';
import type { AppStore, LoadedTrace } from '../../store/app-store.ts';
import { useAppStore, useAppStoreApi } from '../../store/hooks.tsx';
import { traceWindow } from '../../store/trace-time.ts';
import { DataTable } from './DataTable.tsx';
import { stepAndReveal } from './InstanceStepper.tsx';
import type { ColumnSpec } from './table-format.ts';
import { cellText } from './table-format.ts';
import { useAsync } from './useAsync.ts';

/** The trace a tab shows: the first, or the one picked when two are open. */
export function useTabTrace(): [LoadedTrace | undefined, ReactElement | null] {
  const traces = useAppStore((s) => s.traces);
  const [id, setId] = useState<string | null>(null);
  const t = traces.find((x) => x.id === id) ?? traces[0];
  const picker =
    traces.length > 1 ? (
      <select aria-label="Trace" value={t?.id} onChange={(e) => setId(e.target.value)}>
        {traces.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
      </select>
    ) : null;
  return [t, picker];
}

function activateName(store: AppStore, t: LoadedTrace, name: string): void {
  void highlightName(store, t, name).then(() => stepAndReveal(store, 1));
}

const KERNEL_COLUMNS: ColumnSpec<KernelRow | KernelConfig>[] = [
  { id: 'name', header: 'Kernel', kind: 'text', value: (r) => ('name' in r ? r.name : '') },
  { id: 'count', header: 'Calls', kind: 'count', value: (r) => r.count },
  { id: 'total', header: 'Total', kind: 'us', value: (r) => r.totalUs },
  { id: 'mean', header: 'Mean', kind: 'us', value: (r) => r.meanUs },
  { id: 'min', header: 'Min', kind: 'us', value: (r) => r.minUs },
  { id: 'max', header: 'Max', kind: 'us', value: (r) => r.maxUs },
  { id: 'pct', header: 'Of kernel time', kind: 'pct', value: (r) => r.pctOfKernelTime, help: 'Share of the summed duration of all kernels' },
  { id: 'bps', header: 'Blocks/SM', kind: 'number', value: (r) => r.blocksPerSm, help: "Mean of the trace's 'blocks per SM', weighted by duration" },
  { id: 'occ', header: 'Occupancy', kind: 'pct', value: (r) => r.occupancyPct, help: "Mean of the trace's 'est. achieved occupancy %', weighted by duration" },
  { id: 'sm', header: 'SM efficiency', kind: 'pct', value: (r) => r.smEfficiencyPct, help: 'Mean of min(1, blocks per SM), weighted by duration: the share of SMs the kernel keeps busy' },
];

function ConfigTable({ configs }: { configs: KernelConfig[] }) {
  return (
    <table className="dt-configs">
      <thead>
        <tr><th>Grid</th><th>Block</th><th>Registers/thread</th><th>Shared memory</th>{KERNEL_COLUMNS.slice(1).map((c) => <th key={c.id} className="num">{c.header}</th>)}</tr>
      </thead>
      <tbody>
        {configs.map((c, k) => (
          <tr key={k}>
            <td>{c.grid.join('×')}</td>
            <td>{c.block.join('×')}</td>
            <td className="num">{c.registersPerThread ?? '—'}</td>
            <td className="num">{c.sharedMemory === null ? '—' : `${formatCount(c.sharedMemory)} B`}</td>
            {KERNEL_COLUMNS.slice(1).map((col) => <td key={col.id} className="num">{cellText(col.kind, col.value(c))}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function KernelsTab() {
  const store = useAppStoreApi();
  const [t, picker] = useTabTrace();
  const highlight = useAppStore((s) => s.highlight);
  const { value, busy, error } = useAsync(t ? () => tableFor(t.model, 'kernels', null) : null, [t]);
  if (!t) return null;
  return (
    <TableState busy={busy} error={error}>
      <DataTable<KernelRow>
        name="kernels" columns={KERNEL_COLUMNS as ColumnSpec<KernelRow>[]} rows={value ?? []} rowKey={(r) => r.name}
        activeKey={highlight?.trace === t.id ? highlight.label : null}
        onActivate={(r) => activateName(store, t, r.name)}
        empty={busy ? 'Computing…' : 'No kernels in this trace (no GPU events of category "kernel").'}
        tools={picker}
        expand={(r) => <ConfigTable configs={r.configs} />}
      />
    </TableState>
  );
}

const OPERATOR_COLUMNS: ColumnSpec<OperatorRow>[] = [
  { id: 'name', header: 'Operator', kind: 'text', value: (r) => r.name },
  { id: 'count', header: 'Calls', kind: 'count', value: (r) => r.count },
  { id: 'hostTotal', header: 'Host total', kind: 'us', value: (r) => r.hostTotalUs, help: 'Summed duration of its calls' },
  { id: 'hostSelf', header: 'Host self', kind: 'us', value: (r) => r.hostSelfUs, help: 'Duration minus its direct child operators' },
  { id: 'deviceTotal', header: 'Device total', kind: 'us', value: (r) => r.deviceTotalUs, help: 'GPU time launched (by correlation) from anywhere inside it' },
  { id: 'deviceSelf', header: 'Device self', kind: 'us', value: (r) => r.deviceSelfUs, help: 'GPU time launched by runtime calls directly under it (no other operator between)' },
];

const SHAPE_COLUMNS: ColumnSpec<OperatorShapeRow>[] = [
  OPERATOR_COLUMNS[0] as ColumnSpec<OperatorShapeRow>,
  { id: 'shapes', header: 'Input shapes', kind: 'text', value: (r) => r.inputShapes ?? '(none)', width: 'minmax(160px, 2fr)', help: "The ops' Input Dims (one list per input; [] for a non-tensor); (none): calls without them" },
  ...(OPERATOR_COLUMNS.slice(1) as ColumnSpec<OperatorShapeRow>[]),
];

const shapeKey = (r: OperatorShapeRow): string => `${r.name} ${r.inputShapes ?? '(none)'}`;

export function OperatorsTab() {
  const store = useAppStoreApi();
  const [t, picker] = useTabTrace();
  const highlight = useAppStore((s) => s.highlight);
  const [byShapes, setByShapes] = useState(false);
  const [progress, setProgress] = useState(0);
  const probe = useAsync(t ? () => hasInputShapes(t) : null, [t]);
  const grouped = byShapes && probe.value === true;
  const byName = useAsync(t && !grouped ? () => tableFor(t.model, 'operators', null) : null, [t, grouped]);
  const byShape = useAsync(t && grouped ? () => operatorShapeTableFor(t, null, setProgress) : null, [t, grouped]);
  if (!t) return null;
  const { busy, error } = grouped ? byShape : byName;
  const reason = probe.busy
    ? 'Looking for Input Dims in the file…'
    : probe.error
      ? `Could not read the file: ${probe.error}`
      : probe.value
        ? null
        : 'No Input Dims on this trace\'s operators (profile with record_shapes=True)';
  const tools = (
    <>
      {picker}
      <label className="dt-toggle" title={reason ?? 'One row per operator name and input shapes (read from the file)'}>
        <input type="checkbox" checked={grouped} disabled={reason !== null} onChange={(e) => setByShapes(e.target.checked)} data-testid="group-by-shapes" />
        Group by input shapes
      </label>
      {reason !== null && !probe.busy && <span className="dt-note" data-testid="shapes-reason">{reason}</span>}
      {grouped && byShape.busy && (
        <span className="dt-note" role="status" data-testid="shapes-progress">
          Reading input shapes… {Math.floor(progress * 100)} %
          <progress max={1} value={progress} aria-label="Input shapes read" />
        </span>
      )}
    </>
  );
  const empty = busy ? (grouped ? 'Reading input shapes from the file…' : 'Computing…') : 'No CPU operators in this trace (no slices of category "cpu_op" or "operator").';
  return (
    <TableState busy={busy} error={error}>
      {grouped ? (
        <DataTable<OperatorShapeRow>
          key="shapes" name="operators" columns={SHAPE_COLUMNS} rows={byShape.value ?? []} rowKey={shapeKey}
          activeKey={highlight?.trace === t.id ? highlight.label : null}
          onActivate={(r) => void highlightNameShapes(store, t, r.name, r.inputShapes, shapeKey(r)).then(() => stepAndReveal(store, 1))}
          empty={empty} tools={tools}
        />
      ) : (
        <DataTable<OperatorRow>
          key="names" name="operators" columns={OPERATOR_COLUMNS} rows={byName.value ?? []} rowKey={(r) => r.name}
          activeKey={highlight?.trace === t.id ? highlight.label : null}
          onActivate={(r) => activateName(store, t, r.name)}
          empty={empty} tools={tools}
        />
      )}
    </TableState>
  );
}

const SLICE_COLUMNS: ColumnSpec<SliceRow>[] = [
  { id: 'name', header: 'Name', kind: 'text', value: (r) => r.name },
  { id: 'group', header: 'On', kind: 'text', value: (r) => (r.group === 'gpu' ? 'GPU' : 'CPU') },
  { id: 'count', header: 'Count', kind: 'count', value: (r) => r.count },
  { id: 'total', header: 'Total', kind: 'us', value: (r) => r.totalUs, help: 'Durations clipped to the range' },
  { id: 'self', header: 'Self', kind: 'us', value: (r) => r.selfUs, help: 'Clipped duration minus its direct children on the same track' },
  { id: 'mean', header: 'Mean', kind: 'us', value: (r) => r.meanUs },
  { id: 'min', header: 'Min', kind: 'us', value: (r) => r.minUs },
  { id: 'max', header: 'Max', kind: 'us', value: (r) => r.maxUs },
  { id: 'pct', header: 'Of range', kind: 'pct', value: (r) => r.pctOfRange, help: 'Total over the range length (nested slices each count)' },
];

/** The range, settled: a drag updates the range every frame; the table follows once it rests. */
function useSettled<T>(v: T, ms: number): T {
  const [settled, setSettled] = useState(v);
  useEffect(() => {
    const id = setTimeout(() => setSettled(v), ms);
    return () => clearTimeout(id);
  }, [v, ms]);
  return settled;
}

export function RangeTab() {
  const store = useAppStoreApi();
  const [t, picker] = useTabTrace();
  const highlight = useAppStore((s) => s.highlight);
  const range = useSettled(useAppStore((s) => s.range), 150);
  // The range is in view time; the table is over this trace's own time (its offset taken off).
  const win = range && t ? traceWindow(t, range) : null;
  const { value, busy, error } = useAsync(t ? () => tableFor(t.model, 'range', win) : null, [t, range]);
  const [group, setGroup] = useState<'all' | SliceRow['group']>('all');
  if (!t) return null;
  const span = range ? range.end - range.start : t.model.endUs;
  const rows = (value?.rows ?? []).filter((r) => group === 'all' || r.group === group);
  const label = highlight?.trace === t.id ? highlight.label : null;
  const active = label === null ? null : (rows.find((r) => r.name === label && r.group === 'cpu') ?? rows.find((r) => r.name === label)) ?? null;
  const groups = (
    <span className="segmented" role="group" aria-label="Slices of">
      {(['all', 'cpu', 'gpu'] as const).map((g) => (
        <button key={g} type="button" aria-pressed={group === g} onClick={() => setGroup(g)} data-testid={`range-group-${g}`}>
          {g === 'all' ? 'CPU and GPU' : g === 'cpu' ? 'CPU threads' : 'GPU streams'}
        </button>
      ))}
    </span>
  );
  const shifted = win !== null && win !== range;
  const title = win
    ? `Range ${formatMicros(win.start)} – ${formatMicros(win.end)} (${formatMicros(span)})${shifted ? ` of ${t.name}'s own time` : ''}`
    : 'Whole trace (no range: drag on the ruler, Shift-drag on the tracks, or press R with a slice selected)';
  return (
    <TableState busy={busy} error={error}>
      <div className="range-title" data-testid="range-title">{title}</div>
      {value && value.streams.length > 0 && <StreamBusyList streams={value.streams} />}
      <DataTable<SliceRow>
        name="range" columns={SLICE_COLUMNS} rows={rows} rowKey={(r) => `${r.group}|${r.name}`}
        activeKey={active && `${active.group}|${active.name}`}
        onActivate={(r) => activateName(store, t, r.name)}
        initialSort={[{ id: 'total', desc: true }]}
        empty={busy ? 'Computing…' : group === 'all' ? 'No slices in this range.' : `No ${group === 'cpu' ? 'CPU thread' : 'GPU stream'} slices in this range.`}
        tools={<>{groups}{picker}</>}
      />
    </TableState>
  );
}

function StreamBusyList({ streams }: { streams: StreamBusy[] }) {
  return (
    <ul className="stream-busy" aria-label="GPU streams busy in the range" data-testid="stream-busy">
      {streams.map((s) => (
        <li key={s.track} title={`${formatMicros(s.busyUs)} busy`}>
          <span>{s.process} / {s.name}</span>
          <meter min={0} max={100} value={s.busyPct} aria-label={`${s.name} busy`} />
          <span className="num">{s.busyPct.toFixed(1)} % busy</span>
        </li>
      ))}
    </ul>
  );
}

export function SearchTab() {
  const store = useAppStoreApi();
  const search = useAppStore((s) => s.search);
  const highlight = useAppStore((s) => s.highlight);
  // What the box shows: the user's typing, until a search (this box's or one run through
  // window.kinetoscope.search) makes another text the store's.
  const [draft, setDraft] = useState({ base: search.text, text: search.text });
  const text = draft.base === search.text ? draft.text : search.text;
  const setText = (t: string): void => setDraft({ base: search.text, text: t });
  const input = useRef<HTMLInputElement>(null);
  const focusSeq = useAppStore((s) => s.drawer.tab === 'search');
  useEffect(() => {
    // (no scrolling into view: the box is the tab's first line, and that would force a layout in the middle of a search)
    if (focusSeq) input.current?.focus({ preventScroll: true });
  }, [focusSeq]);
  // Typing searches as it goes (substrings are cheap; a regex runs on a worker with a time limit).
  useEffect(() => {
    if (text === store.getState().search.text) return undefined;
    const id = setTimeout(() => void runSearch(store, text).catch(() => undefined), 120);
    return () => clearTimeout(id);
  }, [text, store]);
  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      const go = (): void => stepAndReveal(store, e.shiftKey ? -1 : 1);
      if (text !== store.getState().search.text) void runSearch(store, text).then(go, () => undefined);
      else go();
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      (e.target as HTMLInputElement).blur();
    }
  };
  const status = search.error
    ? search.error
    : search.busy
      ? 'Searching…'
      : search.count === null
        ? 'Type part of a name (any case), or /regex/ for a regular expression.'
        : search.count === 0
          ? `No slice or instant is named like “${search.text}”.`
          : `${formatCount(search.count)} matches${highlight ? `; Enter / Shift+Enter step through them in time order` : ''}`;
  return (
    <div className="search-tab">
      <input
        ref={input} type="search" className="search-input" value={text} placeholder="Search slice names (/regex/ too)"
        aria-label="Search slice names" aria-describedby="search-status" aria-invalid={search.error ? true : undefined}
        onChange={(e) => setText(e.target.value)} onKeyDown={onKey} data-testid="search-input"
      />
      <p id="search-status" className={search.error ? 'search-error' : 'search-status'} role="status" data-testid="search-status">{status}</p>
    </div>
  );
}

export function TableState({ busy, error, children }: { busy: boolean; error: string | null; children: ReactNode }) {
  if (error) return <p className="dt-empty" role="alert">Could not compute this table: {error}</p>;
  return <div className={`tab-body${busy ? ' busy' : ''}`} aria-busy={busy}>{children}</div>;
}
