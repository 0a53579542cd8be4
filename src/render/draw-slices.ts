// Paints one slice track: for each visible row, the LOD rects (lod.ts) batched by colour,
// rects narrower than a pixel as bars whose height is their coverage (a merged run of sparse
// kernels is as tall as the share of its pixels it keeps busy), instants as diamonds, a hatched open end on unfinished slices, then names where they fit.
// Work is bounded by visible rows × pixels; nothing here walks a track's slices.

import { FLAG_INSTANT, FLAG_UNFINISHED, type TraceModel } from '../model/types.ts';
import { nameColorIndex, PALETTE_SIZE } from './colors.ts';
import { canvasY, scaleOf, snap, visibleLayoutRange, type FrameContext } from './frame-context.ts';
import { durPrefix, LodBuffer, lodRow } from './lod.ts';
import { RectBatch } from './rect-batch.ts';
import { highlightIn } from '../store/app-store.ts';
import { LABEL_FONT, LABEL_MIN_WIDTH, LABEL_PAD, TextFitter } from './text-fit.ts';
import { ROW_HEIGHT, rowTop, type LayoutItem } from './track-layout.ts';

// Batch buckets: palette colours, then merged groups, then the hatch pattern.
const MERGED = PALETTE_SIZE;
const HATCH = PALETTE_SIZE + 1;
/** Slices outside a highlight (a table row's or a search's instances). */
const DIM = PALETTE_SIZE + 2;
const HATCH_WIDTH = 24;
const SLICE_HEIGHT = ROW_HEIGHT - 2;

export class SlicePainter {
  private lod = new LodBuffer();
  private batch = new RectBatch(PALETTE_SIZE + 3);
  private fitter = new TextFitter();
  private styles: (string | CanvasPattern)[] = [];
  // Label queue (struct of arrays, reused): x, width, row top, slice.
  private lx = new Float32Array(256);
  private lw = new Float32Array(256);
  private ly = new Float32Array(256);
  private li = new Uint32Array(256);
  private nLabels = 0;
  // Instant markers: centre x and row top.
  private ix = new Float32Array(256);
  private iy = new Float32Array(256);
  private nInstants = 0;

  /** Call once per frame before painting tracks (the theme may have changed). */
  begin(fc: FrameContext, hatch: CanvasPattern | string): void {
    const c = fc.colors;
    this.styles = [...c.slice, c.merged, hatch, c.dimmed];
    this.lod.ensure(fc.width);
  }

  paint(fc: FrameContext, item: LayoutItem, model: TraceModel): void {
    if (item.track === undefined || item.depthRows === 0) return;
    const { ctx, dpr } = fc;
    const scale = scaleOf(fc, item.traceId);
    const track = model.tracks[item.track]!;
    const { start, dur, flags, name } = model.slices;
    const prefix = durPrefix(dur);
    const [top, bottom] = visibleLayoutRange(fc);
    const row0 = Math.max(0, Math.floor((top - rowTop(item, 0)) / ROW_HEIGHT));
    const row1 = Math.min(item.depthRows - 1, Math.floor((bottom - rowTop(item, 0)) / ROW_HEIGHT));
    const t0 = scale.start;
    const t1 = scale.end;
    this.nLabels = 0;
    this.nInstants = 0;
    // With a highlight on this trace, everything else is dimmed; merged runs too (the
    // highlighted slices inside them are painted over them by paintHighlight).
    const mask = highlightIn(fc.highlight, item.traceId)?.names ?? null;
    for (let r = row0; r <= row1; r++) {
      const y = canvasY(fc, rowTop(item, r)) + 1;
      const n = lodRow(start, dur, track.rowStart[r]!, track.rowStart[r + 1]!, t0, t1, fc.width, this.lod, prefix);
      const lod = this.lod;
      for (let k = 0; k < n; k++) {
        const x = lod.x[k]!;
        const w = lod.w[k]!;
        const i = lod.slice[k]!;
        let sx = snap(x, dpr);
        let ex = snap(x + w, dpr);
        if (ex - sx < 1) ex = sx + 1;
        const f = flags[i]!;
        // Zero-length slices stay full height: markers, not busy time.
        if (lod.count[k]! > 1 || (lod.cover[k]! < 1 && dur[i]! > 0 && !(f & FLAG_INSTANT))) {
          const h = coverHeight(lod.cover[k]!, dpr);
          const bucket = mask && (lod.count[k]! > 1 || !mask[name[i]!]) ? DIM : lod.count[k]! > 1 ? MERGED : nameColorIndex(model.strings, name[i]!);
          this.batch.add(bucket, sx, y + SLICE_HEIGHT - h, ex - sx, h);
          continue;
        }
        const dim = mask !== null && !mask[name[i]!];
        if (f & FLAG_INSTANT) {
          if (!dim) this.queueInstant(x, y);
          continue;
        }
        // A 1 px gap between wide neighbours keeps same-named repeats apart.
        if (ex - sx >= 5) ex -= 1;
        if (sx < -1) sx = -1;
        this.batch.add(dim ? DIM : nameColorIndex(model.strings, name[i]!), sx, y, ex - sx, SLICE_HEIGHT);
        // Hatch the open end only when that end is on screen.
        if (f & FLAG_UNFINISHED && ex <= fc.width) {
          const hw = Math.min(ex - sx, HATCH_WIDTH);
          this.batch.add(HATCH, ex - hw, y, hw, SLICE_HEIGHT);
        }
        if (ex - sx >= LABEL_MIN_WIDTH && !dim) this.queueLabel(sx, ex - sx, y, i);
      }
    }
    this.batch.flush(ctx, this.styles);
    this.drawInstants(fc);
    this.drawLabels(fc, model);
  }

