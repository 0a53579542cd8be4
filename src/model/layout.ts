// Lays slices out in rows: per track, sort by start (longest first on ties, then file
// order, so parents precede children), nest them with a stack, and send slices that
// overlap without nesting (GPU kernels can) to extra lanes below, never on top of each
// other. Then order the columns by (track, row, start): each row becomes a disjoint,
// sorted run, which is what the row index and the renderer need.

import { sortRuns } from '../lib/sort.ts';

/** Nesting closer than this (µs, i.e. 1 ps) is rounding noise, not an overlap. */
const EPS = 1e-6;

export interface Layout {
  /** order[k] = temporary index of the slice at final position k. */
  order: Uint32Array;
  /** row of the slice at final position k. */
  row: Uint16Array;
  /** Per track: row start offsets into the final order, length rows + 1. */
  rowStarts: number[][];
  /** Slices whose row did not fit in 16 bits (put on the last row). */
  clampedRows: number;
}

export function layoutSlices(
  start: Float64Array,
  dur: Float64Array,
  track: Uint32Array,
  trackCount: number,
): Layout {
  const n = start.length;
  // Counting sort by track, stable (file order within a track).
  const trackFirst = new Uint32Array(trackCount + 1);
  for (let i = 0; i < n; i++) trackFirst[track[i]! + 1]!++;
  for (let t = 0; t < trackCount; t++) trackFirst[t + 1]! += trackFirst[t]!;
  const byTrack = new Uint32Array(n);
  const fill = trackFirst.slice(0, trackCount);
  for (let i = 0; i < n; i++) byTrack[fill[track[i]!]!++] = i;

  const order = new Uint32Array(n);
  const row = new Uint16Array(n);
  const rowStarts: number[][] = [];
  // Per position in byTrack (start order within a track), not per slice: the passes below
  // then read them in sequence instead of gathering by slice index.
  const lane = new Uint32Array(n);
  const depthInLane = new Uint32Array(n);
  let clampedRows = 0;

  for (let t = 0; t < trackCount; t++) {
    const lo = trackFirst[t]!;
    const hi = trackFirst[t + 1]!;
    const seg = byTrack.subarray(lo, hi);
    orderByStart(seg, start, dur);

    // Assign lanes and depths. Each lane is a stack of the ends of its open slices (typed,
    // with its own top, not a JS array pushed and popped per slice).
    const stacks: Float64Array[] = [];
    const tops: number[] = [];
    const laneMax: number[] = [];
    for (let k = 0; k < seg.length; k++) {
      const i = seg[k]!;
      const s = start[i]!;
      const e = s + dur[i]!;
      let placed = -1;
      for (let L = 0; L < stacks.length; L++) {
        const stack = stacks[L]!;
        let top = tops[L]!;
        while (top > 0 && stack[top - 1]! <= s) top--;
        tops[L] = top;
        if (top === 0 || e <= stack[top - 1]! + EPS) {
          placed = L;
          break;
        }
      }
      if (placed < 0) {
        placed = stacks.length;
        stacks.push(new Float64Array(16));
        tops.push(0);
        laneMax.push(0);
      }
      let stack = stacks[placed]!;
      const d = tops[placed]!;
      if (d === stack.length) {
        const grown = new Float64Array(d * 2);
        grown.set(stack);
        stacks[placed] = stack = grown;
      }
      // A child that overhangs its parent by rounding noise is clamped to the parent's end.
      stack[d] = d > 0 ? Math.min(e, stack[d - 1]!) : e;
      tops[placed] = d + 1;
      lane[lo + k] = placed;
      depthInLane[lo + k] = d;
      if (d > laneMax[placed]!) laneMax[placed] = d;
    }
    const laneBase: number[] = [];
    let rows = 0;
    for (let L = 0; L < stacks.length; L++) {
      laneBase.push(rows);
      rows += laneMax[L]! + 1;
    }
    // Stable counting sort of the segment by row keeps start order within each row.
    const rowCount = new Uint32Array(rows + 1);
    for (let k = lo; k < hi; k++) rowCount[laneBase[lane[k]!]! + depthInLane[k]! + 1]!++;
    for (let r = 0; r < rows; r++) rowCount[r + 1]! += rowCount[r]!;
    const starts = Array.from(rowCount, (v) => v + lo);
    const cursor = rowCount.slice(0, rows);
    for (let k = 0; k < seg.length; k++) {
      const r = laneBase[lane[lo + k]!]! + depthInLane[lo + k]!;
      const at = lo + cursor[r]!++;
      order[at] = seg[k]!;
      if (r > 0xffff) clampedRows++;
      row[at] = Math.min(r, 0xffff);
    }
    rowStarts.push(seg.length === 0 ? [lo] : starts);
  }
  return { order, row, rowStarts, clampedRows };
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Sorts slice indices by start, longest first on ties, then index: what `before` says, by an
 * LSD radix sort on the bits of the start time (non-negative doubles order as their bits do).
 * It is stable, so equal starts keep index order; short runs of equal starts are then
 * ordered by duration. A comparison sort took most of the layout time on 10^6 slices.
 */
export function sortByStart(seg: Uint32Array, start: Float64Array, dur: Float64Array): void {
  const n = seg.length;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    f64[0] = start[seg[k]!]! + 0; // -0 → +0
    hi[k] = u32[LITTLE ? 1 : 0]!;
    lo[k] = u32[LITTLE ? 0 : 1]!;
  }
  // Positions into seg, sorted by (hi, lo), least significant digit first: 16-bit digits for
  // big tracks, bytes for the rest (each 16-bit pass walks 65,536 counters, which a trace
  // with hundreds of small threads would pay per track).
  let order = new Uint32Array(n);
  let next = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  const bits = n >= 1 << 16 ? 16 : 8;
  const digits = 1 << bits;
  const mask = digits - 1;
  const count = new Uint32Array(digits + 1);
  for (let pass = 0; pass < 64 / bits; pass++) {
    const words = pass < 32 / bits ? lo : hi;
    const shift = (pass * bits) & 31;
    count.fill(0);
    for (let k = 0; k < n; k++) count[((words[k]! >>> shift) & mask) + 1]!++;
    let same = false;
    for (let d = 0; d < digits; d++) {
      if (count[d + 1] === n) same = true;
      count[d + 1]! += count[d]!;
    }
    if (same) continue; // every key has this digit: the pass would not move anything
    for (let k = 0; k < n; k++) {
      const p = order[k]!;
      next[count[(words[p]! >>> shift) & mask]!++] = p;
    }
    [order, next] = [next, order];
  }
  const out = next;
  for (let k = 0; k < n; k++) out[k] = seg[order[k]!]!;
  // equal starts: longest first, then index (the radix sort kept index order)
  sortRuns(out, (i) => start[i]!, (a, b) => dur[b]! - dur[a]! || a - b);
  seg.set(out);
}

/**
 * Orders slice indices by start, longest first on ties, then index (parents before their
 * children), unless they already are: by a radix sort past 512, else a comparison sort.
 */
export function orderByStart(seg: Uint32Array, start: Float64Array, dur: Float64Array): void {
  const before = (a: number, b: number): number => start[a]! - start[b]! || dur[b]! - dur[a]! || a - b;
  let sorted = true;
  for (let k = 1; k < seg.length && sorted; k++) sorted = before(seg[k - 1]!, seg[k]!) <= 0;
  if (sorted) return;
  if (seg.length > 512) sortByStart(seg, start, dur);
  else seg.sort(before);
}
