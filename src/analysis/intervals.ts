// Sorting times and merging intervals in short tasks, for the overview's sweeps: a merge sort
// whose runs and merges are plain functions called between yields (no comparator sort of a
// million items in one task), and unions of intervals kept as two sorted Float64Arrays.

import { sortByRunsSteps } from '../lib/sort.ts';
import { type Work } from './sliced.ts';

const RUN = 4096;
/** Items merged per task before yielding (a merge is split at run boundaries only). */
const MERGE_BUDGET = 1 << 16;

/** Sorts `key` ascending, carrying `val` (same length) along; returns the sorted pair (the buffers may be new). */
export function* sortPairsWork(key: Float64Array, val: Float64Array | null): Work<{ key: Float64Array; val: Float64Array | null }> {
  // (the buffers swap between the input's and new ones)
  const n = key.length;
  if (n === 0) return { key, val };
  // Keys that come in long ascending runs (a row of a track after another) are merged run
  // by run: log(runs) passes instead of log(n / RUN) after sorting every RUN.
  let runs = 1;
  for (let i = 1; i < n; i++) if (key[i]! < key[i - 1]!) runs++;
  if (runs <= n >> 6) {
    const v = val ?? new Float64Array(n);
    yield* sortByRunsSteps(key, v);
    return { key, val };
  }
  let idx: Uint32Array | null = null;
  // Runs sorted in place.
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(n, lo + RUN);
    if (val) {
      idx ??= new Uint32Array(RUN);
      sortRunWithValues(key, val, lo, hi, idx);
    } else key.subarray(lo, hi).sort();
    if (hi < n) yield;
  }
  let srcK: Float64Array = key;
  let srcV: Float64Array | null = val;
  let dstK: Float64Array = new Float64Array(n);
  let dstV: Float64Array | null = val ? new Float64Array(n) : null;
  for (let width = RUN; width < n; width *= 2) {
    let done = 0;
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      mergeRuns(srcK, srcV, dstK, dstV, lo, mid, hi);
      done += hi - lo;
      if (done >= MERGE_BUDGET) {
        done = 0;
        yield;
      }
    }
    [srcK, dstK] = [dstK, srcK];
    [srcV, dstV] = [dstV, srcV];
    yield;
  }
  return { key: srcK, val: srcV };
}

function sortRunWithValues(key: Float64Array, val: Float64Array, lo: number, hi: number, idx: Uint32Array): void {
  const m = hi - lo;
  const ix = idx.subarray(0, m);
  for (let k = 0; k < m; k++) ix[k] = lo + k;
  ix.sort((a, b) => key[a]! - key[b]!);
  const k2 = new Float64Array(m);
  const v2 = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    k2[k] = key[ix[k]!]!;
    v2[k] = val[ix[k]!]!;
  }
  key.set(k2, lo);
  val.set(v2, lo);
}

function mergeRuns(sk: Float64Array, sv: Float64Array | null, dk: Float64Array, dv: Float64Array | null, lo: number, mid: number, hi: number): void {
  let i = lo;
  let j = mid;
  let o = lo;
  if (sv && dv) {
    while (i < mid && j < hi) {
      if (sk[j]! < sk[i]!) {
        dk[o] = sk[j]!;
        dv[o++] = sv[j++]!;
      } else {
        dk[o] = sk[i]!;
        dv[o++] = sv[i++]!;
      }
    }
    while (i < mid) {
      dk[o] = sk[i]!;
      dv[o++] = sv[i++]!;
    }
    while (j < hi) {
      dk[o] = sk[j]!;
      dv[o++] = sv[j++]!;
    }
    return;
  }
  while (i < mid && j < hi) dk[o++] = sk[j]! < sk[i]! ? sk[j++]! : sk[i++]!;
  while (i < mid) dk[o++] = sk[i++]!;
  while (j < hi) dk[o++] = sk[j++]!;
}

/** Disjoint intervals [start[k], end[k]), sorted, none touching another. */
export interface Union {
  start: Float64Array;
  end: Float64Array;
}

export const EMPTY_UNION: Union = { start: new Float64Array(0), end: new Float64Array(0) };

/**
 * The union of intervals given as their starts and their ends, each sorted on its own: the
 * number of intervals open at t is #(starts ≤ t) − #(ends ≤ t) whichever end belongs to which
 * start, so the pairing is not needed. Intervals that touch are joined.
 */
