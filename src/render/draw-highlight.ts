// The highlighted slices (a table row's instances or a search's matches), painted over the
// dimmed tracks so that none vanishes inside a merged run: at least one pixel wide, full
// height, in their own colour. Per visible row, the row's highlighted slices are a sorted
// run of `byRow`; it is walked by bisection, one slice per pixel column, so the work is
// bounded by rows × pixels however many slices match.

import { nameColorIndex } from './colors.ts';
import { canvasY, modelOf, scaleOf, snap, visibleLayoutRange, type FrameContext } from './frame-context.ts';
import { itemIndexAt, ROW_HEIGHT, rowTop } from './track-layout.ts';
import type { HighlightPart } from '../store/app-store.ts';

const SLICE_HEIGHT = ROW_HEIGHT - 2;

/** First k in [lo, hi) with key(k) >= v, for a key non-decreasing over [lo, hi). */
function firstAtLeast(lo: number, hi: number, v: number, key: (k: number) => number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(mid) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The highlight on every trace it covers (a Diff row's covers both runs). */
export function paintHighlight(fc: FrameContext): void {
  const h = fc.highlight;
  if (!h) return;
  paintPart(fc, h);
  for (const p of h.also ?? []) paintPart(fc, p);
}

function paintPart(fc: FrameContext, h: HighlightPart): void {
  if (h.byRow.length === 0) return;
  const model = modelOf(fc.traces, h.trace);
  if (!model) return;
  const { start, dur, name } = model.slices;
  const { ctx, dpr, layout } = fc;
  const scale = scaleOf(fc, h.trace);
  const rows = h.byRow;
  const [top, bottom] = visibleLayoutRange(fc);
  const t0 = scale.start;
  const usPerPx = (scale.end - scale.start) / Math.max(1, fc.width);
  for (let it = Math.max(0, itemIndexAt(layout.items, top)); it < layout.items.length; it++) {
    const item = layout.items[it]!;
    if (item.y >= bottom) break;
    if (item.kind !== 'track' || item.traceId !== h.trace || item.track === undefined || item.counter) continue;
    const rowStart = model.tracks[item.track]!.rowStart;
    const r0 = Math.max(0, Math.floor((top - rowTop(item, 0)) / ROW_HEIGHT));
    const r1 = Math.min(item.depthRows - 1, Math.floor((bottom - rowTop(item, 0)) / ROW_HEIGHT));
    for (let r = r0; r <= r1; r++) {
      // This row's highlighted slices: the run of byRow between its first and last slice index.
      const lo = firstAtLeast(0, rows.length, rowStart[r]!, (k) => rows[k]!);
      const hi = firstAtLeast(lo, rows.length, rowStart[r + 1]!, (k) => rows[k]!);
      if (lo === hi) continue;
      const y = canvasY(fc, rowTop(item, r)) + 1;
      // In a row ends are sorted too: start from the first that reaches the view.
      let k = firstAtLeast(lo, hi, t0, (j) => start[rows[j]!]! + dur[rows[j]!]!);
      while (k < hi) {
        const i = rows[k]!;
        const s = start[i]!;
        if (s > scale.end) break;
        const x = snap(scale.timeToPx(s), dpr);
        const w = Math.max(1, snap(scale.timeToPx(s + dur[i]!), dpr) - x);
        ctx.fillStyle = fc.colors.slice[nameColorIndex(model.strings, name[i]!)]!;
        ctx.fillRect(x, y, w, SLICE_HEIGHT);
        // The next one starting past this pixel column (or past this slice, if wider).
        k = firstAtLeast(k + 1, hi, Math.max(s + dur[i]!, t0 + (Math.floor((s - t0) / usPerPx) + 1) * usPerPx), (j) => start[rows[j]!]!);
      }
    }
  }
}
