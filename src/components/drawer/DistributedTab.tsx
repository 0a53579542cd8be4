// The Distributed tab: the ranks of a run on one clock. Per rank and step, the TensorBoard
// plugin's breakdown (computation, communication, their overlap, other) as a stacked bar per
// rank within each step (d3 scales) and a table; the slowest rank, the imbalance and the
// straggler said in words; the collectives matched across ranks, a row click highlighting that
// collective's kernel on every rank (actions/ranks.ts).

import { useState, type KeyboardEvent } from 'react';
import { scaleBand, scaleLinear } from 'd3-scale';
import { runBalance, type Collective } from '../../analysis/distributed.ts';
import { distributedFor, highlightCollective, shortKernel, type Distributed, type RankResult } from '../../actions/ranks.ts';
import { formatMicros } from '../../lib/format.ts';
import { setView } from '../../store/actions.ts';
import type { AppStore } from '../../store/app-store.ts';
import { useAppStore, useAppStoreApi } from '../../store/hooks.tsx';
import { viewSpan } from '../../store/trace-time.ts';
import { clampView, viewLimits } from '../timeline/view-math.ts';
import { DataTable } from './DataTable.tsx';
import { stepAndReveal } from './InstanceStepper.tsx';
import type { ColumnSpec } from './table-format.ts';
import { TableState } from './tabs.tsx';
import { useAsync } from './useAsync.ts';
import { useWidth } from './OverviewTab.tsx';

/** The parts of a step, stacked in this order; they sum to the step time. */
const PARTS = [
  { key: 'computation', label: 'Computation only', cls: 'ov-kernel', help: 'Merged non-NCCL kernel time in the step, minus the overlap' },
  { key: 'overlap', label: 'Overlap', cls: 'rk-overlap', help: 'Time in the step when computation and communication kernels both run' },
  { key: 'communication', label: 'Communication only', cls: 'ov-communication', help: 'Merged NCCL kernel time in the step, minus the overlap' },
  { key: 'other', label: 'Other', cls: 'ov-other', help: 'Step time with no kernel running: step − computation − communication + overlap' },
] as const;
type PartKey = (typeof PARTS)[number]['key'];

interface StepRow {
  key: string;
  r: number;
  rank: RankResult;
  k: number;
  name: string;
  start: number;
  end: number;
  computationUs: number;
  communicationUs: number;
  overlapUs: number;
  otherUs: number;
}

const partOf = (row: StepRow, key: PartKey): number =>
  key === 'computation' ? row.computationUs - row.overlapUs : key === 'communication' ? row.communicationUs - row.overlapUs : key === 'overlap' ? row.overlapUs : row.otherUs;

export const rankName = (r: RankResult): string => (r.rank === null ? 'no rank' : `rank ${r.rank}`);

function rowsOf(d: Distributed): StepRow[] {
  const out: StepRow[] = [];
  d.ranks.forEach((rank, r) => {
    rank.steps.forEach((s, k) => {
      const b = rank.breakdown[k]!;
      out.push({ ...b, key: `${r}:${k}`, r, rank, k, name: s.name, start: s.start, end: s.end });
    });
  });
  return out;
}

function zoomTo(store: AppStore, row: StepRow): void {
  setView(store, clampView(viewSpan(row.rank.trace, { start: row.start, end: row.end }), viewLimits(store.getState().traces)));
}

const CHART_H = 180;
const M = { top: 8, right: 8, bottom: 34, left: 64 };

