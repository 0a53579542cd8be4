// The overlay drawn over the cached content each frame: range shading, hovered and selected
// slice outlines, and the selected slice's flows. Cheap by design, so hover never repaints
// the tracks.

import { FLAG_INSTANT, type TraceModel } from '../model/types.ts';
import type { AppState } from '../store/app-store.ts';
import { paintSliceFlows, type ArrowBatch } from './draw-flows.ts';
import { paintRuler } from './draw-ruler.ts';
import { canvasY, modelOf, type FrameContext } from './frame-context.ts';
import { ROW_HEIGHT, rowTop, RULER_HEIGHT } from './track-layout.ts';

const rect = new Float64Array(4);

/** Writes the slice's box (css x, y, w, h) into `out`; false when its track is not laid out. */
export function sliceBox(fc: FrameContext, traceId: string, model: TraceModel, slice: number, out: Float64Array): boolean {
  const idx = fc.layout.trackItem.get(traceId)?.[model.slices.track[slice]!] ?? -1;
  if (idx < 0) return false;
  const item = fc.layout.items[idx]!;
  const x0 = fc.scale.timeToPx(model.slices.start[slice]!);
  const x1 = fc.scale.timeToPx(model.slices.start[slice]! + model.slices.dur[slice]!);
  const instant = (model.slices.flags[slice]! & FLAG_INSTANT) !== 0;
  const left = instant ? x0 - 5 : Math.max(x0, -4);
  const right = instant ? x0 + 5 : Math.min(Math.max(x1, x0 + 1), fc.width + 4);
  out[0] = left;
  out[1] = canvasY(fc, rowTop(item, model.slices.depth[slice]!)) + 1;
  out[2] = right - left;
  out[3] = ROW_HEIGHT - 2;
  return right >= -4 && left <= fc.width + 4;
}

export function paintOverlay(fc: FrameContext, state: AppState, arrows: ArrowBatch): void {
  const { ctx, colors, scale } = fc;
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, RULER_HEIGHT, fc.width, fc.height - RULER_HEIGHT);
  ctx.clip();

  if (state.range) {
    const x0 = scale.timeToPx(state.range.start);
    const x1 = scale.timeToPx(state.range.end);
    const a = Math.max(-2, Math.min(x0, x1));
    const b = Math.min(fc.width + 2, Math.max(x0, x1));
    if (b > a) {
      ctx.fillStyle = colors.rangeFill;
      ctx.fillRect(a, RULER_HEIGHT, b - a, fc.height - RULER_HEIGHT);
    }
    ctx.fillStyle = colors.rangeEdge;
    for (const x of [x0, x1]) if (x >= -1 && x <= fc.width + 1) ctx.fillRect(Math.round(x), RULER_HEIGHT, 1, fc.height - RULER_HEIGHT);
  }

  if (state.hover && !sameRef(state.hover, state.selection)) {
    const m = modelOf(fc.traces, state.hover.trace);
    if (m && sliceBox(fc, state.hover.trace, m, state.hover.slice, rect)) {
      ctx.strokeStyle = colors.hover;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(rect[0]! + 0.75, rect[1]! + 0.75, Math.max(0, rect[2]! - 1.5), rect[3]! - 1.5);
    }
  }

  if (state.selection) {
    const m = modelOf(fc.traces, state.selection.trace);
    if (m) {
      paintSliceFlows(fc, arrows, state.selection.trace, m, state.selection.slice);
      if (sliceBox(fc, state.selection.trace, m, state.selection.slice, rect)) {
        ctx.strokeStyle = colors.selection;
        ctx.lineWidth = 2;
        ctx.strokeRect(rect[0]! - 1, rect[1]! - 1, rect[2]! + 2, rect[3]! + 2);
      }
    }
  }
  ctx.restore();

  // The ruler again, with the range's band and label and without the tick labels under it.
  if (state.range) paintRuler(fc, scale.ticks(), state.range);
}

function sameRef(a: { trace: string; slice: number } | null, b: { trace: string; slice: number } | null): boolean {
  return a !== null && b !== null && a.trace === b.trace && a.slice === b.slice;
}