  private queueLabel(x: number, w: number, y: number, i: number): void {
    if (this.nLabels === this.lx.length) {
      this.lx = grow(this.lx);
      this.lw = grow(this.lw);
      this.ly = grow(this.ly);
      const li = new Uint32Array(this.li.length * 2);
      li.set(this.li);
      this.li = li;
    }
    const n = this.nLabels++;
    this.lx[n] = x;
    this.lw[n] = w;
    this.ly[n] = y;
    this.li[n] = i;
  }

  private queueInstant(x: number, y: number): void {
    if (this.nInstants === this.ix.length) {
      this.ix = grow(this.ix);
      this.iy = grow(this.iy);
    }
    this.ix[this.nInstants] = x;
    this.iy[this.nInstants++] = y;
  }

  private drawInstants(fc: FrameContext): void {
    if (this.nInstants === 0) return;
    const { ctx } = fc;
    const h = SLICE_HEIGHT / 2;
    const r = Math.min(4, h);
    ctx.fillStyle = fc.colors.instant;
    ctx.beginPath();
    for (let k = 0; k < this.nInstants; k++) {
      const x = this.ix[k]!;
      const cy = this.iy[k]! + h;
      ctx.moveTo(x, cy - r);
      ctx.lineTo(x + r * 0.7, cy);
      ctx.lineTo(x, cy + r);
      ctx.lineTo(x - r * 0.7, cy);
      ctx.closePath();
    }
    ctx.fill();
  }

  private drawLabels(fc: FrameContext, model: TraceModel): void {
    if (this.nLabels === 0) return;
    const { ctx, colors } = fc;
    ctx.font = LABEL_FONT;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    let style = '';
    for (let k = 0; k < this.nLabels; k++) {
      // Keep the name of a slice that starts off-screen readable at the left edge.
      const left = Math.max(this.lx[k]!, 0);
      const right = Math.min(this.lx[k]! + this.lw[k]!, fc.width);
      const i = this.li[k]!;
      const nameId = model.slices.name[i]!;
      const text = this.fitter.fit(ctx, model.strings, nameId, right - left - 2 * LABEL_PAD);
      if (text === null) continue;
      const s = colors.sliceText[nameColorIndex(model.strings, nameId)]!;
      if (s !== style) {
        ctx.fillStyle = s;
        style = s;
      }
      ctx.fillText(text, left + LABEL_PAD, this.ly[k]! + SLICE_HEIGHT / 2 + 0.5);
    }
  }
}

/** Bar height for a coverage in [0, 1], on the device pixel grid, at least one device pixel. */
export function coverHeight(cover: number, dpr: number): number {
  return Math.max(1, Math.round(cover * SLICE_HEIGHT * dpr)) / dpr;
}

function grow(a: Float32Array<ArrayBuffer>): Float32Array<ArrayBuffer> {
  const b = new Float32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Diagonal stripes for the open end of unfinished slices (one 8×8 tile per theme). */
export function makeHatch(ctx: CanvasRenderingContext2D, color: string): CanvasPattern | string {
  if (typeof document === 'undefined') return color;
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const t = tile.getContext('2d');
  if (!t) return color;
  t.strokeStyle = color;
  t.lineWidth = 2;
  t.beginPath();
  t.moveTo(-2, 10);
  t.lineTo(10, -2);
  t.moveTo(6, 10);
  t.lineTo(10, 6);
  t.moveTo(-2, 2);
  t.lineTo(2, -2);
  t.stroke();
  return ctx.createPattern(tile, 'repeat') ?? color;
}