function RankChart({ rows, steps, ranks, onPick }: { rows: StepRow[]; steps: string[]; ranks: RankResult[]; onPick: (r: StepRow) => void }) {
  const [ref, width] = useWidth();
  const [tip, setTip] = useState<{ row: StepRow; x: number; y: number } | null>(null);
  const w = Math.max(160, width);
  const outer = scaleBand<string>().domain(steps).range([M.left, w - M.right]).paddingInner(0.15).paddingOuter(0.05);
  const inner = scaleBand<number>().domain(ranks.map((_, r) => r)).range([0, outer.bandwidth()]).padding(0.12);
  const barW = Math.min(inner.bandwidth(), 48);
  const max = Math.max(1e-9, ...rows.map((r) => r.end - r.start));
  const y = scaleLinear().domain([0, max]).nice(4).range([CHART_H - M.bottom, M.top]);
  const onKey = (e: KeyboardEvent, r: StepRow): void => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onPick(r);
    }
  };
  const showRankLabels = inner.bandwidth() >= 14;
  return (
    <div className="ov-chart" ref={ref}>
      <svg width={w} height={CHART_H} role="group" aria-label="Step time per rank: computation, overlap, communication and other, one stacked bar per rank in each step" data-testid="ranks-chart">
        {y.ticks(4).map((t) => (
          <g key={t} className="ov-tick" transform={`translate(0, ${y(t)})`}>
            <line x1={M.left} x2={w - M.right} />
            <text x={M.left - 6} dy="0.32em" textAnchor="end">{formatMicros(t)}</text>
          </g>
        ))}
        <line className="ov-axis" x1={M.left} x2={w - M.right} y1={y(0)} y2={y(0)} />
        {steps.map((s) => (
          <text key={s} className="ov-label" x={outer(s)! + outer.bandwidth() / 2} y={CHART_H - 6} textAnchor="middle">{s}</text>
        ))}
        {rows.map((row) => {
          const x0 = outer(row.name)! + inner(row.r)! + (inner.bandwidth() - barW) / 2;
          let acc = 0;
          return (
            <g
              key={row.key} className="ov-bar" tabIndex={0} role="button" data-testid="ranks-bar" data-rank={row.rank.rank ?? ''} data-step={row.name}
              aria-label={`${rankName(row.rank)}, ${row.name}: ${formatMicros(row.end - row.start)}; Enter zooms the timeline to it`}
              onClick={() => onPick(row)} onKeyDown={(e) => onKey(e, row)}
              onPointerMove={(e) => {
                const box = ref.current!.getBoundingClientRect();
                setTip({ row, x: e.clientX - box.left, y: e.clientY - box.top });
              }}
              onPointerLeave={() => setTip(null)}
            >
              <rect className="ov-hit" x={x0} width={barW} y={M.top} height={CHART_H - M.bottom - M.top} />
              {PARTS.map((p) => {
                const v = partOf(row, p.key);
                if (!(v > 0)) return null;
                const top = y(acc + v);
                const h = y(acc) - top;
                acc += v;
                return <rect key={p.key} className={`ov-seg ${p.cls}`} x={x0} width={barW} y={top} height={Math.max(0, h)} />;
              })}
              {showRankLabels && <text className="ov-label" x={x0 + barW / 2} y={CHART_H - M.bottom + 12} textAnchor="middle">{row.rank.rank ?? '?'}</text>}
            </g>
          );
        })}
      </svg>
      {tip && (
        <div className="ov-tip" role="tooltip" style={{ left: Math.min(tip.x + 12, w - 260), top: tip.y + 12 }} data-testid="ranks-tip">
          <div className="ov-tip-title">{rankName(tip.row.rank)} · {tip.row.name}</div>
          <div>step {formatMicros(tip.row.end - tip.row.start)}</div>
          {PARTS.map((p) => <div key={p.key}><span className={`ov-swatch ${p.cls}`} /> {p.label}: {formatMicros(partOf(tip.row, p.key))}</div>)}
          <div className="ov-muted">click to zoom to this rank's step</div>
        </div>
      )}
      <ul className="ov-legend" aria-label="The parts of a step, bottom to top">
        {PARTS.map((p) => <li key={p.key} title={p.help}><span className={`ov-swatch ${p.cls}`} />{p.label}</li>)}
        <li className="ov-muted">bars: ranks {ranks.length > 1 ? `${ranks[0]!.rank ?? '?'}…${ranks[ranks.length - 1]!.rank ?? '?'}` : ranks[0]?.rank ?? '?'} in each step</li>
      </ul>
    </div>
  );
}

