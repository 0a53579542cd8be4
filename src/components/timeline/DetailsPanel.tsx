// Details of the selected slice: what and where it is, its self time, GPU kernel launch
// parameters, its launch links with their latency, the GPU work launched inside it, the slices
// enclosing it, its other flows (buttons select the other end), and, fetched on demand, every
// arg of the event.
// Re-renders only when the selection (or the loaded traces) change. Trace text is rendered
// as React text only.

import { memo, useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { formatBytes } from '../../lib/format.ts';
import type { TraceModel } from '../../model/types.ts';
import type { LoadedTrace, SliceRef } from '../../store/app-store.ts';
import { useAppStore, useAppStoreApi } from '../../store/hooks.tsx';
import { formatDuration, formatTimestamp } from '../../lib/time-format.ts';
import type { LinkedSlice, SliceAnalysis } from '../../analysis/details.ts';
import { ROLE_OPERATOR, roleOfCategory } from '../../analysis/roles.ts';
import { CounterDetails } from './CounterDetails.tsx';
import { argText, kernelInfo, sliceFlows, type FlowEnd, type KernelInfo } from './details-data.ts';
import { selectAndReveal } from './reveal.ts';
import { durationText, findTrace, sliceInfo, type SliceInfo } from './slice-info.ts';
import { useSliceAnalysis, type SliceAnalysisState } from './useSliceAnalysis.ts';
import './timeline.css';

export interface DetailsPanelProps {
  /** Reads the full event of a slice (the worker re-reads it from the file). */
  fetchEvent?: (sliceIndex: number, traceId: string) => Promise<Record<string, unknown>>;
  className?: string;
}

export const DETAILS_MIN_WIDTH = 220;
export const DETAILS_MAX_WIDTH = 900;
export const DETAILS_DEFAULT_WIDTH = 340;
/** The timeline keeps at least this much of the window when the panel is dragged wide. */
const TIMELINE_MIN_WIDTH = 480; // the track headers (240 px) and as much canvas
const KEY_STEP = 16;
const WIDTH_KEY = 'kinetoscope.details.width';
const COLLAPSED_KEY = 'kinetoscope.details.collapsed';

function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled
  }
}
function writeStored(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage disabled or full: the panel still works, it only forgets
  }
}

function maxWidth(): number {
  const room = typeof window === 'undefined' ? DETAILS_MAX_WIDTH : window.innerWidth - TIMELINE_MIN_WIDTH;
  return Math.max(DETAILS_MIN_WIDTH, Math.min(DETAILS_MAX_WIDTH, room));
}
function clampWidth(w: number): number {
  return Math.round(Math.min(maxWidth(), Math.max(DETAILS_MIN_WIDTH, w)));
}

/**
 * The panel's frame: a splitter on its left edge (drag it, or focus it and use ←/→, Home/End,
 * Enter to collapse) and a collapse button. Width and collapsed state persist in localStorage.
 */
export function DetailsPanel({ fetchEvent, className }: DetailsPanelProps) {
  const theme = useAppStore((s) => s.theme);
  const [width, setWidth] = useState(() => clampWidth(Number(readStored(WIDTH_KEY)) || DETAILS_DEFAULT_WIDTH));
  const [collapsed, setCollapsed] = useState(() => readStored(COLLAPSED_KEY) === 'true');
  const drag = useRef<{ id: number; x0: number; w0: number } | null>(null);

  const resize = useCallback((w: number) => {
    const next = clampWidth(w);
    setWidth(next);
    writeStored(WIDTH_KEY, String(next));
  }, []);
  const toggle = useCallback(() => {
    setCollapsed((c) => {
      writeStored(COLLAPSED_KEY, String(!c));
      return !c;
    });
  }, []);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0 || collapsed) return;
    e.preventDefault(); // no text selection while dragging
    e.currentTarget.setPointerCapture?.(e.pointerId);
    drag.current = { id: e.pointerId, x0: e.clientX, w0: width };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const d = drag.current;
    if (d && e.pointerId === d.id) resize(d.w0 + d.x0 - e.clientX); // the handle is the left edge
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>): void => {
    if (drag.current?.id === e.pointerId) drag.current = null;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const step = e.shiftKey ? KEY_STEP * 4 : KEY_STEP;
    let handled = true;
    if (e.key === 'Enter') toggle();
    else if (collapsed) handled = false;
    else if (e.key === 'ArrowLeft') resize(width + step);
    else if (e.key === 'ArrowRight') resize(width - step);
    else if (e.key === 'Home') resize(DETAILS_MIN_WIDTH);
    else if (e.key === 'End') resize(maxWidth());
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation(); // the timeline's own arrow keys
    }
  };

  return (
    <aside
      className={`kt-details${collapsed ? ' kt-details-collapsed' : ''}${className ? ` ${className}` : ''}`}
      style={collapsed ? undefined : { width, flexBasis: width }}
      data-theme={theme}
      aria-label="Details of the selected slice"
      data-testid="details"
    >
      <div
        className="kt-details-handle"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the details panel"
        aria-controls="kt-details-body"
        aria-valuenow={collapsed ? 0 : width}
        aria-valuemin={DETAILS_MIN_WIDTH}
        aria-valuemax={maxWidth()}
        aria-valuetext={collapsed ? 'collapsed' : `${width} px`}
        tabIndex={0}
        data-testid="details-handle"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
      />
      <div className="kt-details-bar">
        <span className="kt-details-title">Details</span>
        <button
          type="button"
          className="kt-details-toggle"
          aria-expanded={!collapsed}
          aria-controls="kt-details-body"
          aria-label={collapsed ? 'Show the details panel' : 'Hide the details panel'}
          title={collapsed ? 'Show the details panel' : 'Hide the details panel'}
          onClick={toggle}
          data-testid="details-toggle"
        >
          {collapsed ? '‹' : '›'}
        </button>
      </div>
      <div className="kt-details-body" id="kt-details-body" hidden={collapsed}>
        <DetailsContent {...(fetchEvent ? { fetchEvent } : {})} />
      </div>
    </aside>
  );
}

