// Plain data for one counter sample (the hovered or selected one): the tooltip and the
// details panel read it. A sample holds from its time until the next sample.

import { formatBytes, formatCount } from '../../lib/format.ts';
import type { CounterRef, LoadedTrace } from '../../store/app-store.ts';
import { findTrace } from './slice-info.ts';

export interface CounterSampleInfo {
  name: string;
  process: string;
  time: number;
  value: number;
  /** The samples before and after (sample indexes), or null at the ends. */
  prev: { sample: number; time: number; value: number } | null;
  next: { sample: number; time: number; value: number } | null;
  unit?: 'bytes';
}

export function counterInfo(traces: readonly LoadedTrace[], ref: CounterRef | null): CounterSampleInfo | null {
  if (!ref) return null;
  const m = findTrace(traces, ref.trace)?.model;
  const s = m?.counters[ref.counter];
  if (!m || !s || !(ref.sample >= 0 && ref.sample < s.times.length)) return null;
  const at = (i: number) => (i >= 0 && i < s.times.length ? { sample: i, time: s.times[i]!, value: s.values[i]! } : null);
  const track = m.tracks[s.track];
  return {
    name: s.name,
    process: track ? m.processes[track.process]?.name ?? '' : '',
    time: s.times[ref.sample]!,
    value: s.values[ref.sample]!,
    prev: at(ref.sample - 1),
    next: at(ref.sample + 1),
    ...(s.unit ? { unit: s.unit } : {}),
  };
}

/**
 * A counter value in full: integers grouped ("1,048,576"), others to 6 significant digits;
 * bytes also in 1024-based units ("1.0 MB (1,048,576 bytes)").
 */
export function formatCounterValue(v: number, unit?: 'bytes'): string {
  if (unit === 'bytes') return `${v < 0 ? `−${formatBytes(-v)}` : formatBytes(v)} (${formatCount(v)} bytes)`;
  if (Number.isInteger(v)) return formatCount(v);
  return String(+v.toPrecision(6));
}

/** A change between two values, signed: "+3", "−1,024". */
export function formatChange(d: number): string {
  return d > 0 ? `+${formatCounterValue(d)}` : d < 0 ? `−${formatCounterValue(-d)}` : '±0';
}
