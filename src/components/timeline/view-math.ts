// Pure view arithmetic for the timeline's input handling: zoom about an anchor, pan, limits,
// fitting a slice, vertical scroll bounds. Views are {start, end} in µs of view time (the
// shared timeline: store/trace-time.ts).

import type { LoadedTrace, SliceRef } from '../../store/app-store.ts';
import { viewExtent } from '../../store/trace-time.ts';
import { rowTop, ROW_HEIGHT, RULER_HEIGHT, type TrackLayout } from '../../render/track-layout.ts';

export interface View {
  start: number;
  end: number;
}

/** ~10 ns across the whole canvas: below that a double still works but nothing is left to see. */
export const MIN_SPAN_US = 0.01;

export interface ViewLimits {
  /** Where the earliest loaded trace starts in view time (0 unless a trace is shifted before the first). */
  start: number;
  /** Where the last loaded trace ends in view time. */
  whole: number;
  maxSpan: number;
}

export function viewLimits(traces: readonly LoadedTrace[]): ViewLimits {
  const e = traces.length > 0 ? viewExtent(traces) : { start: 0, end: 1 };
  const start = Math.min(0, e.start);
  const whole = e.end > start ? e.end : start + 1;
  return { start, whole, maxSpan: (whole - start) * 1.1 };
}

/** Span within [MIN_SPAN_US, maxSpan]; position kept so the view never leaves the trace plus 5 %. */
export function clampView(v: View, lim: ViewLimits): View {
  const span = Math.min(lim.maxSpan, Math.max(MIN_SPAN_US, v.end - v.start));
  const pad = (lim.maxSpan - (lim.whole - lim.start)) / 2;
  const lo = lim.start - pad;
  const hi = lim.whole + pad - span;
  const start = Math.min(Math.max(v.start, lo), Math.max(lo, hi));
  return { start, end: start + span };
}

/** Zooms by `factor` (< 1 zooms in) keeping the time under `anchor` (0..1 of the width) in place. */
export function zoomAt(v: View, factor: number, anchor: number, lim: ViewLimits): View {
  const span = v.end - v.start;
  const newSpan = Math.min(lim.maxSpan, Math.max(MIN_SPAN_US, span * factor));
  const t = v.start + anchor * span;
  const start = t - anchor * newSpan;
  return clampView({ start, end: start + newSpan }, lim);
}

/** Moves the view by `dt` µs (positive: later). */
export function panBy(v: View, dt: number, lim: ViewLimits): View {
  return clampView({ start: v.start + dt, end: v.end + dt }, lim);
}

/** A view showing [start, end] with a margin (a fixed small window for instants). */
export function fitRange(start: number, end: number, lim: ViewLimits): View {
  const dur = Math.max(0, end - start);
  const span = dur > 0 ? dur * 1.2 : 10;
  const mid = start + dur / 2;
  return clampView({ start: mid - span / 2, end: mid + span / 2 }, lim);
}

export function maxScroll(layout: TrackLayout, canvasHeight: number): number {
  return Math.max(0, layout.totalHeight - Math.max(0, canvasHeight - RULER_HEIGHT));
}

export function clampScroll(y: number, layout: TrackLayout, canvasHeight: number): number {
  return Math.min(Math.max(0, y), maxScroll(layout, canvasHeight));
}

/**
 * The scrollY that brings the slice's row into view (unchanged if it is already visible), or
 * null when the slice's track is not laid out (collapsed process).
 */
export function scrollToReveal(
  ref: SliceRef,
  traces: readonly LoadedTrace[],
  layout: TrackLayout,
  scrollY: number,
  canvasHeight: number,
): number | null {
  const t = traces.find((x) => x.id === ref.trace);
  if (!t) return null;
  const m = t.model;
  const idx = layout.trackItem.get(ref.trace)?.[m.slices.track[ref.slice]!] ?? -1;
  if (idx < 0) return null;
  const top = rowTop(layout.items[idx]!, m.slices.depth[ref.slice]!);
  const viewH = Math.max(0, canvasHeight - RULER_HEIGHT);
  if (top >= scrollY && top + ROW_HEIGHT <= scrollY + viewH) return scrollY;
  return clampScroll(top - viewH / 3, layout, canvasHeight);
}

/** The view unchanged if the slice overlaps it, else the same span centred on the slice. */
export function panToReveal(v: View, start: number, end: number, lim: ViewLimits): View {
  if (end >= v.start && start <= v.end) return v;
  const span = v.end - v.start;
  const mid = (start + end) / 2;
  return clampView({ start: mid - span / 2, end: mid + span / 2 }, lim);
}