/** What the panel shows: a slice's details, else the selected counter sample, else a hint. */
const DetailsContent = memo(function DetailsContent({ fetchEvent }: Pick<DetailsPanelProps, 'fetchEvent'>) {
  const selection = useAppStore((s) => s.selection);
  const traces = useAppStore((s) => s.traces);
  const trace = selection ? findTrace(traces, selection.trace) : null;
  const info = trace && selection ? sliceInfo(trace.model, selection.slice) : null;
  if (!trace || !selection || !info) return <CounterDetails empty={<p className="kt-empty">Click a slice to see its details.</p>} />;
  return <SliceDetails trace={trace} slice={selection.slice} info={info} showTrace={traces.length > 1} {...(fetchEvent ? { fetchEvent } : {})} />;
});

interface SliceDetailsProps extends Pick<DetailsPanelProps, 'fetchEvent'> {
  trace: LoadedTrace;
  slice: number;
  info: SliceInfo;
  showTrace: boolean;
}

/** One section per kind of detail (add new ones as siblings). */
function SliceDetails({ trace, slice, info, showTrace, fetchEvent }: SliceDetailsProps) {
  const model = trace.model;
  const { links, analysis } = useSliceAnalysis(model, slice);
  const linked = new Set<number>(links.launched.map((l) => l.slice));
  if (links.launch) linked.add(links.launch.slice);
  return (
    <>
      <h2>{info.name}</h2>
      <KeyValues
        rows={[
          ['Category', info.category || '—'],
          ['Start', formatTimestamp(info.start)],
          ['Duration', durationText(info)],
          ...(info.instant ? [] : ([['Self', analysis ? selfText(analysis.selfUs, info.dur) : 'working out…']] as [string, ReactNode][])),
          ['Track', info.track],
          ['Process', info.process],
          ...(showTrace ? ([['Trace', trace.name]] as [string, ReactNode][]) : []),
        ]}
      />
      <KernelSection info={kernelInfo(model, slice)} />
      <LaunchSection traceId={trace.id} info={info} links={links} />
      <GpuInsideSection info={info} analysis={analysis} hasGpu={model.kernels.slice.length > 0} />
      <ParentsSection model={model} traceId={trace.id} analysis={analysis} />
      <FlowsSection model={model} traceId={trace.id} slice={slice} info={info} skip={linked} />
      {fetchEvent && <ArgsSection fetchEvent={fetchEvent} selection={{ trace: trace.id, slice }} />}
    </>
  );
}

/** "1.2 ms (40 %)": self time and its share of the duration. */
function selfText(selfUs: number, durUs: number): string {
  const self = formatDuration(Math.max(0, selfUs));
  return durUs > 0 ? `${self} (${+((100 * Math.max(0, selfUs)) / durUs).toFixed(1)} %)` : self;
}

/** A button that selects and reveals another slice; the name is cut with an ellipsis when `truncate`. */
function SliceLink({ traceId, slice, name, truncate = false }: { traceId: string; slice: number; name: string; truncate?: boolean }) {
  const store = useAppStoreApi();
  return (
    <button
      type="button"
      className={truncate ? 'kt-link kt-link-cut' : 'kt-link'}
      aria-label={`Select ${name}`}
      title={truncate ? name : undefined}
      onClick={() => selectAndReveal(store, { trace: traceId, slice })}
    >
      {name}
    </button>
  );
}

