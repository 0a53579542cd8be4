// The Overview tab: where each step's time goes (the TensorBoard plugin's breakdown, a stacked
// bar per step and a table) and per GPU device its utilization, estimated SM efficiency and
// achieved occupancy (analysis/overview.ts). A bar or a row zooms the timeline to its step.

import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import { scaleBand, scaleLinear } from 'd3-scale';
import type { DeviceFigures, Overview } from '../../analysis/overview.ts';
import { BREAKDOWN_KEYS, WHOLE_TRACE, type BreakdownKey, type Step } from '../../analysis/steps.ts';
import { overviewFor } from '../../actions/analysis.ts';
import { formatBytes, formatMicros } from '../../lib/format.ts';
import { setView } from '../../store/actions.ts';
import type { AppStore, LoadedTrace } from '../../store/app-store.ts';
import { useAppStoreApi } from '../../store/hooks.tsx';
import { clampView, viewLimits } from '../timeline/view-math.ts';
import { viewSpan } from '../../store/trace-time.ts';
import { DataTable } from './DataTable.tsx';
import type { ColumnSpec } from './table-format.ts';
import { TableState, useTabTrace } from './tabs.tsx';
import { useAsync } from './useAsync.ts';

export const CATEGORY_LABEL: Record<BreakdownKey, string> = {
  kernel: 'Kernel',
  memcpy: 'Memcpy',
  memset: 'Memset',
  communication: 'Communication',
  runtime: 'Runtime',
  dataLoader: 'DataLoader',
  cpuExec: 'CPU Exec',
  other: 'Other',
};

const CATEGORY_HELP: Record<BreakdownKey, string> = {
  kernel: 'GPU kernels, except NCCL ones',
  memcpy: 'GPU memory copies not under a kernel',
  memset: 'GPU memsets not under a kernel or copy',
  communication: 'NCCL kernels (name contains "nccl") not under the above',
  runtime: 'CUDA runtime and driver calls on the CPU while no GPU work above runs',
  dataLoader: 'enumerate(DataLoader)#…__next__ and enumerate(DataPipe)#… slices, the rest of the time',
  cpuExec: 'CPU operators, annotations and Python functions, the rest of the time',
  other: 'Time in the step covered by none of the above',
};

interface StepRow {
  k: number;
  step: Step;
  bd: Overview['breakdowns'][number];
}

/** Zooms the timeline to the step (exactly its span, within the view's limits). */
function zoomToStep(store: AppStore, trace: LoadedTrace, step: Step): void {
  setView(store, clampView(viewSpan(trace, { start: step.start, end: step.end }), viewLimits(store.getState().traces)));
}

const shortName = (name: string): string => (name.startsWith('ProfilerStep#') ? `#${name.slice('ProfilerStep#'.length)}` : name);
const pct = (v: number, of: number): string => `${(of > 0 ? (100 * v) / of : 0).toFixed(1)} %`;

export function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const ro = new ResizeObserver(() => setW(el.clientWidth));
    ro.observe(el);
    setW(el.clientWidth);
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}

const CHART_H = 170;
const M = { top: 8, right: 8, bottom: 22, left: 64 };

/**
 * The stacked bars, one SVG path per category whatever the number of steps (a long trace has
 * thousands: an element per bar made the tab slow to open and to leave). The chart is one tab
 * stop: the pointer or the arrow keys pick the current step (outlined, its breakdown in the
 * tooltip), a click or Enter zooms to it.
 */