const STEP_COLUMNS: ColumnSpec<StepRow>[] = [
  { id: 'rank', header: 'Rank', kind: 'number', value: (r) => r.rank.rank, width: 'minmax(56px, 0.5fr)' },
  { id: 'file', header: 'File', kind: 'text', value: (r) => r.rank.trace.name },
  { id: 'step', header: 'Step', kind: 'text', value: (r) => r.name },
  { id: 'dur', header: 'Step time', kind: 'us', value: (r) => r.end - r.start, help: "The overview's step: its ProfilerStep slice extended to the GPU work it launched" },
  { id: 'computation', header: 'Computation', kind: 'us', value: (r) => r.computationUs, help: 'Merged non-NCCL kernel time in the step' },
  { id: 'communication', header: 'Communication', kind: 'us', value: (r) => r.communicationUs, help: 'Merged NCCL kernel time in the step', width: 'minmax(116px, 1fr)' },
  { id: 'overlap', header: 'Overlap', kind: 'us', value: (r) => r.overlapUs, help: 'Computation and communication at the same time' },
  { id: 'other', header: 'Other', kind: 'us', value: (r) => r.otherUs, help: 'Step − computation − communication + overlap: no kernel running' },
];

interface CollectiveRow {
  key: string;
  n: number;
  c: Collective;
}

function collectiveColumns(d: Distributed): ColumnSpec<CollectiveRow>[] {
  const ranks = d.ranks.map(rankName);
  return [
    { id: 'n', header: '#', kind: 'count', value: (r) => r.n + 1, width: 'minmax(44px, 0.4fr)', help: 'In the order first met, rank by rank' },
    { id: 'name', header: 'Collective (kernel)', kind: 'text', value: (r) => shortKernel(r.c.name), width: 'minmax(200px, 3fr)' },
    { id: 'key', header: 'Matched as', kind: 'text', value: (r) => r.c.key, width: 'minmax(100px, 1fr)', help: 'group#Seq, group@n (n-th in its process group) or @n (n-th NCCL kernel)' },
    { id: 'ranks', header: 'Ranks', kind: 'count', value: (r) => r.c.ranks, help: 'How many ranks ran it' },
    { id: 'transfer', header: 'Transfer', kind: 'us', value: (r) => r.c.transferUs, help: 'The shortest duration across ranks' },
    { id: 'maxwait', header: 'Max wait', kind: 'us', value: (r) => Math.max(0, ...r.c.waitUs.filter((x) => !Number.isNaN(x))), help: "The longest rank's duration minus the transfer time: synchronisation" },
    { id: 'skew', header: 'Arrival skew', kind: 'us', value: (r) => r.c.skewUs, width: 'minmax(108px, 1fr)', help: 'The latest start minus the earliest, on the run clock' },
    { id: 'last', header: 'Last to arrive', kind: 'text', width: 'minmax(116px, 1fr)', value: (r) => (r.c.ranks > 1 ? ranks[r.c.lastRank]! : '—') },
    {
      id: 'waits', header: 'Wait per rank', kind: 'text', width: 'minmax(220px, 3fr)',
      value: (r) => r.c.waitUs.map((x, k) => `${d.ranks[k]!.rank ?? '?'}: ${Number.isNaN(x) ? '—' : formatMicros(x)}`).join(', '),
      help: 'Rank: its duration minus the transfer time (— where the rank did not run it)',
    },
  ];
}

function Findings({ d }: { d: Distributed }) {
  const b = runBalance(d.ranks.map((r) => ({ steps: r.steps })), d.collectives);
  const lines: { id: string; text: string }[] = [];
  const nm = (i: number): string => rankName(d.ranks[i]!);
  if (d.ranks.length < 2) lines.push({ id: 'one', text: 'One rank is open: open the other ranks of the run with it (select several files, drop them together, or open([…])) to compare them and match their collectives.' });
  if (b.slowest && b.fastest && d.ranks.length > 1) {
    const pct = b.fastest.meanUs > 0 ? (100 * (b.slowest.meanUs - b.fastest.meanUs)) / b.fastest.meanUs : 0;
    lines.push({ id: 'slowest', text: `Slowest: ${nm(b.slowest.index)}, mean step ${formatMicros(b.slowest.meanUs)}, ${pct.toFixed(1)} % above the fastest (${nm(b.fastest.index)}, ${formatMicros(b.fastest.meanUs)}).` });
  }
  if (b.imbalance) {
    lines.push({ id: 'imbalance', text: `Imbalance: ${b.imbalance.step} takes ${formatMicros(b.imbalance.spreadUs)} longer on ${nm(b.imbalance.slowIndex)} than on ${nm(b.imbalance.fastIndex)} (the largest max − min step time across ranks).` });
  }
  if (d.shared > 0) {
    const most = b.waitUs.reduce((best, w, i) => (w > b.waitUs[best]! ? i : best), 0);
    lines.push({ id: 'wait', text: `Communication wait: ${nm(most)} waited longest in collectives, ${formatMicros(b.waitUs[most]!)} in all (its durations minus the fastest rank's).` });
  }
  if (d.straggler && d.shared > 0) {
    lines.push({ id: 'straggler', text: `Straggler: ${nm(d.straggler.rank)} arrived last in ${d.straggler.times} of ${d.shared} collective${d.shared === 1 ? '' : 's'}.` });
  } else if (d.ranks.length > 1) {
    lines.push({ id: 'straggler', text: 'No collective ran on two ranks or more (no NCCL kernels matched): no straggler to name.' });
  }
  return (
    <ul className="rk-findings" data-testid="ranks-findings">
      {lines.map((l) => <li key={l.id} data-testid={`ranks-${l.id}`}>{l.text}</li>)}
    </ul>
  );
}

