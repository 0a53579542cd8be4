// The Diff tab (two runs open): a summary strip (mean step time, GPU utilization, kernels and
// launches per step, the three largest contributors to the difference), then per (category,
// name) the count and total time in A and B with Δ and Δ% (whole runs, the aligned step pair,
// or the range), or the op-tree diff of the aligned step pair.

import { useState, type ReactNode } from 'react';
import { opTreeDiffWork, type DiffRow, type OpTreeNode } from '../../analysis/compare.ts';
import { runSliced } from '../../analysis/sliced.ts';
import { highlightNameIn, analysisStats } from '../../actions/analysis.ts';
import { diffFor, runFigures, scopeWindows, stepPairOf, type DiffScope, type RunFigures } from '../../actions/compare.ts';
import { formatCount, formatMicros } from '../../lib/format.ts';
import { setHighlight } from '../../store/actions.ts';
import type { AppStore, Highlight, LoadedTrace } from '../../store/app-store.ts';
import { useAppStore, useAppStoreApi } from '../../store/hooks.tsx';
import { selectAndReveal } from '../timeline/reveal.ts';
import { DataTable } from './DataTable.tsx';
import { stepAndReveal } from './InstanceStepper.tsx';
import type { ColumnSpec } from './table-format.ts';
import { TableState } from './tabs.tsx';
import { useAsync } from './useAsync.ts';

const onlyTag = (r: DiffRow): string => (r.only === 'A' ? 'only in A' : r.only === 'B' ? 'only in B' : '');
const signed = (us: number): string => `${us > 0 ? '+' : us < 0 ? '−' : ''}${formatMicros(Math.abs(us))}`;

const DIFF_COLUMNS: ColumnSpec<DiffRow>[] = [
  { id: 'kind', header: 'Category', kind: 'text', value: (r) => r.kind || '(none)', width: 'minmax(80px, 0.6fr)', help: 'The category as written in the trace (cat)' },
  { id: 'name', header: 'Name', kind: 'text', value: (r) => r.name, width: 'minmax(160px, 3fr)' },
  { id: 'only', header: 'In', kind: 'text', value: onlyTag, width: 'minmax(72px, 0.5fr)', help: 'Names found in one run only' },
  { id: 'countA', header: 'Count A', kind: 'count', value: (r) => r.countA },
  { id: 'countB', header: 'Count B', kind: 'count', value: (r) => r.countB },
  { id: 'totalA', header: 'Total A', kind: 'us', value: (r) => r.totalUsA, help: 'Summed duration in A (clipped to the window)' },
  { id: 'totalB', header: 'Total B', kind: 'us', value: (r) => r.totalUsB, help: 'Summed duration in B (clipped to the window)' },
  { id: 'delta', header: 'Δ total', kind: 'us', value: (r) => r.deltaUs, help: 'Total B − total A' },
  { id: 'deltaPct', header: 'Δ %', kind: 'pct', value: (r) => r.deltaPct, help: '100 × Δ / total A (— when A has no time for it)' },
];

const SCOPES: { id: DiffScope; label: string }[] = [
  { id: 'whole', label: 'Whole runs' },
  { id: 'step', label: 'Step pair' },
  { id: 'range', label: 'Range' },
];

export function DiffTab() {
  const traces = useAppStore((s) => s.traces);
  if (traces.length < 2) {
    return (
      <p className="tab-empty" data-testid="diff-empty">
        One trace is open. To compare two runs, open a second with <b>Compare…</b> in the toolbar, drop it with <b>Shift</b> held, or
        call <code>kinetoscope.open(source, {'{ compare: true }'})</code>; then this tab lists what changed between them.
      </p>
    );
  }
  return <DiffRuns a={traces[0]!} b={traces[1]!} />;
}

