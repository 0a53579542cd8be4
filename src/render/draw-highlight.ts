// The highlighted slices (a table row's instances or a search's matches), painted over the
// dimmed tracks so that none vanishes inside a merged run: at least one pixel wide, full
// height, in their own colour. Walks only the instances that start in the view (they are
// in time order), at most one per pixel column of a row.

import { nameColorIndex } from './colors.ts';
import { canvasY, modelOf, snap, visibleLayoutRange, type FrameContext } from './frame-context.ts';
import { ROW_HEIGHT, rowTop } from './track-layout.ts';

const SLICE_HEIGHT = ROW_HEIGHT - 2;

export function paintHighlight(fc: FrameContext): void {
  const h = fc.highlight;
  if (!h || h.instances.length === 0) return;
  const model = modelOf(fc.traces, h.trace);
  const items = fc.layout.trackItem.get(h.trace);
  if (!model || !items) return;
  const { start, dur, track, depth, name } = model.slices;
  const { ctx, scale, dpr } = fc;
  const [top, bottom] = visibleLayoutRange(fc);
  const inst = h.instances;
  // First instance ending in the view: instances are sorted by start, and one that started
  // before the view and is still running is wide, so painted by the tracks already.
  let lo = 0;
  let hi = inst.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (start[inst[mid]!]! < scale.start) lo = mid + 1;
    else hi = mid;
  }
  const lastPx = new Map<number, number>();
  for (let k = lo; k < inst.length; k++) {
    const i = inst[k]!;
    const s = start[i]!;
    if (s > scale.end) break;
    const at = items[track[i]!]!;
    if (at < 0) continue; // collapsed process
    const item = fc.layout.items[at]!;
    const ly = rowTop(item, depth[i]!);
    if (ly + ROW_HEIGHT < top || ly > bottom || depth[i]! >= item.depthRows) continue;
    const x = snap(scale.timeToPx(s), dpr);
    const key = track[i]! * 65536 + depth[i]!;
    if (lastPx.get(key) === x) continue;
    lastPx.set(key, x);
    const w = Math.max(1, snap(scale.timeToPx(s + dur[i]!), dpr) - x);
    ctx.fillStyle = fc.colors.slice[nameColorIndex(model.strings, name[i]!)]!;
    ctx.fillRect(x, canvasY(fc, ly) + 1, w, SLICE_HEIGHT);
  }
}