/** For a GPU event, the runtime call that launched it; for a launch call, the GPU events it launched. */
function LaunchSection({ traceId, info, links }: { traceId: string; info: SliceInfo; links: SliceAnalysisState['links'] }) {
  const item = (l: LinkedSlice) => (
    <li key={l.slice}>
      <SliceLink traceId={traceId} slice={l.slice} name={l.name} />
      <span className="kt-flow-meta">
        latency {formatDuration(l.latencyUs)} · {l.track}
      </span>
    </li>
  );
  if (info.gpu) {
    return (
      <section aria-label="Launched by">
        <h3>Launched by</h3>
        {links.launch ? <ul className="kt-flows">{item(links.launch)}</ul> : <p className="kt-empty">No launch call found: no runtime call shares its correlation id.</p>}
      </section>
    );
  }
  if (!info.launch) return null;
  return (
    <section aria-label="Launched">
      <h3>Launched</h3>
      {links.launched.length > 0 ? <ul className="kt-flows">{links.launched.map(item)}</ul> : <p className="kt-empty">None found: no GPU event shares its correlation id.</p>}
    </section>
  );
}

/** For a CPU op (or any slice with launches inside it): the GPU events launched from inside it. */
function GpuInsideSection({ info, analysis, hasGpu }: { info: SliceInfo; analysis: SliceAnalysis | null; hasGpu: boolean }) {
  if (!analysis || info.gpu || info.launch) return null;
  const inside = analysis.gpuInside;
  if (!inside && !(hasGpu && roleOfCategory(info.category) === ROLE_OPERATOR)) return null;
  return (
    <section aria-label="GPU work inside">
      <h3>GPU work inside</h3>
      {inside ? (
        <p className="kt-gpu-inside">
          {inside.count} GPU {inside.count === 1 ? 'event' : 'events'}, {formatDuration(inside.deviceUs)} device time
        </p>
      ) : (
        <p className="kt-empty">Nothing launched from inside it.</p>
      )}
    </section>
  );
}

/** The enclosing slices, the outermost first, each a button to go there. */
function ParentsSection({ model, traceId, analysis }: { model: TraceModel; traceId: string; analysis: SliceAnalysis | null }) {
  let body: ReactNode;
  if (!analysis) body = <p className="kt-empty">Working out the nesting…</p>;
  else if (analysis.parents.length === 0) body = <p className="kt-empty">None: it is at the top of its track.</p>;
  else {
    body = (
      <ol className="kt-parents">
        {analysis.parents.map((p, level) => (
          <li key={p} style={{ paddingLeft: Math.min(level, MAX_INDENT) * 8 }}>
            <SliceLink traceId={traceId} slice={p} name={model.strings[model.slices.name[p]!] ?? ''} truncate />
            <span className="kt-parent-dur">{formatDuration(model.slices.dur[p]!)}</span>
          </li>
        ))}
      </ol>
    );
  }
  return (
    <section aria-label="Parents" aria-busy={!analysis}>
      <h3>Parents</h3>
      {body}
    </section>
  );
}

/** Deeper parents are indented no further than this many levels. */
const MAX_INDENT = 8;

