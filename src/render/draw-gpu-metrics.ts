// GPU metric tracks: per device, the GPU utilization (the share of each bucket covered by at
// least one kernel) as a light area, and the estimated SM efficiency as a solid area drawn over
// it on the same 0–100 % scale, so "busy but the SMs mostly idle" reads as a tall light band
// with a low solid floor. Buckets are BUCKET_PX wide and sit on multiples of their width in
// trace time, so panning at one zoom moves the bars without changing them.
//
// The values come from the device's step functions (analysis/gpu-metrics.ts): two bisections a
// bucket whatever the number of kernels, into buffers kept between frames (no allocation here).

import { bucketMeans, meanOver } from '../lib/step-function.ts';
import type { GpuMetricTrack } from '../model/types.ts';
import type { LoadedTrace } from '../store/app-store.ts';
import { canvasY, scaleOf, type FrameContext } from './frame-context.ts';
import type { TimeScale } from './time-scale.ts';
import type { LayoutItem } from './track-layout.ts';

export const BUCKET_PX = 3;
const PAD_TOP = 4;

/** The bucket grid of a view: width `w` µs, first bucket `first` (its start is first · w), `n` buckets. */
export interface BucketGrid {
  w: number;
  first: number;
  n: number;
}

export function bucketGrid(scale: TimeScale, out: BucketGrid = { w: 0, first: 0, n: 0 }): BucketGrid {
  const w = BUCKET_PX / scale.pxPerUs;
  out.w = w;
  out.first = Math.floor(scale.start / w);
  out.n = Math.max(0, Math.ceil(scale.end / w) - out.first);
  return out;
}

/** The bucket of the grid that holds time t: [start, end] in µs. */
export function bucketAt(scale: TimeScale, t: number): { start: number; end: number } {
  const w = BUCKET_PX / scale.pxPerUs;
  const k = Math.floor(t / w);
  return { start: k * w, end: (k + 1) * w };
}

/** Mean utilization and SM efficiency (0–1; SM null when unknown) of a device over [a, b]. */
export function metricMeans(track: GpuMetricTrack, a: number, b: number): { utilization: number; smEfficiency: number | null } {
  return { utilization: meanOver(track.busy, a, b), smEfficiency: track.sm ? meanOver(track.sm, a, b) : null };
}

/** The metric track of a layout item, or null. */
export function metricTrackOf(traces: readonly LoadedTrace[], item: LayoutItem): GpuMetricTrack | null {
  if (item.metric === undefined) return null;
  for (const t of traces) if (t.id === item.traceId) return t.gpuMetrics?.[item.metric] ?? null;
  return null;
}

/** The canvas y of value v (0–1) in a metric track. */
export function metricValueY(fc: FrameContext, item: LayoutItem, v: number): number {
  const top = canvasY(fc, item.y) + PAD_TOP;
  const bottom = canvasY(fc, item.y + item.height) - 1;
  return bottom - v * (bottom - top);
}

let busy = new Float32Array(1024);
let sm = new Float32Array(1024);
const grid: BucketGrid = { w: 0, first: 0, n: 0 };

export function paintGpuMetrics(fc: FrameContext, item: LayoutItem, track: GpuMetricTrack): void {
  const { ctx, colors } = fc;
  const scale = scaleOf(fc, item.traceId); // a compared run or a rank may be shifted
  const W = fc.width;
  const top = canvasY(fc, item.y) + PAD_TOP;
  const bottom = canvasY(fc, item.y + item.height) - 1;
  const h = bottom - top;
  const g = bucketGrid(scale, grid);
  const n = g.n;
  if (n > busy.length) {
    busy = new Float32Array(n * 2);
    sm = new Float32Array(n * 2);
  }
  const t0 = g.first * g.w;
  const t1 = (g.first + n) * g.w;
  if (n > 0) {
    bucketMeans(track.busy, t0, t1, n, busy);
    if (track.sm) bucketMeans(track.sm, t0, t1, n, sm);
  }

  // 100 % and 50 % guides (the header says the scale).
  ctx.fillStyle = colors.grid;
  ctx.fillRect(0, Math.round(top), W, 1);
  ctx.fillRect(0, Math.round(top + h / 2), W, 1);

  const x0 = scale.timeToPx(t0);
  const bw = g.w * scale.pxPerUs;
  area(ctx, busy, n, x0, bw, bottom, h, W);
  ctx.fillStyle = colors.metricBusyFill;
  ctx.fill();
  ctx.strokeStyle = colors.metricBusyLine;
  ctx.lineWidth = 1;
  ctx.stroke();
  if (track.sm) {
    area(ctx, sm, n, x0, bw, bottom, h, W);
    ctx.fillStyle = colors.metricSmFill;
    ctx.fill();
    ctx.strokeStyle = colors.metricSmLine;
    ctx.stroke();
  }
}

/** A step area of values v[0..n) (0–1), bucket i drawn from x0 + i·bw to x0 + (i+1)·bw; runs of equal values are one step. */
function area(ctx: CanvasRenderingContext2D, v: Float32Array, n: number, x0: number, bw: number, bottom: number, h: number, W: number): void {
  ctx.beginPath();
  ctx.moveTo(clamp(x0, W), bottom);
  let i = 0;
  while (i < n) {
    const y = bottom - (v[i]! > 1 ? 1 : v[i]! < 0 ? 0 : v[i]!) * h;
    let j = i + 1;
    while (j < n && v[j] === v[i]) j++;
    ctx.lineTo(clamp(x0 + i * bw, W), y);
    ctx.lineTo(clamp(x0 + j * bw, W), y);
    i = j;
  }
  ctx.lineTo(clamp(x0 + n * bw, W), bottom);
  ctx.closePath();
}

function clamp(x: number, W: number): number {
  return x < -2 ? -2 : x > W + 2 ? W + 2 : x;
}