export function unionOfSorted(starts: Float64Array, ends: Float64Array): Union {
  const n = starts.length;
  const os = new Float64Array(n);
  const oe = new Float64Array(n);
  let k = 0;
  let i = 0;
  let j = 0;
  let open = 0;
  let from = 0;
  while (i < n) {
    if (starts[i]! <= ends[j]!) {
      if (open++ === 0) from = starts[i]!;
      i++;
    } else {
      if (--open === 0) {
        os[k] = from;
        oe[k++] = ends[j]!;
      }
      j++;
    }
  }
  if (n > 0) {
    os[k] = from;
    oe[k++] = ends[n - 1]!;
  }
  return { start: os.slice(0, k), end: oe.slice(0, k) };
}

/** a ∪ b, for two unions. */
export function unionOf(a: Union, b: Union): Union {
  const na = a.start.length;
  const nb = b.start.length;
  if (na === 0) return b;
  if (nb === 0) return a;
  const os = new Float64Array(na + nb);
  const oe = new Float64Array(na + nb);
  let k = 0;
  let i = 0;
  let j = 0;
  while (i < na || j < nb) {
    let s: number, e: number;
    if (j >= nb || (i < na && a.start[i]! <= b.start[j]!)) {
      s = a.start[i]!;
      e = a.end[i++]!;
    } else {
      s = b.start[j]!;
      e = b.end[j++]!;
    }
    if (k > 0 && s <= oe[k - 1]!) {
      if (e > oe[k - 1]!) oe[k - 1] = e;
    } else {
      os[k] = s;
      oe[k++] = e;
    }
  }
  return { start: os.slice(0, k), end: oe.slice(0, k) };
}

/** |u ∩ [s, e]|, by bisection to the first interval ending after s. */
export function measureIn(u: Union, s: number, e: number): number {
  let lo = 0;
  let hi = u.end.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u.end[mid]! <= s) lo = mid + 1;
    else hi = mid;
  }
  let sum = 0;
  for (let k = lo; k < u.start.length && u.start[k]! < e; k++) sum += Math.min(e, u.end[k]!) - Math.max(s, u.start[k]!);
  return sum;
}

/**
 * The union of intervals [starts[k], ends[k]) given in an order made of runs, each sorted by
 * start (as the model's slices come, a row of a track after another: within a row they do
 * not overlap). The runs are found (a start before the previous one begins a new run) and
 * their unions merged pairwise, in short tasks; intervals that touch are joined. Much less
 * than sorting all the starts and all the ends: nested slices collapse into their parents'
 * unions at the first merges.
 */
export function* unionOfRunsWork(starts: Float64Array, ends: Float64Array): Work<Union> {
  const n = starts.length;
  if (n === 0) return EMPTY_UNION;
  const unions: Union[] = [];
  let lo = 0;
  for (let k = 1; k <= n; k++) {
    if (k === n || starts[k]! < starts[k - 1]!) {
      unions.push(runUnion(starts, ends, lo, k));
      lo = k;
    }
  }
  yield;
  return yield* mergeUnionsWork(unions);
}

/** The union of several unions, merged pairwise in short tasks. */
export function* mergeUnionsWork(list: Union[]): Work<Union> {
  if (list.length === 0) return EMPTY_UNION;
  let unions = list;
  let done = 0;
  while (unions.length > 1) {
    const next: Union[] = [];
    for (let r = 0; r + 1 < unions.length; r += 2) {
      const a = unions[r]!, b = unions[r + 1]!;
      next.push(unionOf(a, b));
      done += a.start.length + b.start.length;
      if (done >= MERGE_BUDGET) {
        done = 0;
        yield;
      }
    }
    if (unions.length % 2) next.push(unions[unions.length - 1]!);
    unions = next;
  }
  return unions[0]!;
}

/** The union of intervals [lo, hi), sorted by start. */
function runUnion(starts: Float64Array, ends: Float64Array, lo: number, hi: number): Union {
  const os = new Float64Array(hi - lo);
  const oe = new Float64Array(hi - lo);
  let k = 0;
  let s = starts[lo]!, e = ends[lo]!;
  for (let i = lo + 1; i < hi; i++) {
    const a = starts[i]!;
    if (a <= e) {
      if (ends[i]! > e) e = ends[i]!;
    } else {
      os[k] = s;
      oe[k++] = e;
      s = a;
      e = ends[i]!;
    }
  }
  os[k] = s;
  oe[k++] = e;
  return k === hi - lo ? { start: os, end: oe } : { start: os.slice(0, k), end: oe.slice(0, k) };
}
