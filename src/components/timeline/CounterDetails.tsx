// The selected counter sample in the details panel: series, value, time, and the samples
// before and after it (buttons that select them). Trace text is rendered as React text only.

import type { ReactNode } from 'react';
import { useAppStore, useAppStoreApi } from '../../store/hooks.tsx';
import { formatDuration, formatTimestamp } from '../../lib/time-format.ts';
import { counterInfo, formatChange, formatCounterValue } from './counter-info.ts';
import { select } from '../../store/actions.ts';

/** Shows `empty` when no counter sample is selected. */
export function CounterDetails({ empty }: { empty: ReactNode }) {
  const ref = useAppStore((s) => s.counterSelection);
  const traces = useAppStore((s) => s.traces);
  const store = useAppStoreApi();
  const info = counterInfo(traces, ref);
  if (!ref || !info) return empty;
  const neighbour = (label: string, n: CounterSampleNeighbour | null, delta: (v: number) => number, dt: string) =>
    n && (
      <tr>
        <th scope="row">{label}</th>
        <td>
          <button type="button" className="kt-link" aria-label={`Select the ${label.toLowerCase()} sample`} onClick={() => select(store, null, { ...ref, sample: n.sample })}>
            {formatCounterValue(n.value, info.unit)}
          </button>
          <span className="kt-flow-meta">
            {' '}({formatChange(delta(n.value))}) at {formatTimestamp(n.time)}, {formatDuration(Math.abs(n.time - info.time))} {dt}
          </span>
        </td>
      </tr>
    );
  return (
    <section aria-label="Counter sample" data-testid="counter-details">
      <h2>{info.name}</h2>
      <table className="kt-kv">
        <tbody>
          <tr>
            <th scope="row">Value</th>
            <td>{formatCounterValue(info.value, info.unit)}</td>
          </tr>
          <tr>
            <th scope="row">Time</th>
            <td>{formatTimestamp(info.time)}</td>
          </tr>
          <tr>
            <th scope="row">Held for</th>
            <td>{info.next ? formatDuration(info.next.time - info.time) : 'until the end'}</td>
          </tr>
          {info.process && (
            <tr>
              <th scope="row">Process</th>
              <td>{info.process}</td>
            </tr>
          )}
          {neighbour('Previous', info.prev, (v) => info.value - v, 'earlier')}
          {neighbour('Next', info.next, (v) => v - info.value, 'later')}
        </tbody>
      </table>
    </section>
  );
}

type CounterSampleNeighbour = { sample: number; time: number; value: number };
