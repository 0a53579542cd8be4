// Flow arrows (launch → kernel, v1/v2 flows): curves from the start of the source slice to the
// start of the destination, leaving and arriving horizontally, with an arrowhead.
//
// All-flows mode never scans every flow: per row of every track, the slices in the visible
// time window are one index range [a, b) (bisection), and since flows are sorted by `from`
// (and `byTo` orders them by `to`), the flows leaving or entering that range are contiguous
// too. Flows entering the window whose source is also in it are skipped the second time.

import { firstEndingAtOrAfter, firstStartingAfter } from '../index/row-index.ts';
import type { TraceModel } from '../model/types.ts';
import { canvasY, scaleOf, type FrameContext } from './frame-context.ts';
import { PROCESS_HEADER_HEIGHT, ROW_HEIGHT, rowTop, SUMMARY_HEIGHT } from './track-layout.ts';

export const ALL_FLOWS_CAP = 2000;
const HEAD = 7;
const FAR = 10_000; // px; keeps off-screen endpoints finite for the canvas

/** First k with a[k] >= v. */
export function lowerBound(a: Uint32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First k with keys[order[k]] >= v (order sorts keys). */
export function lowerBoundBy(order: Uint32Array, keys: Uint32Array, v: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[order[mid]!]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Canvas y of a slice's row centre (or of its process summary when collapsed), NaN if not laid out. */
export function sliceCenterY(fc: FrameContext, traceId: string, model: TraceModel, slice: number): number {
  const trackItems = fc.layout.trackItem.get(traceId);
  if (!trackItems) return NaN;
  const track = model.slices.track[slice]!;
  const idx = trackItems[track]!;
  if (idx >= 0) return canvasY(fc, rowTop(fc.layout.items[idx]!, model.slices.depth[slice]!) + ROW_HEIGHT / 2);
  const p = fc.layout.processItem.get(traceId)?.[model.tracks[track]!.process] ?? -1;
  if (p < 0) return NaN;
  return canvasY(fc, fc.layout.items[p]!.y + PROCESS_HEADER_HEIGHT + SUMMARY_HEIGHT / 2);
}

/** Collects curves into one stroke and arrowheads into one fill. */
export class ArrowBatch {
  private heads = new Float32Array(256);
  private nHeads = 0;
  count = 0;

  begin(ctx: CanvasRenderingContext2D): void {
    ctx.beginPath();
    this.nHeads = 0;
    this.count = 0;
  }

  /** Adds the arrow between slices `from` and `to` of `model` (skipped when an end is not laid out). */
  addFlow(fc: FrameContext, traceId: string, model: TraceModel, from: number, to: number): void {
    const y0 = sliceCenterY(fc, traceId, model, from);
    const y1 = sliceCenterY(fc, traceId, model, to);
    if (Number.isNaN(y0) || Number.isNaN(y1)) return;
    const scale = scaleOf(fc, traceId);
    const x0 = clamp(scale.timeToPx(model.slices.start[from]!), fc.width);
    const x1 = clamp(scale.timeToPx(model.slices.start[to]!), fc.width);
    const dx = Math.max(16, Math.min(80, Math.abs(x1 - x0) / 2));
    const ctx = fc.ctx;
    ctx.moveTo(x0, y0);
    ctx.bezierCurveTo(x0 + dx, y0, x1 - dx, y1, x1 - HEAD + 1, y1);
    if (this.nHeads + 2 > this.heads.length) {
      const h = new Float32Array(this.heads.length * 2);
      h.set(this.heads);
      this.heads = h;
    }
    this.heads[this.nHeads++] = x1;
    this.heads[this.nHeads++] = y1;
    this.count++;
  }

  /** Strokes the curves and fills the heads; `alpha` thins out dense bundles. */
  end(ctx: CanvasRenderingContext2D, color: string, width: number, alpha = 1): void {
    ctx.globalAlpha = alpha;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.beginPath();
    for (let k = 0; k < this.nHeads; k += 2) {
      const x = this.heads[k]!;
      const y = this.heads[k + 1]!;
      ctx.moveTo(x, y);
      ctx.lineTo(x - HEAD, y - HEAD / 2);
      ctx.lineTo(x - HEAD, y + HEAD / 2);
      ctx.closePath();
    }
    ctx.fill();
    ctx.globalAlpha = 1;
  }
}

function clamp(x: number, width: number): number {
  return Math.max(-FAR, Math.min(width + FAR, x));
}

function inView(model: TraceModel, i: number, t0: number, t1: number): boolean {
  const s = model.slices.start[i]!;
  return s <= t1 && s + model.slices.dur[i]! >= t0;
}

/** Every flow with an end in the visible time window, up to `cap`. Returns how many were drawn. */
export function paintAllFlows(fc: FrameContext, batch: ArrowBatch, cap = ALL_FLOWS_CAP): number {
  const { ctx } = fc;
  batch.begin(ctx);
  outer: for (const trace of fc.traces) {
    const m = trace.model;
    const scale = scaleOf(fc, trace.id);
    const t0 = scale.start;
    const t1 = scale.end;
    const F = m.flows;
    if (F.from.length === 0) continue;
    const { start, dur } = m.slices;
    for (const track of m.tracks) {
      const rows = track.rowStart;
      for (let r = 0; r + 1 < rows.length; r++) {
        const a = firstEndingAtOrAfter(start, dur, rows[r]!, rows[r + 1]!, t0);
        const b = firstStartingAfter(start, a, rows[r + 1]!, t1);
        if (a >= b) continue;
        for (let f = lowerBound(F.from, a), fe = lowerBound(F.from, b); f < fe; f++) {
          batch.addFlow(fc, trace.id, m, F.from[f]!, F.to[f]!);
          if (batch.count >= cap) break outer;
        }
        for (let k = lowerBoundBy(F.byTo, F.to, a), ke = lowerBoundBy(F.byTo, F.to, b); k < ke; k++) {
          const f = F.byTo[k]!;
          if (inView(m, F.from[f]!, t0, t1)) continue; // drawn from its source
          batch.addFlow(fc, trace.id, m, F.from[f]!, F.to[f]!);
          if (batch.count >= cap) break outer;
        }
      }
    }
  }
  const n = batch.count;
  // Hundreds of overlapping curves would merge into a solid band: fade them as they multiply.
  batch.end(ctx, fc.colors.flow, 1, Math.max(0.25, Math.min(1, 120 / Math.max(1, n))));
  return n;
}

/** The incoming and outgoing flows of one slice, emphasised. */
export function paintSliceFlows(fc: FrameContext, batch: ArrowBatch, traceId: string, model: TraceModel, slice: number): void {
  const F = model.flows;
  batch.begin(fc.ctx);
  for (let f = lowerBound(F.from, slice); f < F.from.length && F.from[f] === slice; f++) batch.addFlow(fc, traceId, model, slice, F.to[f]!);
  for (let k = lowerBoundBy(F.byTo, F.to, slice); k < F.byTo.length && F.to[F.byTo[k]!] === slice; k++) {
    batch.addFlow(fc, traceId, model, F.from[F.byTo[k]!]!, slice);
  }
  batch.end(fc.ctx, fc.colors.flowSelected, 1.75);
}
