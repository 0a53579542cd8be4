// Keyboard navigation between slices, over the columns alone. Slices are sorted by
// (track, row, start) and one row never overlaps itself, so the neighbours of slice i in its
// row are i − 1 and i + 1, and "what covers time t in the row above" is one binary search.
//
//   ←/→  previous / next slice in the same row of the same track (by start time)
//   ↑    the nearest slice in a row above that covers the selected slice's start (its parent)
//   ↓    the first slice in the row below that lies within the selected slice (first child)
//
// Every function returns the slice index to select, or null when there is none (the first
// or last slice of a row, a top-level slice, a leaf).

import type { TraceModel } from '../../model/types.ts';
import { firstEndingAtOrAfter, firstStartingAfter, firstStartingAtOrAfter } from '../../index/row-index.ts';
import { itemIndexAt, ROW_HEIGHT, rowTop, type TrackLayout } from '../../render/track-layout.ts';
import type { View } from './view-math.ts';
import { offsetOf } from '../../store/trace-time.ts';

export type NavDirection = 'left' | 'right' | 'up' | 'down';

/** [first, end) of slice i's row. */
function rowBounds(m: TraceModel, i: number, row: number): [number, number] | null {
  const rs = m.tracks[m.slices.track[i]!]!.rowStart;
  if (row < 0 || row + 1 >= rs.length) return null;
  return [rs[row]!, rs[row + 1]!];
}

export function neighbourSlice(m: TraceModel, i: number, dir: NavDirection): number | null {
  const { start, dur, depth } = m.slices;
  if (!(i >= 0 && i < start.length)) return null;
  const row = depth[i]!;
  if (dir === 'left' || dir === 'right') {
    const b = rowBounds(m, i, row);
    if (!b) return null;
    const j = dir === 'left' ? i - 1 : i + 1;
    return j >= b[0] && j < b[1] ? j : null;
  }
  const s = start[i]!;
  const e = s + dur[i]!;
  if (dir === 'up') {
    // Nested slices have their parent in the row just above; a slice sent to an extra lane
    // (it overlaps without nesting) finds the slice it overlaps further up.
    for (let r = row - 1; r >= 0; r--) {
      const b = rowBounds(m, i, r)!;
      // The last slice starting at or before s is the only one of the row that can cover s;
      // among equal starts (an instant beside a slice) take the longest.
      let j = firstStartingAfter(start, b[0], b[1], s) - 1;
      if (j < b[0]) continue;
      let best = j;
      for (const t = start[j]!; j > b[0] && start[j - 1] === t; ) if (dur[--j]! > dur[best]!) best = j;
      const end = start[best]! + dur[best]!;
      if (end > s || end >= e) return best;
    }
    return null;
  }
  const b = rowBounds(m, i, row + 1);
  if (!b) return null;
  const j = firstStartingAtOrAfter(start, b[0], b[1], s);
  return j < b[1] && start[j]! + dur[j]! <= e ? j : null;
}

/**
 * The slice an arrow key selects when nothing is: in the topmost track row visible on screen
 * that has a slice in the time window, the leftmost such slice. `scrollY` and `height` are the
 * visible band of the track area, in layout y; traces are tried in layout order.
 */
export function firstVisibleSlice(
  traces: readonly { id: string; model: TraceModel; offsetUs?: number }[],
  layout: TrackLayout,
  view: View,
  scrollY: number,
  height: number,
): { trace: string; slice: number } | null {
  const { items } = layout;
  const byId = new Map(traces.map((t) => [t.id, t]));
  for (let k = Math.max(0, itemIndexAt(items, scrollY)); k < items.length; k++) {
    const it = items[k]!;
    if (it.y >= scrollY + height) break;
    if (it.kind !== 'track' || it.track === undefined || it.counter) continue;
    const t = byId.get(it.traceId);
    if (!t) continue;
    const m = t.model;
    // The view in this trace's own time.
    const v0 = view.start - offsetOf(t);
    const v1 = view.end - offsetOf(t);
    const { start, dur } = m.slices;
    const rs = m.tracks[it.track]!.rowStart;
    for (let r = 0; r + 1 < rs.length; r++) {
      const top = rowTop(it, r);
      if (top + ROW_HEIGHT <= scrollY) continue;
      if (top >= scrollY + height) break;
      const j = firstEndingAtOrAfter(start, dur, rs[r]!, rs[r + 1]!, v0);
      if (j < rs[r + 1]! && start[j]! <= v1) return { trace: it.traceId, slice: j };
    }
  }
  return null;
}