export function DistributedTab() {
  const store = useAppStoreApi();
  const traces = useAppStore((s) => s.traces);
  const run = useAppStore((s) => s.ranks);
  const highlight = useAppStore((s) => s.highlight);
  const scope = run ? traces : traces.slice(0, 1);
  const { value: d, busy, error } = useAsync(scope.length > 0 ? () => distributedFor(scope) : null, [traces, run]);
  const [picked, setPicked] = useState<string | null>(null);
  const [pickedC, setPickedC] = useState<string | null>(null);
  if (scope.length === 0) return null;
  const rows = d ? rowsOf(d) : [];
  const steps = d ? [...new Set(rows.map((r) => r.name))] : [];
  const cRows: CollectiveRow[] = d ? d.collectives.map((c, n) => ({ key: c.key, n, c })) : [];
  const pick = (r: StepRow): void => {
    setPicked(r.key);
    zoomTo(store, r);
  };
  const pickC = (r: CollectiveRow): void => {
    if (!d) return;
    setPickedC(r.key);
    if (highlightCollective(store, d, r.c)) stepAndReveal(store, 1);
  };
  return (
    <TableState busy={busy} error={error}>
      <div className="overview ranks" data-testid="distributed">
        <p className="rk-clock" data-testid="ranks-clock">
          {run ? `${scope.length} rank${scope.length === 1 ? '' : 's'}; ${run.clock}.` : `One trace, not a run of ranks: ${traces.length > 1 ? 'the first of the two compared runs is shown as one rank. ' : ''}open several rank files at once to see them side by side.`}
        </p>
        {busy && !d && <p className="dt-empty">Computing the breakdown per rank and matching the collectives…</p>}
        {d && (
          <>
            <Findings d={d} />
            <div className="ov-top">
              <section className="ov-section ov-grow" aria-label="Step time per rank">
                <h3>Step time per rank <span className="ov-muted">(click a bar, or focus it and press Enter, to zoom to that rank's step)</span></h3>
                <RankChart rows={rows} steps={steps} ranks={d.ranks} onPick={pick} />
              </section>
            </div>
            <section className="ov-section" aria-label="Steps per rank">
              <div className="ov-table rk-table">
                <DataTable<StepRow>
                  name="rank-steps" columns={STEP_COLUMNS} rows={rows} rowKey={(r) => r.key}
                  activeKey={picked} onActivate={pick} empty="No steps."
                />
              </div>
            </section>
            <section className="ov-section" aria-label="Collectives">
              <h3>
                Collectives <span className="ov-muted">matched across ranks by {d.matchedBy}; {d.collectives.length} in all, {d.shared} on two ranks or more. Click one to highlight it on every rank.</span>
              </h3>
              <div className="ov-table rk-table">
                <DataTable<CollectiveRow>
                  name="collectives" columns={collectiveColumns(d)} rows={cRows} rowKey={(r) => r.key}
                  activeKey={highlight ? pickedC : null} onActivate={pickC}
                  empty="No NCCL kernels in these traces: no collectives to match."
                  initialSort={[{ id: 'n', desc: false }]}
                />
              </div>
            </section>
          </>
        )}
      </div>
    </TableState>
  );
}