function KeyValues({ rows, mono = false }: { rows: [string, ReactNode][]; mono?: boolean }) {
  return (
    <table className="kt-kv">
      <tbody>
        {rows.map(([k, v], i) => (
          <tr key={`${i}:${k}`}>
            <th scope="row">{k}</th>
            <td className={mono ? 'kt-mono' : undefined}>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const num = (v: number, suffix = ''): string => (Number.isFinite(v) ? `${+v.toFixed(2)}${suffix}` : '—');
const dims = (d: [number, number, number]): string => d.map((x) => (Number.isFinite(x) ? String(x) : '?')).join(' × ');

function KernelSection({ info }: { info: KernelInfo | null }) {
  if (!info) return null;
  return (
    <section aria-label="Kernel launch">
      <h3>Kernel</h3>
      <KeyValues
        rows={[
          ['Grid', dims(info.grid)],
          ['Block', dims(info.block)],
          ['Registers per thread', num(info.registers)],
          ['Shared memory', Number.isFinite(info.sharedMemory) ? formatBytes(info.sharedMemory) : '—'],
          ['Blocks per SM', num(info.blocksPerSm)],
          ['Warps per SM', num(info.warpsPerSm)],
          ['Est. achieved occupancy', num(info.occupancy, ' %')],
          [
            'Est. SM efficiency',
            info.smEfficiency === null ? '— (no SM count in the trace)' : `${+(info.smEfficiency * 100).toFixed(1)} % (${info.blocks} blocks on ${info.numSms} SMs)`,
          ],
          ['Device / stream', `${num(info.device)} / ${num(info.stream)}`],
        ]}
      />
    </section>
  );
}

/** Flows other than the launch links shown above (`skip`: the slices those lead to). */
function FlowsSection({ model, traceId, slice, info, skip }: { model: TraceModel; traceId: string; slice: number; info: SliceInfo; skip: ReadonlySet<number> }) {
  const store = useAppStoreApi();
  const all = sliceFlows(model, slice);
  const flows = { ...all, incoming: all.incoming.filter((f) => !skip.has(f.other)), outgoing: all.outgoing.filter((f) => !skip.has(f.other)) };
  if (flows.incoming.length === 0 && flows.outgoing.length === 0) return null;
  const item = (f: FlowEnd, dir: 'in' | 'out') => {
    const other = sliceInfo(model, f.other);
    const name = other?.name ?? `slice ${f.other}`;
    // A flow event from a runtime call to a GPU event is a launch too (when it has no correlation link).
    const launchLink = dir === 'in' ? info.gpu && other?.launch === true : info.launch && other?.gpu === true;
    let meta: string;
    if (dir === 'in') meta = launchLink ? `launched by ${name}, ${formatDuration(f.delta)} earlier` : relative(f.delta, 'earlier', 'later');
    else meta = launchLink ? `kernel starts ${formatDuration(-f.delta)} later` : relative(-f.delta, 'later', 'earlier');
    return (
      <li key={`${dir}:${f.other}`}>
        <button type="button" className="kt-link" aria-label={`Select ${name}`} onClick={() => selectAndReveal(store, { trace: traceId, slice: f.other })}>
          {name}
        </button>
        <span className="kt-flow-meta">{meta}{other ? ` · ${other.track}` : ''}</span>
      </li>
    );
  };
  return (
    <section aria-label="Flows">
      {flows.incoming.length > 0 && (
        <>
          <h3>Incoming flows</h3>
          <ul className="kt-flows">{flows.incoming.map((f) => item(f, 'in'))}</ul>
        </>
      )}
      {flows.outgoing.length > 0 && (
        <>
          <h3>Outgoing flows</h3>
          <ul className="kt-flows">{flows.outgoing.map((f) => item(f, 'out'))}</ul>
        </>
      )}
      {flows.truncated && <p className="kt-empty">More flows not listed.</p>}
    </section>
  );
}

function relative(us: number, positive: string, negative: string): string {
  return `${formatDuration(Math.abs(us))} ${us >= 0 ? positive : negative}`;
}

type ArgsState =
  | { key: string; status: 'loading' }
  | { key: string; status: 'ok'; event: Record<string, unknown> }
  | { key: string; status: 'error'; message: string };

function ArgsSection({ fetchEvent, selection }: { fetchEvent: NonNullable<DetailsPanelProps['fetchEvent']>; selection: SliceRef }) {
  const key = `${selection.trace}:${selection.slice}`;
  const [state, setState] = useState<ArgsState>({ key, status: 'loading' });

  useEffect(() => {
    // A stale result (another key) renders as loading, so no reset is needed here.
    let live = true;
    fetchEvent(selection.slice, selection.trace).then(
      (event) => live && setState({ key, status: 'ok', event }),
      (e: unknown) => live && setState({ key, status: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [fetchEvent, key, selection.slice, selection.trace]);

  let body: ReactNode;
  if (state.key !== key || state.status === 'loading') body = <p className="kt-empty">Reading the event…</p>;
  else if (state.status === 'error') body = <p className="kt-error" role="status">Could not read the event: {state.message}</p>;
  else {
    const { args, ...rest } = state.event;
    const argRows: [string, ReactNode][] =
      args && typeof args === 'object' && !Array.isArray(args) ? Object.entries(args as Record<string, unknown>).map(([k, v]) => [k, argText(v)]) : [];
    const restRows: [string, ReactNode][] = Object.entries(rest).map(([k, v]) => [k, argText(v)]);
    body = (
      <>
        {argRows.length > 0 ? <KeyValues rows={argRows} mono /> : <p className="kt-empty">No args.</p>}
        <h3>Event</h3>
        <KeyValues rows={restRows} mono />
      </>
    );
  }
  return (
    <section aria-label="Arguments" aria-busy={state.status === 'loading'}>
      <h3>Args</h3>
      {body}
    </section>
  );
}
