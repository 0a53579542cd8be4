// The interval index. Slices are stored sorted by (track, row, start), and the layout
// guarantees that slices of one row never overlap. So within a row both starts and ends
// are non-decreasing, and the row *is* an interval index over its slices: "which slices
// of this row overlap [t0, t1]" is one binary search on the ends plus a walk over the k
// hits. That costs no memory beyond the columns themselves, where an augmented tree would
// add a max-end value per slice (8 bytes an event).
//
//   row r of track T:  [rowStart[r], rowStart[r+1])   start[i] <= start[i+1], end[i] <= start[i+1]

import type { SliceColumns, TrackInfo } from '../model/types.ts';

/** First i in [lo, hi) with start[i] + dur[i] >= t (hi if none). */
export function firstEndingAtOrAfter(start: Float64Array, dur: Float64Array, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (start[mid]! + dur[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First i in [lo, hi) with start[i] >= t (hi if none). */
export function firstStartingAtOrAfter(start: Float64Array, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (start[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First i in [lo, hi) with start[i] > t (hi if none). */
export function firstStartingAfter(start: Float64Array, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (start[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Calls `visit(i)` for every slice of the track overlapping [t0, t1] (closed), row by row. */
export function forEachOverlapping(
  slices: SliceColumns,
  track: TrackInfo,
  t0: number,
  t1: number,
  visit: (i: number) => void,
): void {
  const { start, dur } = slices;
  const rows = track.rowStart;
  for (let r = 0; r + 1 < rows.length; r++) {
    const hi = rows[r + 1]!;
    for (let i = firstEndingAtOrAfter(start, dur, rows[r]!, hi, t0); i < hi && start[i]! <= t1; i++) visit(i);
  }
}

/** The slices of a track overlapping [t0, t1], as an array (tests and small queries). */
export function overlapping(slices: SliceColumns, track: TrackInfo, t0: number, t1: number): number[] {
  const out: number[] = [];
  forEachOverlapping(slices, track, t0, t1, (i) => out.push(i));
  return out;
}

/**
 * The deepest slice of the track with start <= t <= end, or -1. Ties between rows go to
 * the deeper row, so a launch inside an op is found rather than the op.
 */
export function enclosingAt(slices: SliceColumns, rowStart: ArrayLike<number>, t: number): number {
  const { start, dur } = slices;
  for (let r = rowStart.length - 2; r >= 0; r--) {
    const lo = rowStart[r]!;
    const hi = rowStart[r + 1]!;
    const i = firstEndingAtOrAfter(start, dur, lo, hi, t);
    if (i < hi && start[i]! <= t) return i;
  }
  return -1;
}

/** The first slice of the track starting at or after t (the shallowest row wins ties), or -1. */
export function nextStartingAt(slices: SliceColumns, rowStart: ArrayLike<number>, t: number): number {
  const { start } = slices;
  let best = -1;
  for (let r = 0; r + 1 < rowStart.length; r++) {
    const hi = rowStart[r + 1]!;
    const i = firstStartingAtOrAfter(start, rowStart[r]!, hi, t);
    if (i < hi && (best < 0 || start[i]! < start[best]!)) best = i;
  }
  return best;
}

// Galloping (exponential) search from `lo`: the answer is usually a few dozen slices ahead,
// so probing 1, 2, 4, … then bisecting the last gap (the bisections above) touches a handful of nearby cache lines
// where a bisection over the whole row would miss the cache ~20 times on a large trace.

/** First i in [lo, hi) with start[i] >= t (hi if none). */
export function gallopAtOrAfter(start: Float64Array, lo: number, hi: number, t: number): number {
  let step = 1;
  let prev = lo;
  let probe = lo;
  while (probe < hi && start[probe]! < t) {
    prev = probe + 1;
    probe = lo + step;
    step *= 2;
  }
  return firstStartingAtOrAfter(start, prev, Math.min(probe, hi), t);
}

/** First i in [lo, hi) with start[i] > t (hi if none). */
export function gallopAfter(start: Float64Array, lo: number, hi: number, t: number): number {
  let step = 1;
  let prev = lo;
  let probe = lo;
  while (probe < hi && start[probe]! <= t) {
    prev = probe + 1;
    probe = lo + step;
    step *= 2;
  }
  return firstStartingAfter(start, prev, Math.min(probe, hi), t);
}

/** First i in [lo, hi) with start[i] + dur[i] >= t (hi if none), galloping from lo. */
function gallopEndingAtOrAfter(start: Float64Array, dur: Float64Array, lo: number, hi: number, t: number): number {
  let step = 1;
  let prev = lo;
  let probe = lo;
  while (probe < hi && start[probe]! + dur[probe]! < t) {
    prev = probe + 1;
    probe = lo + step;
    step *= 2;
  }
  return firstEndingAtOrAfter(start, dur, prev, Math.min(probe, hi), t);
}

/**
 * enclosingAt (where `enclosing[p]`) or nextStartingAt for many points p of one track, taken
 * in time order (`order`), into out[p]. Each row keeps a cursor that only moves forward, so a
 * track's rows are walked once (galloping) for all its points instead of searched once per point
 * per row (flow endpoints are hundreds of thousands on a big trace).
 */
export function bindInTimeOrder(
  slices: SliceColumns,
  rowStart: ArrayLike<number>,
  order: ArrayLike<number>,
  t: Float64Array,
  enclosing: Uint8Array,
  out: Int32Array,
): void {
  const { start, dur } = slices;
  const rows = rowStart.length - 1;
  const endCursor = new Int32Array(Math.max(0, rows));
  const startCursor = new Int32Array(Math.max(0, rows));
  for (let r = 0; r < rows; r++) endCursor[r] = startCursor[r] = rowStart[r]!;
  for (let k = 0; k < order.length; k++) {
    const p = order[k]!;
    const tp = t[p]!;
    let found = -1;
    if (enclosing[p]) {
      for (let r = rows - 1; r >= 0; r--) {
        const hi = rowStart[r + 1]!;
        const i = gallopEndingAtOrAfter(start, dur, endCursor[r]!, hi, tp);
        endCursor[r] = i;
        if (i < hi && start[i]! <= tp) {
          found = i;
          break;
        }
      }
    } else {
      for (let r = 0; r < rows; r++) {
        const hi = rowStart[r + 1]!;
        const i = gallopAtOrAfter(start, startCursor[r]!, hi, tp);
        startCursor[r] = i;
        if (i < hi && (found < 0 || start[i]! < start[found]!)) found = i;
      }
    }
    out[p] = found;
  }
}
