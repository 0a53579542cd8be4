// The one-row summary of a collapsed process: for each 2 px bucket, how busy its threads are
// (top-level slices only), summed over tracks and capped at 1, drawn as a bar.
//
// Busy time in [ta, tb] for one row is exact and O(log n): a prefix sum of durations over the
// row (built once per row, lazily, 8 bytes a top-level slice) minus the parts of the first and
// last overlapping slices that stick out of the bucket.

import { firstEndingAtOrAfter, firstStartingAfter } from '../index/row-index.ts';
import type { TraceModel, TrackInfo } from '../model/types.ts';
import { canvasY, scaleOf, type FrameContext } from './frame-context.ts';
import { PROCESS_HEADER_HEIGHT, SUMMARY_HEIGHT, type LayoutItem } from './track-layout.ts';

const BUCKET_PX = 2;

const prefixes = new WeakMap<TrackInfo, Float64Array>();

function prefixOf(model: TraceModel, track: TrackInfo): Float64Array {
  let p = prefixes.get(track);
  if (!p) {
    const lo = track.rowStart[0]!;
    const hi = track.rowStart[1] ?? lo;
    p = new Float64Array(hi - lo + 1);
    const dur = model.slices.dur;
    for (let i = lo; i < hi; i++) p[i - lo + 1] = p[i - lo]! + dur[i]!;
    prefixes.set(track, p);
  }
  return p;
}

/** Busy µs of row 0 of `track` within [ta, tb]. */
export function busyIn(model: TraceModel, track: TrackInfo, ta: number, tb: number): number {
  if (track.rowStart.length < 2) return 0;
  const lo = track.rowStart[0]!;
  const hi = track.rowStart[1]!;
  const { start, dur } = model.slices;
  const a = firstEndingAtOrAfter(start, dur, lo, hi, ta);
  const b = firstStartingAfter(start, a, hi, tb);
  if (b <= a) return 0;
  const p = prefixOf(model, track);
  let busy = p[b - lo]! - p[a - lo]!;
  busy -= Math.max(0, ta - start[a]!);
  busy -= Math.max(0, start[b - 1]! + dur[b - 1]! - tb);
  return Math.max(0, busy);
}

export function paintSummary(fc: FrameContext, item: LayoutItem, model: TraceModel): void {
  if (item.process === undefined) return;
  const proc = model.processes[item.process]!;
  const tracks = proc.tracks.map((t) => model.tracks[t]!).filter((t) => t.kind !== 'counter');
  if (tracks.length === 0) return;
  const { ctx, colors } = fc;
  const scale = scaleOf(fc, item.traceId);
  const bottom = canvasY(fc, item.y + PROCESS_HEADER_HEIGHT + SUMMARY_HEIGHT) - 1;
  const full = SUMMARY_HEIGHT - 3;
  const bucketUs = BUCKET_PX * scale.usPerPx;
  ctx.fillStyle = colors.summary;
  ctx.beginPath();
  for (let x = 0; x < fc.width; x += BUCKET_PX) {
    const ta = scale.pxToTime(x);
    let frac = 0;
    for (const t of tracks) {
      frac += busyIn(model, t, ta, ta + bucketUs) / bucketUs;
      if (frac >= 1) break;
    }
    if (frac <= 0.001) continue;
    const h = Math.max(1, Math.min(1, frac) * full);
    ctx.rect(x, bottom - h, BUCKET_PX, h);
  }
  ctx.fill();
}
