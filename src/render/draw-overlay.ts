// The overlay drawn over the cached content each frame: range shading, hovered and selected
// slice outlines, and the selected slice's flows. Cheap by design, so hover never repaints
// the tracks.

import { FLAG_INSTANT, type TraceModel } from '../model/types.ts';
import type { AppState, CounterRef } from '../store/app-store.ts';
import { counterValueY } from './draw-counter.ts';
import { paintSliceFlows, type ArrowBatch } from './draw-flows.ts';
import { paintRuler } from './draw-ruler.ts';
import { canvasY, modelOf, scaleOf, type FrameContext } from './frame-context.ts';
import { ROW_HEIGHT, rowTop, RULER_HEIGHT } from './track-layout.ts';

const rect = new Float64Array(4);

/** Writes the slice's box (css x, y, w, h) into `out`; false when its track is not laid out. */
export function sliceBox(fc: FrameContext, traceId: string, model: TraceModel, slice: number, out: Float64Array): boolean {
  const idx = fc.layout.trackItem.get(traceId)?.[model.slices.track[slice]!] ?? -1;
  if (idx < 0) return false;
  const item = fc.layout.items[idx]!;
  const scale = scaleOf(fc, traceId);
  const x0 = scale.timeToPx(model.slices.start[slice]!);
  const x1 = scale.timeToPx(model.slices.start[slice]! + model.slices.dur[slice]!);
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
  if (state.counterHover && !sameSample(state.counterHover, state.counterSelection)) paintSample(fc, state.counterHover, false);
  if (state.counterSelection) paintSample(fc, state.counterSelection, true);
  ctx.restore();

  // The ruler again, with the range's band and label and without the tick labels under it.
  if (state.range) paintRuler(fc, scale.ticks(), state.range);
}

/**
 * A counter sample: its step (from the sample to the next one) drawn over the chart, a line at
 * its time and a dot at its value; thicker and in the selection colour when selected.
 */
function paintSample(fc: FrameContext, ref: CounterRef, selected: boolean): void {
  const model = modelOf(fc.traces, ref.trace);
  const series = model?.counters[ref.counter];
  if (!model || !series || ref.sample >= series.times.length) return;
  const idx = fc.layout.trackItem.get(ref.trace)?.[series.track] ?? -1;
  if (idx < 0) return;
  const item = fc.layout.items[idx]!;
  const { ctx, colors } = fc;
  const scale = scaleOf(fc, ref.trace);
  const x0 = scale.timeToPx(series.times[ref.sample]!);
  const next = ref.sample + 1 < series.times.length ? series.times[ref.sample + 1]! : model.endUs;
  const x1 = Math.min(scale.timeToPx(next), fc.width + 2);
  if (x1 < -2 || x0 > fc.width + 2) return;
  const y = counterValueY(fc, item, series, series.values[ref.sample]!);
  const top = canvasY(fc, item.y);
  ctx.strokeStyle = selected ? colors.selection : colors.hover;
  ctx.fillStyle = ctx.strokeStyle;
  ctx.lineWidth = selected ? 2 : 1.5;
  ctx.beginPath();
  ctx.moveTo(Math.max(x0, -2), y);
  ctx.lineTo(x1, y);
  ctx.stroke();
  if (x0 >= -2) ctx.fillRect(Math.round(x0) - (selected ? 1 : 0.5), top + 1, selected ? 2 : 1, item.height - 2);
  ctx.beginPath();
  ctx.arc(Math.max(x0, 0), y, selected ? 4 : 3, 0, 2 * Math.PI);
  ctx.fill();
}

function sameSample(a: CounterRef | null, b: CounterRef | null): boolean {
  return a !== null && b !== null && a.trace === b.trace && a.counter === b.counter && a.sample === b.sample;
}

function sameRef(a: { trace: string; slice: number } | null, b: { trace: string; slice: number } | null): boolean {
  return a !== null && b !== null && a.trace === b.trace && a.slice === b.slice;
}
