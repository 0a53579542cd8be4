// What every painter gets for one frame (Perfetto's render context, in spirit).
//
// Coordinate spaces (all painters draw in CSS px; the context transform scales to device px):
//   trace time → css x      fc.scale.timeToPx(t)
//   layout y   → css y      canvasY(fc, layoutY) = RULER_HEIGHT + layoutY − scrollY
//   css px     → device px  × fc.dpr, done once by ctx.setTransform

import type { TraceModel } from '../model/types.ts';
import type { Highlight, LoadedTrace } from '../store/app-store.ts';
import type { ThemeColors } from './colors.ts';
import type { TimeScale } from './time-scale.ts';
import { RULER_HEIGHT, type TrackLayout } from './track-layout.ts';

export interface FrameContext {
  ctx: CanvasRenderingContext2D;
  dpr: number;
  /** Canvas size in CSS px. */
  width: number;
  height: number;
  scale: TimeScale;
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
