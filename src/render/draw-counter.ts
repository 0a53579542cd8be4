// Counter tracks as step area charts. The visible samples are found by bisection; when there
// are more samples than pixels, each pixel column shows the largest of (at most
// MAX_SAMPLES_PER_PX evenly spaced) samples in it, so a spike never vanishes when zoomed out
// and the cost stays O(pixels), not O(samples).

import { firstStartingAfter } from '../index/row-index.ts';
import type { CounterSeries, TraceModel } from '../model/types.ts';
import { canvasY, scaleOf, type FrameContext } from './frame-context.ts';
import type { LayoutItem } from './track-layout.ts';

const MAX_SAMPLES_PER_PX = 16;
const PAD_TOP = 4;

const ranges = new WeakMap<CounterSeries, { min: number; max: number }>();

/** Min and max of a series over the whole trace (once per series; the y scale must not jump while panning). */
export function seriesRange(s: CounterSeries): { min: number; max: number } {
  let r = ranges.get(s);
  if (!r) {
    let min = 0;
    let max = 0;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    r = { min, max };
    ranges.set(s, r);
  }
  return r;
}

/** The canvas y of value `v` in a counter track (the scale paintCounter draws with). */
export function counterValueY(fc: FrameContext, item: LayoutItem, series: CounterSeries, v: number): number {
  const { min, max } = seriesRange(series);
  const top = canvasY(fc, item.y) + PAD_TOP;
  const bottom = canvasY(fc, item.y + item.height) - 1;
  return bottom - ((v - min) / (max - min || 1)) * (bottom - top);
}

export function paintCounter(fc: FrameContext, item: LayoutItem, model: TraceModel): void {
  if (item.track === undefined) return;
  const series = model.counters[model.tracks[item.track]!.counter];
  if (!series || series.times.length === 0) return;
  const { ctx, colors } = fc;
  const scale = scaleOf(fc, item.traceId);
  const { times, values } = series;
  const n = times.length;
  const { min, max } = seriesRange(series);
  const top = canvasY(fc, item.y) + PAD_TOP;
  const bottom = canvasY(fc, item.y + item.height) - 1;
  const span = max - min || 1;
  const yOf = (v: number): number => bottom - ((v - min) / span) * (bottom - top);
  const y0 = yOf(0);

  // The sample in force at the left edge is the last one at or before it.
  const first = Math.max(0, firstStartingAfter(times, 0, n, scale.start) - 1);
  const last = firstStartingAfter(times, first, n, scale.end); // exclusive
  const W = fc.width;

  ctx.beginPath();
  ctx.moveTo(Math.max(scale.timeToPx(times[first]!), -1), y0);
  if (last - first <= 3 * W) {
    for (let i = first; i < last; i++) {
      const x = Math.max(scale.timeToPx(times[i]!), -1);
      const nx = i + 1 < n ? Math.min(scale.timeToPx(times[i + 1]!), W + 1) : Math.min(scale.timeToPx(model.endUs), W + 1);
      const y = yOf(values[i]!);
      ctx.lineTo(x, y);
      ctx.lineTo(nx, y);
    }
  } else {
    for (let px = 0, i = first; px < W && i < last; px++) {
      const j = firstStartingAfter(times, i, last, scale.pxToTime(px + 1));
      if (j === i) continue;
      const stride = Math.max(1, Math.ceil((j - i) / MAX_SAMPLES_PER_PX));
      let v = values[i]!;
      for (let k = i + stride; k < j; k += stride) if (values[k]! > v) v = values[k]!;
      const y = yOf(v);
      ctx.lineTo(px, y);
      ctx.lineTo(px + 1, y);
      i = j;
    }
  }
  const endX = Math.min(scale.timeToPx(last < n ? times[last]! : model.endUs), W + 1);
  ctx.lineTo(endX, y0);
  ctx.closePath();
  ctx.fillStyle = colors.counterFill;
  ctx.fill();
  ctx.strokeStyle = colors.counterLine;
  ctx.lineWidth = 1;
  ctx.stroke();

  ctx.fillStyle = colors.mutedText;
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  ctx.textAlign = 'right';
  ctx.fillText(`max ${formatValue(max)}`, W - 4, canvasY(fc, item.y) + 2);
  ctx.textAlign = 'left';
}

/** Compact counter value: 1234567 → "1.23M". */
export function formatValue(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}