function StepChart({ rows, onPick }: { rows: StepRow[]; onPick: (r: StepRow) => void }) {
  const [ref, width] = useWidth();
  const [cur, setCur] = useState<{ k: number; x: number; y: number; key: BreakdownKey | null } | null>(null);
  const w = Math.max(120, width);
  const plotW = w - M.left - M.right;
  // Bars thinner than 3 px lose their gaps, or the gaps would be all one sees.
  const x = scaleBand<number>().domain(rows.map((r) => r.k)).range([M.left, w - M.right]).padding(plotW / Math.max(1, rows.length) < 3 ? 0 : 0.2);
  const max = Math.max(1e-9, ...rows.map((r) => r.step.end - r.step.start));
  const y = scaleLinear().domain([0, max]).nice(4).range([CHART_H - M.bottom, M.top]);
  const ticks = y.ticks(4);
  const barW = Math.min(x.bandwidth(), 72); // a lone step is a bar, not a wall
  const barX = (k: number): number => x(k)! + (x.bandwidth() - barW) / 2;
  // Step labels that fit: every n-th.
  const every = Math.max(1, Math.ceil(34 / Math.max(1, x.step())));
  // (made again only when the steps or the width change: not on every pointer move)
  const paths = useMemo(
    () => {
      const out = BREAKDOWN_KEYS.map((key) => ({ key, d: [] as string[], bars: 0 }));
      const bw = barW.toFixed(2);
      for (const r of rows) {
        let below = 0;
        const x0 = barX(r.k).toFixed(2);
        BREAKDOWN_KEYS.forEach((key, c) => {
          const v = r.bd[key];
          if (!(v > 0)) return;
          const top = y(below + v);
          const h = Math.max(0, y(below) - top);
          below += v;
          out[c]!.d.push(`M${x0},${top.toFixed(2)}h${bw}v${h.toFixed(2)}h-${bw}z`);
          out[c]!.bars++;
        });
      }
      return out.map((p) => ({ key: p.key, d: p.d.join(''), bars: p.bars }));
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- x, y, barW and barX follow from rows and w
    [rows, w],
  );
  /** The step under a chart x (CSS px), and the category under y; null outside the bars' bands. */
  const hit = (px: number, py: number): { k: number; key: BreakdownKey | null } | null => {
    if (rows.length === 0 || px < M.left || px >= w - M.right) return null;
    const step = x.step();
    const k = Math.min(rows.length - 1, Math.max(0, Math.floor((px - x(0)! + (step - x.bandwidth()) / 2) / step)));
    const r = rows[k]!;
    let acc = 0;
    let key: BreakdownKey | null = null;
    for (const c of BREAKDOWN_KEYS) {
      const v = r.bd[c];
      if (v > 0 && py <= y(acc) && py >= y(acc + v)) key = c;
      acc += v;
    }
    return { k, key };
  };
  const at = (e: ReactPointerEvent | ReactMouseEvent): { k: number; key: BreakdownKey | null; x: number; y: number } | null => {
    const box = ref.current!.getBoundingClientRect();
    const px = e.clientX - box.left;
    const py = e.clientY - box.top;
    const h = hit(px, py);
    return h && { ...h, x: px, y: py };
  };
  const moveTo = (k: number): void => {
    const kk = Math.max(0, Math.min(rows.length - 1, k));
    setCur({ k: kk, key: null, x: barX(kk) + barW / 2, y: M.top + 20 });
  };
  const onKey = (e: KeyboardEvent): void => {
    const k = cur?.k ?? -1;
    const page = Math.max(1, Math.floor(rows.length / 10));
    const moves: Record<string, number> = { ArrowRight: k + 1, ArrowLeft: k - 1, Home: 0, End: rows.length - 1, PageDown: k + page, PageUp: k - page };
    if (e.key in moves) {
      e.preventDefault();
      moveTo(k < 0 && (e.key === 'ArrowRight' || e.key === 'ArrowLeft') ? 0 : moves[e.key]!);
    } else if ((e.key === 'Enter' || e.key === ' ') && cur) {
      e.preventDefault();
      onPick(rows[cur.k]!);
    } else if (e.key === 'Escape' && cur) {
      e.stopPropagation();
      setCur(null);
    }
  };
  const tr = cur ? rows[cur.k] : undefined;
  const total = tr ? tr.step.end - tr.step.start : 0;
  return (
    <div className="ov-chart" ref={ref}>
      <svg
        width={w} height={CHART_H} data-testid="overview-chart" data-steps={rows.length} tabIndex={0} role="slider"
        aria-label={`Step time by category, one stacked bar per step (${rows.length}). Left and Right pick a step, Enter zooms the timeline to it`}
        aria-valuemin={1} aria-valuemax={rows.length} aria-valuenow={(cur?.k ?? 0) + 1}
        aria-valuetext={tr ? `${tr.step.name}: ${formatMicros(total)}` : undefined}
        onPointerMove={(e) => { const h = at(e); setCur(h); }}
        onPointerLeave={() => setCur(null)}
        onClick={(e) => { const h = at(e); if (h) onPick(rows[h.k]!); }}
        onKeyDown={onKey}
        onFocus={() => { if (!cur && rows.length > 0) moveTo(0); }}
        onBlur={() => setCur(null)}
      >
        {ticks.map((t) => (
          <g key={t} className="ov-tick" transform={`translate(0, ${y(t)})`}>
            <line x1={M.left} x2={w - M.right} />
            <text x={M.left - 6} dy="0.32em" textAnchor="end">{formatMicros(t)}</text>
          </g>
        ))}
        <line className="ov-axis" x1={M.left} x2={w - M.right} y1={y(0)} y2={y(0)} />
        {tr && <rect className="ov-hit" data-testid="overview-current" data-step={cur!.k} x={x(cur!.k)! - (x.step() - x.bandwidth()) / 2} width={x.step()} y={M.top} height={CHART_H - M.bottom - M.top} />}
        {paths.map((p) => (p.bars > 0 ? <path key={p.key} className={`ov-seg ov-${p.key}`} data-testid="overview-seg" data-key={p.key} data-bars={p.bars} d={p.d} /> : null))}
        {rows.map((r) => (r.k % every === 0 ? <text key={r.k} className="ov-label" x={barX(r.k) + barW / 2} y={CHART_H - M.bottom + 14} textAnchor="middle">{shortName(r.step.name)}</text> : null))}
      </svg>
      {cur && tr && (
        <div className="ov-tip" role="tooltip" style={{ left: Math.max(0, Math.min(cur.x + 12, w - 240)), top: cur.y + 12 }} data-testid="overview-tip">
          <div className="ov-tip-title">{tr.step.name} <span className="ov-muted">{formatMicros(total)}</span></div>
          {BREAKDOWN_KEYS.filter((key) => tr.bd[key] > 0).map((key) => (
            <div key={key} className={key === cur.key ? 'ov-tip-hot' : undefined}>
              <span className={`ov-swatch ov-${key}`} /> {CATEGORY_LABEL[key]}: {formatMicros(tr.bd[key])} ({pct(tr.bd[key], total)})
            </div>
          ))}
          <div className="ov-muted">click or Enter to zoom to it</div>
        </div>
      )}
      <ul className="ov-legend" aria-label="Categories, in the order each takes its share">
        {BREAKDOWN_KEYS.map((key) => (
          <li key={key} title={CATEGORY_HELP[key]}><span className={`ov-swatch ov-${key}`} />{CATEGORY_LABEL[key]}</li>
        ))}
      </ul>
    </div>
  );
}

function DevicesTable({ devices, hasGpu }: { devices: DeviceFigures[]; hasGpu: boolean }) {
  if (devices.length === 0) {
    return <p className="ov-note" data-testid="overview-no-devices">{hasGpu ? 'No kernels in this trace: only copies or memsets ran on the GPU, so there are no device figures.' : 'No GPU work in this trace (no kernels, memcpy or memset): no device figures.'}</p>;
  }
  return (
    <div className="ov-devices">
      <table className="dt-configs" data-testid="overview-devices">
        <thead>
          <tr>
            <th>Device</th><th>Name</th><th className="num">SMs</th><th className="num">Memory</th>
            <th className="num" title="Merged kernel time in the steps ÷ the steps' time">GPU utilization</th>
            <th className="num" title="Time average of Σ min(1, blocks per SM) over running kernels, capped at 1">Est. SM efficiency</th>
            <th className="num" title="Kernels' est. achieved occupancy %, weighted by their time in the steps">Est. occupancy</th>
          </tr>
        </thead>
        <tbody>
          {devices.map((d) => (
            <tr key={d.device} data-testid="overview-device">
              <td>GPU {d.device}</td>
              <td>{d.name ?? '—'}{d.computeCapability ? ` (sm ${d.computeCapability})` : ''}</td>
              <td className="num">{d.numSms ?? '—'}</td>
              <td className="num">{d.totalGlobalMem === null ? '—' : formatBytes(d.totalGlobalMem)}</td>
              <td className="num">{d.utilizationPct.toFixed(1)} %</td>
              <td className="num">{d.smEfficiencyPct.toFixed(1)} %</td>
              <td className="num">{d.occupancyPct === null ? '—' : `${d.occupancyPct.toFixed(1)} %`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="ov-explain">
        <li><b>GPU utilization</b>: the share of the steps' time in which at least one kernel runs. High utilization can still leave most SMs idle.</li>
        <li><b>Est. SM efficiency</b>: the share of SMs kept busy, estimated per kernel as min(1, blocks ÷ SMs), added over overlapping kernels (at most 1), averaged over the steps' time.</li>
        <li><b>Est. achieved occupancy</b>: the kernels' resident warps ÷ the SM's maximum (Kineto's estimate), weighted by kernel time; — where the trace does not say.</li>
        <li>These follow the definitions of the retired TensorBoard PyTorch profiler plugin.</li>
      </ul>
    </div>
  );
}

function breakdownColumns(unit: 'us' | 'pct'): ColumnSpec<StepRow>[] {
  const cols: ColumnSpec<StepRow>[] = [
    { id: 'name', header: 'Step', kind: 'text', value: (r) => r.step.name },
    { id: 'start', header: 'Start', kind: 'us', value: (r) => r.step.start, help: 'From the trace start' },
    { id: 'dur', header: 'Step time', kind: 'us', value: (r) => r.step.end - r.step.start, help: 'From the step start (no earlier than the previous step end) to the end of its slice or of the GPU work it launched' },
  ];
  for (const key of BREAKDOWN_KEYS) {
    cols.push(
      unit === 'us'
        ? { id: key, header: CATEGORY_LABEL[key], kind: 'us', value: (r) => r.bd[key], help: CATEGORY_HELP[key], width: key === 'communication' ? 'minmax(124px, 1fr)' : undefined }
        : { id: key, header: CATEGORY_LABEL[key], kind: 'pct', width: key === 'communication' ? 'minmax(124px, 1fr)' : undefined, value: (r) => { const d = r.step.end - r.step.start; return d > 0 ? (100 * r.bd[key]) / d : 0; }, help: `${CATEGORY_HELP[key]}, in % of the step` },
    );
  }
  return cols;
}

const US_COLUMNS = breakdownColumns('us');
const PCT_COLUMNS = breakdownColumns('pct');

function Averages({ rows }: { rows: StepRow[] }) {
  const n = rows.length;
  const time = rows.reduce((a, r) => a + (r.step.end - r.step.start), 0) / n;
  return (
    <table className="dt-configs ov-avg" data-testid="overview-average">
      <thead>
        <tr><th>Average of {n} step{n === 1 ? '' : 's'}</th><th className="num">Step time</th>{BREAKDOWN_KEYS.map((k) => <th key={k} className="num"><span className={`ov-swatch ov-${k}`} />{CATEGORY_LABEL[k]}</th>)}</tr>
      </thead>
      <tbody>
        <tr>
          <td>µs</td><td className="num">{formatMicros(time)}</td>
          {BREAKDOWN_KEYS.map((k) => <td key={k} className="num">{formatMicros(rows.reduce((a, r) => a + r.bd[k], 0) / n)}</td>)}
        </tr>
        <tr>
          <td>% of step time</td><td className="num">100 %</td>
          {BREAKDOWN_KEYS.map((k) => <td key={k} className="num">{pct(rows.reduce((a, r) => a + r.bd[k], 0) / n, time)}</td>)}
        </tr>
      </tbody>
    </table>
  );
}

export function OverviewTab() {
  const store = useAppStoreApi();
  const [t, picker] = useTabTrace();
  const { value, busy, error } = useAsync(t ? () => overviewFor(t.model) : null, [t]);
  const [unit, setUnit] = useState<'us' | 'pct'>('us');
  const [picked, setPicked] = useState<number | null>(null);
  const rows: StepRow[] = useMemo(() => (value ? value.steps.map((step, k) => ({ k, step, bd: value.breakdowns[k]! })) : []), [value]);
  if (!t) return null;
  const pick = (r: StepRow): void => {
    setPicked(r.k);
    zoomToStep(store, t, r.step);
  };
  const whole = value !== null && value.steps.length === 1 && value.steps[0]!.name === WHOLE_TRACE;
  return (
    <TableState busy={busy} error={error}>
      <div className="overview" data-testid="overview">
        {value && <OverviewNotes trace={t} value={value} whole={whole} />}
        {busy && !value && <p className="dt-empty">Computing the steps and their breakdown…</p>}
        {value && (
          <>
            <div className="ov-top">
              <section className="ov-section ov-grow" aria-label="Step time breakdown">
                <h3>Step time breakdown <span className="ov-muted">(click a bar, or focus it and press Enter, to zoom to the step)</span></h3>
                <StepChart rows={rows} onPick={pick} />
              </section>
              <section className="ov-section" aria-label="GPU devices">
                <h3>GPU devices <span className="ov-muted">over the steps, {formatMicros(value.window.end - value.window.start)}</span></h3>
                <DevicesTable devices={value.devices} hasGpu={value.hasGpu} />
              </section>
            </div>
            <section className="ov-section" aria-label="Steps">
              <Averages rows={rows} />
              <div className="ov-table">
                <DataTable<StepRow>
                  key={unit} name="steps" columns={unit === 'us' ? US_COLUMNS : PCT_COLUMNS} rows={rows} rowKey={(r) => String(r.k)}
                  activeKey={picked === null ? null : String(picked)} onActivate={pick}
                  empty="No steps."
                  tools={
                    <>
                      <span className="segmented" role="group" aria-label="Show the categories in">
                        <button type="button" aria-pressed={unit === 'us'} onClick={() => setUnit('us')}>µs</button>
                        <button type="button" aria-pressed={unit === 'pct'} onClick={() => setUnit('pct')}>% of step</button>
                      </span>
                      {picker}
                    </>
                  }
                />
              </div>
            </section>
          </>
        )}
      </div>
    </TableState>
  );
}

function OverviewNotes({ trace, value, whole }: { trace: LoadedTrace; value: Overview; whole: boolean }) {
  const notes: string[] = [];
  if (!value.hasGpu) notes.push('No GPU work in this trace (no kernels, memcpy or memset): the overview is thin, only the CPU categories and Other can take time.');
  if (whole) notes.push('No ProfilerStep in this trace: the whole trace is one step (profile with torch.profiler.schedule and prof.step() to get one per iteration).');
  if (notes.length === 0) return null;
  return (
    <div className="ov-notes" data-testid="overview-note" title={trace.name}>
      {notes.map((n) => <p key={n}>{n}</p>)}
    </div>
  );
}
