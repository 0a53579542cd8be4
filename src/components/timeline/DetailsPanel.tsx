// Details of the selected slice: what and where it is, GPU kernel launch parameters, its
// flows (buttons that select the other end), and, fetched on demand, every arg of the event.
// Re-renders only when the selection (or the loaded traces) change. Trace text is rendered
// as React text only.

import { useEffect, useState, type ReactNode } from 'react';
import { formatBytes } from '../../lib/format.ts';
import type { TraceModel } from '../../model/types.ts';
import type { SliceRef } from '../../store/app-store.ts';
import { useAppStore, useAppStoreApi } from '../../store/hooks.tsx';
import { formatDuration, formatTimestamp } from '../../render/time-scale.ts';
import { CounterDetails } from './CounterDetails.tsx';
import { argText, kernelInfo, sliceFlows, type FlowEnd, type KernelInfo } from './details-data.ts';
import { selectAndReveal } from './reveal.ts';
import { durationText, findTrace, sliceInfo } from './slice-info.ts';
import './timeline.css';

export interface DetailsPanelProps {
  /** Reads the full event of a slice (the worker re-reads it from the file). */
  fetchEvent?: (sliceIndex: number, traceId: string) => Promise<Record<string, unknown>>;
  className?: string;
}

export function DetailsPanel({ fetchEvent, className }: DetailsPanelProps) {
  const selection = useAppStore((s) => s.selection);
  const traces = useAppStore((s) => s.traces);
  const theme = useAppStore((s) => s.theme);
  const trace = selection ? findTrace(traces, selection.trace) : null;
  const info = trace && selection ? sliceInfo(trace.model, selection.slice) : null;

  return (
    <aside className={`kt-details${className ? ` ${className}` : ''}`} data-theme={theme} aria-label="Details of the selected slice" data-testid="details">
      {!trace || !selection || !info ? (
        <CounterDetails empty={<p className="kt-empty">Click a slice to see its details.</p>} />
      ) : (
        <>
          <h2>{info.name}</h2>
          <KeyValues
            rows={[
              ['Category', info.category || '—'],
              ['Start', formatTimestamp(info.start)],
              ['Duration', durationText(info)],
              ['Track', info.track],
              ['Process', info.process],
              ...(traces.length > 1 ? ([['Trace', trace.name]] as [string, ReactNode][]) : []),
            ]}
          />
          <KernelSection info={kernelInfo(trace.model, selection.slice)} />
          <FlowsSection model={trace.model} traceId={trace.id} slice={selection.slice} gpu={info.gpu} />
          {fetchEvent && <ArgsSection fetchEvent={fetchEvent} selection={selection} />}
        </>
      )}
    </aside>
  );
}

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

function FlowsSection({ model, traceId, slice, gpu }: { model: TraceModel; traceId: string; slice: number; gpu: boolean }) {
  const store = useAppStoreApi();
  const flows = sliceFlows(model, slice);
  if (flows.incoming.length === 0 && flows.outgoing.length === 0) return null;
  const item = (f: FlowEnd, dir: 'in' | 'out') => {
    const other = sliceInfo(model, f.other);
    const name = other?.name ?? `slice ${f.other}`;
    const launchLink = f.kind === 2 || (dir === 'in' ? gpu : other?.gpu === true);
    let meta: string;
    if (dir === 'in') meta = launchLink && gpu ? `launched by ${name}, ${formatDuration(f.delta)} earlier` : relative(f.delta, 'earlier', 'later');
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