function DiffRuns({ a, b }: { a: LoadedTrace; b: LoadedTrace }) {
  const store = useAppStoreApi();
  const compare = useAppStore((s) => s.compare);
  const range = useAppStore((s) => s.range);
  const highlight = useAppStore((s) => s.highlight);
  const [scope, setScope] = useState<DiffScope>('whole');
  const [view, setView] = useState<'table' | 'tree'>('table');
  const windows = scopeWindows(scope, a, b, compare, range);
  const key = typeof windows === 'string' ? windows : JSON.stringify(windows);
  const diff = useAsync(typeof windows === 'string' ? null : () => diffFor(a.model, b.model, windows.wa, windows.wb), [a.model, b.model, key]);
  const figures = useAsync(() => Promise.all([runFigures(a), runFigures(b)]), [a.model, b.model]);
  const pair = stepPairOf(a, b, compare);
  const scopes = (
    <span className="segmented" role="group" aria-label="Compare over">
      {SCOPES.map((s) => (
        <button key={s.id} type="button" aria-pressed={scope === s.id} onClick={() => setScope(s.id)} data-testid={`diff-scope-${s.id}`}>
          {s.label}
        </button>
      ))}
    </span>
  );
  const views = (
    <span className="segmented" role="group" aria-label="Show">
      <button type="button" aria-pressed={view === 'table'} onClick={() => setView('table')} data-testid="diff-view-table">By name</button>
      <button type="button" aria-pressed={view === 'tree'} onClick={() => setView('tree')} data-testid="diff-view-tree" disabled={!pair}
        title={pair ? 'The CPU op trees of the step pair, matched by name path' : 'No ProfilerStep in one of the runs'}>Op tree of the step pair</button>
    </span>
  );
  const scopeNote = scope === 'step' && pair ? ` · ${pair.a.name} (A) and ${pair.b.name} (B)${compare.aligned === 'step' ? '' : ': the first of each; align on a step to choose'}` : '';
  return (
    <div className="diff-tab" data-testid="diff-tab">
      <SummaryStrip figures={figures.value} rows={diff.value} />
      {view === 'tree' && pair ? (
        <OpTreeDiff store={store} a={a} b={b} stepA={pair.a.slice} stepB={pair.b.slice} title={`${pair.a.name} (A) and ${pair.b.name} (B)`} tools={views} />
      ) : (
        <TableState busy={diff.busy} error={diff.error}>
          <DataTable<DiffRow>
            name="diff" columns={DIFF_COLUMNS} rows={diff.value ?? []} rowKey={(r) => `${r.kind}|${r.name}`}
            activeKey={highlight && highlight.also?.length ? (diff.value?.find((r) => r.name === highlight.label) ? `${diff.value.find((r) => r.name === highlight.label)!.kind}|${highlight.label}` : null) : null}
            onActivate={(r) => void highlightNameIn(store, [a, b], r.name).then((h) => h && stepAndReveal(store, 1))}
            empty={typeof windows === 'string' ? windows : diff.busy ? 'Computing…' : 'Nothing in either run over this span.'}
            tools={<>{scopes}{views}<span className="muted">{scopeNote}</span></>}
          />
        </TableState>
      )}
    </div>
  );
}

const pct = (v: number | null): string => (v === null ? '—' : `${v.toFixed(1)} %`);
const num = (v: number): string => (v >= 100 ? formatCount(Math.round(v)) : v.toFixed(1));
/** " (+12.3 %)": y against x. */
const delta = (x: number, y: number): string => (x > 0 ? ` (${y >= x ? '+' : '−'}${Math.abs((100 * (y - x)) / x).toFixed(1)} %)` : '');

function SummaryStrip({ figures, rows }: { figures: [RunFigures, RunFigures] | null; rows: DiffRow[] | null }) {
  if (!figures) return <div className="diff-summary muted">Working out the runs' figures…</div>;
  const [fa, fb] = figures;
  const top = (rows ?? []).filter((r) => r.deltaUs !== 0).slice(0, 3);
  const perStep = fa.steps > 0 && fb.steps > 0 ? 'per step' : 'per run (no ProfilerStep in a run: one step)';
  return (
    <div className="diff-summary" data-testid="diff-summary">
      <dl>
        <div><dt>Mean step time</dt><dd>A {formatMicros(fa.meanStepUs)} · B {formatMicros(fb.meanStepUs)}{delta(fa.meanStepUs, fb.meanStepUs)}</dd></div>
        <div><dt title="The Overview's: the share of the steps' time in which at least one kernel runs (mean over the devices)">GPU utilization</dt><dd>A {pct(fa.gpuUtilizationPct)} · B {pct(fb.gpuUtilizationPct)}</dd></div>
        <div><dt>Kernels {perStep}</dt><dd>A {num(fa.kernelsPerStep)} · B {num(fb.kernelsPerStep)}</dd></div>
        <div><dt title="Runtime calls that launch GPU work (cudaLaunchKernel, cudaMemcpyAsync…)">Launches {perStep}</dt><dd>A {num(fa.launchesPerStep)} · B {num(fb.launchesPerStep)}</dd></div>
      </dl>
      <div className="diff-top" data-testid="diff-top">
        <span className="muted">Largest differences:</span>{' '}
        {top.length === 0 ? <span>none</span> : top.map((r, k) => (
          <span key={`${r.kind}|${r.name}`} className="diff-top-item">{k > 0 ? ' · ' : ''}<b>{r.name}</b> <span className="muted">({r.kind})</span> {signed(r.deltaUs)}</span>
        ))}
      </div>
    </div>
  );
}

