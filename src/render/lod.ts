// Level of detail for one slice row: turns the slices of a row overlapping [t0, t1] into at
// most ~2 rectangles per pixel column, whatever the number of slices.
//
// A row is a disjoint run sorted by start (see index/row-index.ts), so all slices that start
// inside one pixel column are contiguous, and all of them except the last end before the next
// one starts. Instead of walking them we jump over each column with one bisection on the
// next pixel boundary time: cost O(pixels · log n), never O(n) when zoomed out.
//
//   pixel:      |  p  | p+1 | p+2 |
//   slices:      ▮▮ ▮▮▮ ▮▮█████ ▮
//   rects:      [merged][  wide  ][1]
//
// Rules, per step from slice i:
//   - i at least 1 px wide → its own rect (count 1).
//   - else the group G = slices starting before the end of i's pixel column. If G's last slice
//     is at least 1 px wide it is left out of the group (drawn on its own next step, so a long
//     kernel after a burst of tiny ones keeps its colour and label). The rest becomes one rect
//     from i's start to the group's last end (ends are non-decreasing in a row).
//
// Each rect also carries its coverage: the busy share of the pixels it is drawn on (its slices'
// summed durations over max(1 px, its extent)), so a merged run of sparse kernels can be drawn
// as partly busy. A row's slices never overlap, so the sum is the busy time (to float rounding); it is read from a prefix
// sum of durations (durPrefix), one subtraction per rect.
//
// Coordinates are CSS px from the left edge of the time area, clamped to [-1, width + 1] so
// deep zoom never hands the canvas coordinates like 1e12.

import { firstEndingAtOrAfter, gallopAfter, gallopAtOrAfter } from '../index/row-index.ts';

/** How many slices of a merged group are looked at to pick its representative. */
export const LOD_SCAN_CAP = 16;

/** Preallocated output (struct of arrays); `length` rects are valid after a query. */
export class LodBuffer {
  x = new Float32Array(0);
  w = new Float32Array(0);
  /** The representative slice: the longest of the group (of up to LOD_SCAN_CAP sampled ones). */
  slice = new Uint32Array(0);
  /** Slices merged into the rect (1 = a real slice drawn as itself). */
  count = new Uint32Array(0);
  /** Busy share in [0, 1] of the rect's drawn width (its extent, at least 1 px). */
  cover = new Float32Array(0);
  length = 0;

  constructor(widthPx = 0) {
    this.ensure(widthPx);
  }

  /** Makes room for a query over `widthPx` columns (≤ 2 rects per column, plus the edges). */
  ensure(widthPx: number): void {
    const need = 2 * Math.ceil(Math.max(0, widthPx)) + 8;
    if (this.x.length >= need) return;
    this.x = new Float32Array(need);
    this.w = new Float32Array(need);
    this.slice = new Uint32Array(need);
    this.count = new Uint32Array(need);
    this.cover = new Float32Array(need);
  }
}

/**
 * Fills `out` with the rects of row [lo, hi) over the view [t0, t1] drawn `widthPx` wide.
 * `prefix` is durPrefix(dur) (coverage of merged rects; without it their durations are summed
 * one by one). Returns the number of rects (also `out.length`).
 */
export function lodRow(
  start: Float64Array,
  dur: Float64Array,
  lo: number,
  hi: number,
  t0: number,
  t1: number,
  widthPx: number,
  out: LodBuffer,
  prefix: Float64Array | null = null,
): number {
  out.ensure(widthPx);
  out.length = 0;
  if (!(t1 > t0) || !(widthPx > 0)) return 0;
  const k = widthPx / (t1 - t0); // px per µs
  const cap = out.x.length;
  let n = 0;
  let i = firstEndingAtOrAfter(start, dur, lo, hi, t0);
  while (i < hi && n < cap) {
    const s = start[i]!;
    if (s > t1) break;
    const x0 = (s - t0) * k;
    const x1 = (s + dur[i]! - t0) * k;
    if (x1 - x0 >= 1) {
      n = emit(out, n, widthPx, x0, x1, i, 1, 1);
      i++;
      continue;
    }
    const p = Math.floor(Math.max(x0, -1));
    const boundary = t0 + (p + 1) / k;
    // The last column may reach past t1: never swallow slices that start after the view.
    const j = boundary > t1 ? gallopAfter(start, i + 1, hi, t1) : gallopAtOrAfter(start, i + 1, hi, boundary);
    let end = j; // group is [i, end)
    if (j > i + 1) {
      const last = j - 1;
      if (dur[last]! * k >= 1) end = last;
    }
    if (end === i + 1) {
      n = emit(out, n, widthPx, x0, x1, i, 1, x1 - x0);
    } else {
      const lastEnd = (start[end - 1]! + dur[end - 1]! - t0) * k;
      const busy = (prefix ? prefix[end]! - prefix[i]! : sumDur(dur, i, end)) * k;
      n = emit(out, n, widthPx, x0, lastEnd, longestSampled(dur, i, end), end - i, busy / Math.max(1, lastEnd - x0));
    }
    i = end;
  }
  out.length = n;
  return n;
}

function emit(out: LodBuffer, n: number, widthPx: number, x0: number, x1: number, slice: number, count: number, cover: number): number {
  const a = Math.max(x0, -1);
  const b = Math.min(x1, widthPx + 1);
  out.x[n] = a;
  out.w[n] = Math.max(0, b - a);
  out.slice[n] = slice;
  out.count[n] = count;
  out.cover[n] = Math.min(1, Math.max(0, cover));
  return n + 1;
}

function sumDur(dur: Float64Array, a: number, b: number): number {
  let s = 0;
  for (let i = a; i < b; i++) s += dur[i]!;
  return s;
}

const prefixes = new WeakMap<Float64Array, Float64Array>();

/**
 * Prefix sums of `dur` (length n + 1; the durations of [a, b) are p[b] − p[a]), built once per
 * slice table on first use: 8 bytes per slice. Rows are contiguous runs of the table, so one
 * array serves every row.
 */
export function durPrefix(dur: Float64Array): Float64Array {
  let p = prefixes.get(dur);
  if (!p) {
    p = new Float64Array(dur.length + 1);
    let s = 0;
    for (let i = 0; i < dur.length; i++) {
      s += dur[i]!;
      p[i + 1] = s;
    }
    prefixes.set(dur, p);
  }
  return p;
}

/** The longest of [a, b), sampling at most LOD_SCAN_CAP evenly spaced slices (first wins ties). */
export function longestSampled(dur: Float64Array, a: number, b: number): number {
  const stride = Math.max(1, Math.ceil((b - a) / LOD_SCAN_CAP));
  let best = a;
  for (let i = a + stride; i < b; i += stride) if (dur[i]! > dur[best]!) best = i;
  return best;
}
