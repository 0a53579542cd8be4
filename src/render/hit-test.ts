// What is under the mouse: canvas CSS px → layout item → slice row → slice, all by bisection.
// Pure geometry (no canvas), shared by the renderer's `hitTest` and the tests.

import { firstEndingAtOrAfter, firstStartingAfter } from '../index/row-index.ts';
import type { CounterRef, LoadedTrace, SliceRef } from '../store/app-store.ts';
import { toTrace } from '../store/trace-time.ts';
import type { TimeScale } from './time-scale.ts';
import { itemIndexAt, ROW_HEIGHT, RULER_HEIGHT, TRACK_PAD, type LayoutItem, type TrackLayout } from './track-layout.ts';

/**
 * The slice of row [lo, hi) nearest to time t, if it is within `tolUs` (0 when t is inside it);
 * -1 otherwise. A row is disjoint and sorted, so only two slices can be nearest: the first
 * one ending at or after t (it contains t, or is the next one to the right) and the one
 * before it (the last one to the left).
 */
export function sliceNear(start: Float64Array, dur: Float64Array, lo: number, hi: number, t: number, tolUs: number): number {
  const j = firstEndingAtOrAfter(start, dur, lo, hi, t);
  let best = -1;
  let bestDist = Infinity;
  if (j < hi) {
    const d = Math.max(0, start[j]! - t);
    if (d <= tolUs) {
      best = j;
      bestDist = d;
    }
  }
  if (j > lo) {
    const d = t - (start[j - 1]! + dur[j - 1]!);
    if (d <= tolUs && d < bestDist) best = j - 1;
  }
  return best;
}

/** The row of a slice track at layout y, or -1 in the padding / outside. */
export function rowAt(itemY: number, rows: number, y: number): number {
  const r = Math.floor((y - itemY - TRACK_PAD / 2) / ROW_HEIGHT);
  return r >= 0 && r < rows ? r : -1;
}

/**
 * The slice at canvas CSS point (x, y), or null; `scale` is the view's (each trace's offset
 * is applied here) (ruler, headers, counters, summaries, gaps).
 * `tolPx` lets a click land on a slice narrower than the pointer.
 */
export function hitTestAt(
  traces: readonly LoadedTrace[],
  layout: TrackLayout,
  scale: TimeScale,
  scrollY: number,
  x: number,
  y: number,
  tolPx = 3,
): SliceRef | null {
  const at = trackAt(traces, layout, scale, scrollY, x, y);
  if (!at || at.item.counter) return null;
  const { item, track: ti, trace, ly } = at;
  const row = rowAt(item.y, item.depthRows, ly);
  if (row < 0) return null;
  const track = trace.model.tracks[ti]!;
  const { start, dur } = trace.model.slices;
  const i = sliceNear(start, dur, track.rowStart[row]!, track.rowStart[row + 1]!, toTrace(trace, scale.pxToTime(x)), tolPx * scale.usPerPx);
  return i < 0 ? null : { trace: trace.id, slice: i };
}

/**
 * The counter sample in force at canvas CSS point (x, y): the last sample at or before the
 * pointer's time on a counter track, or null (before the first sample, after the trace's end,
 * anywhere but a counter track).
 */
export function counterHitAt(
  traces: readonly LoadedTrace[],
  layout: TrackLayout,
  scale: TimeScale,
  scrollY: number,
  x: number,
  y: number,
): CounterRef | null {
  const at = trackAt(traces, layout, scale, scrollY, x, y);
  if (!at || !at.item.counter) return null;
  const counter = at.trace.model.tracks[at.track]!.counter;
  const { trace } = at;
  const series = trace.model.counters[counter];
  if (!series) return null;
  const t = toTrace(trace, scale.pxToTime(x));
  if (t > trace.model.endUs) return null;
  const sample = firstStartingAfter(series.times, 0, series.times.length, t) - 1;
  return sample < 0 ? null : { trace: trace.id, counter, sample };
}

/** The track item (its track index and trace) under canvas CSS point (x, y), with the point's layout y; null off the tracks. */
function trackAt(
  traces: readonly LoadedTrace[],
  layout: TrackLayout,
  scale: TimeScale,
  scrollY: number,
  x: number,
  y: number,
): { item: LayoutItem; track: number; trace: LoadedTrace; ly: number } | null {
  if (y < RULER_HEIGHT || x < 0 || x > scale.width) return null;
  const ly = y - RULER_HEIGHT + scrollY;
  if (ly < 0 || ly >= layout.totalHeight) return null;
  const item = layout.items[itemIndexAt(layout.items, ly)];
  if (!item || item.kind !== 'track' || item.track === undefined) return null;
  const trace = traces.find((t) => t.id === item.traceId);
  return trace ? { item, track: item.track, trace, ly } : null;
}
