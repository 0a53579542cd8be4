// What every painter gets for one frame (Perfetto's render context, in spirit).
//
// Coordinate spaces (all painters draw in CSS px; the context transform scales to device px):
//   view time  → css x      fc.scale.timeToPx(t)        (the ruler, the grid, the range)
//   trace time → css x      scaleOf(fc, traceId).timeToPx(t)   (a trace's slices, counters,
//                           flows, highlight: its offset on the shared timeline applied)
//   layout y   → css y      canvasY(fc, layoutY) = RULER_HEIGHT + layoutY − scrollY
//   css px     → device px  × fc.dpr, done once by ctx.setTransform

import type { TraceModel } from '../model/types.ts';
import type { Highlight, LoadedTrace } from '../store/app-store.ts';
import { offsetOf } from '../store/trace-time.ts';
import type { ThemeColors } from './colors.ts';
import { TimeScale } from './time-scale.ts';
import { RULER_HEIGHT, type TrackLayout } from './track-layout.ts';

export interface FrameContext {
  ctx: CanvasRenderingContext2D;
  dpr: number;
  /** Canvas size in CSS px. */
  width: number;
  height: number;
  /** View time ↔ css x. */
  scale: TimeScale;
  /** Per trace id with an offset: its own time ↔ css x (`scaleOf`); absent traces use `scale`. */
  scales?: ReadonlyMap<string, TimeScale>;
  colors: ThemeColors;
  layout: TrackLayout;
  traces: readonly LoadedTrace[];
  /** The store's scrollY, snapped to device pixels so rows stay crisp. */
  scrollY: number;
  /** Slices shown highlighted, the rest dimmed (a table row's or a search's). */
  highlight: Highlight | null;
}

export function canvasY(fc: FrameContext, layoutY: number): number {
  return RULER_HEIGHT + layoutY - fc.scrollY;
}

/** Visible layout-y range [top, bottom) of the track area. */
export function visibleLayoutRange(fc: FrameContext): [number, number] {
  return [fc.scrollY, fc.scrollY + Math.max(0, fc.height - RULER_HEIGHT)];
}

export function modelOf(traces: readonly LoadedTrace[], id: string): TraceModel | null {
  for (const t of traces) if (t.id === id) return t.model;
  return null;
}

/** Snaps a CSS x to the device pixel grid (crisp edges at any devicePixelRatio). */
export function snap(x: number, dpr: number): number {
  return Math.round(x * dpr) / dpr;
}

/** The scale a trace's own times are drawn with: the view's, shifted by the trace's offset. */
export function scaleOf(fc: Pick<FrameContext, 'scale' | 'scales'>, traceId: string): TimeScale {
  return fc.scales?.get(traceId) ?? fc.scale;
}

/**
 * Fills `out` with a scale per trace with a non-zero offset (trace time t at view time
 * t + offset, so its window is the view's minus the offset), reusing its TimeScales; traces
 * at offset 0 are left out (they use the view's scale).
 */
export function traceScales(traces: readonly LoadedTrace[], view: TimeScale, out: Map<string, TimeScale>): Map<string, TimeScale> {
  for (const id of out.keys()) if (!traces.some((t) => t.id === id && offsetOf(t) !== 0)) out.delete(id);
  for (const t of traces) {
    const o = offsetOf(t);
    if (o === 0) continue;
    let sc = out.get(t.id);
    if (!sc) out.set(t.id, (sc = new TimeScale()));
    sc.set(view.start - o, view.end - o, view.width);
  }
  return out;
}