function OpTreeDiff({ store, a, b, stepA, stepB, title, tools }: { store: AppStore; a: LoadedTrace; b: LoadedTrace; stepA: number; stepB: number; title: string; tools: ReactNode }) {
  const tree = useAsync(() => runSliced(opTreeDiffWork(a.model, stepA, b.model, stepB), 8, undefined, analysisStats), [a.model, b.model, stepA, stepB]);
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [picked, setPicked] = useState<string | null>(null);
  const rows: OpTreeNode[] = [];
  const walk = (n: OpTreeNode): void => {
    rows.push(n);
    // The step and its direct children open at first; deeper levels on request.
    const isOpen = open[n.path] ?? n.depth === 0;
    if (isOpen) for (const c of n.children) walk(c);
  };
  if (tree.value) walk(tree.value);
  const pick = (n: OpTreeNode): void => {
    setPicked(n.path);
    showPair(store, a, b, n);
  };
  return (
    <TableState busy={tree.busy} error={tree.error}>
      <div className="dt-bar">{tools}<span className="muted">{title}: CPU ops on the step's thread, matched by name path</span></div>
      <div className="optree-scroll">
        <table className="optree" role="treegrid" aria-label={`Op-tree diff of ${title}`} data-testid="optree">
          <thead>
            <tr>
              <th>Name</th><th className="num">Host A</th><th className="num">Host B</th><th className="num">Δ host</th>
              <th className="num">Device A</th><th className="num">Device B</th><th className="num">Δ device</th>
              <th className="num">Count A</th><th className="num">Count B</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((n) => {
              const isOpen = open[n.path] ?? n.depth === 0;
              const only = n.countA === 0 ? 'only in B' : n.countB === 0 ? 'only in A' : null;
              return (
                <tr key={n.path} aria-level={n.depth + 1} aria-expanded={n.children.length > 0 ? isOpen : undefined} aria-selected={picked === n.path}
                  className={picked === n.path ? 'active' : undefined} data-path={n.path} onClick={() => pick(n)}>
                  <td style={{ paddingLeft: 6 + 14 * n.depth }}>
                    {n.children.length > 0 ? (
                      <button type="button" className="optree-toggle" aria-label={`${isOpen ? 'Collapse' : 'Expand'} ${n.name}`}
                        onClick={(e) => { e.stopPropagation(); setOpen({ ...open, [n.path]: !isOpen }); }}>{isOpen ? '▾' : '▸'}</button>
                    ) : <span className="optree-toggle" />}
                    <button type="button" className="optree-name" title={n.path}>{n.name}</button>
                    {only && <span className="tag">{only}</span>}
                  </td>
                  <td className="num">{formatMicros(n.hostUsA)}</td><td className="num">{formatMicros(n.hostUsB)}</td><td className="num">{signed(n.hostUsB - n.hostUsA)}</td>
                  <td className="num">{formatMicros(n.deviceUsA)}</td><td className="num">{formatMicros(n.deviceUsB)}</td><td className="num">{signed(n.deviceUsB - n.deviceUsA)}</td>
                  <td className="num">{formatCount(n.countA)}</td><td className="num">{formatCount(n.countB)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </TableState>
  );
}

/** A node of the op-tree diff shown: its first instance in A selected and revealed, and the two instances (A and B) highlighted. */
function showPair(store: AppStore, a: LoadedTrace, b: LoadedTrace, n: OpTreeNode): void {
  const one = (t: LoadedTrace, slice: number): Highlight | null => {
    if (slice < 0) return null;
    const names = new Uint8Array(t.model.strings.length);
    names[t.model.slices.name[slice]!] = 1;
    return { trace: t.id, label: n.name, names, instances: Uint32Array.of(slice), byRow: Uint32Array.of(slice), at: 0 };
  };
  const ha = one(a, n.sliceA);
  const hb = one(b, n.sliceB);
  const first = ha ?? hb;
  if (!first) return;
  setHighlight(store, { ...first, also: ha && hb ? [hb] : [] });
  selectAndReveal(store, { trace: first.trace, slice: first.instances[0]! });
}
