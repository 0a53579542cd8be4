// Trace time ↔ view time: the one place a trace's offset on the shared timeline is applied.
//
// Every trace keeps its own times (µs from its own start: the columns, the details panel, the
// analyses). On the shared timeline trace `t` is shifted by `t.offsetUs`: its time x shows at
// view time x + offsetUs. The first trace is at 0 (view time is its time); a compared run or
// the ranks of a distributed run each have an offset of their own. Whatever puts a trace's
// times on screen (render/frame-context.ts `scaleOf`, hit testing, moving the view to a
// slice) or turns view times into a trace's (the range → a window of the trace) goes
// through these.

import type { LoadedTrace } from './app-store.ts';

type Shifted = Pick<LoadedTrace, 'id'> & { offsetUs?: number };

export interface TimeSpan {
  start: number;
  end: number;
}

/** The trace's shift on the shared timeline, µs (0 when none was set). */
export function offsetOf(t: { offsetUs?: number } | null | undefined): number {
  const o = t?.offsetUs;
  return o !== undefined && Number.isFinite(o) ? o : 0;
}

/** The offset of the trace with id `id` among `traces` (0 when it is not there). */
export function offsetById(traces: readonly Shifted[], id: string): number {
  for (const t of traces) if (t.id === id) return offsetOf(t);
  return 0;
}

/** A time of the trace as view time. */
export function toView(t: { offsetUs?: number } | null | undefined, traceUs: number): number {
  return traceUs + offsetOf(t);
}

/** A view time as a time of the trace. */
export function toTrace(t: { offsetUs?: number } | null | undefined, viewUs: number): number {
  return viewUs - offsetOf(t);
}

/** A span of view time as a span of the trace's own time (the range → the trace's window). */
export function traceWindow(t: { offsetUs?: number } | null | undefined, w: TimeSpan): TimeSpan {
  const o = offsetOf(t);
  return o === 0 ? w : { start: w.start - o, end: w.end - o };
}

/** A span of the trace's own time as view time. */
export function viewSpan(t: { offsetUs?: number } | null | undefined, w: TimeSpan): TimeSpan {
  const o = offsetOf(t);
  return o === 0 ? w : { start: w.start + o, end: w.end + o };
}

/**
 * The view time every loaded trace covers, [min start, max end] over their shifted
 * [0, endUs]; {0, 1} with none.
 */
export function viewExtent(traces: readonly Pick<LoadedTrace, 'model' | 'offsetUs'>[]): TimeSpan {
  let start = Infinity;
  let end = -Infinity;
  for (const t of traces) {
    const o = offsetOf(t);
    start = Math.min(start, o);
    end = Math.max(end, o + t.model.endUs);
  }
  if (!(end > start)) return { start: Number.isFinite(start) ? start : 0, end: (Number.isFinite(start) ? start : 0) + 1 };
  return { start, end };
}
