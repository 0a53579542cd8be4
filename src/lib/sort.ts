// Sorting index arrays by small integer keys and within runs: the sorts the model's finish
// needs, where one comparison sort over 10^6 indices took most of the time.

/** Indices 0..n-1 ordered by values[i] (small non-negative integers), stable. */
export function countingOrder(values: Uint32Array, n: number): Uint32Array {
  let max = 0;
  for (let i = 0; i < n; i++) if (values[i]! > max) max = values[i]!;
  const first = new Uint32Array(max + 2);
  for (let i = 0; i < n; i++) first[values[i]! + 1]!++;
  for (let v = 0; v <= max; v++) first[v + 1]! += first[v]!;
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[first[values[i]!]!++] = i;
  return out;
}

/** Within each run of equal group(idx[k]), sorts idx by `cmp` (insertion sort: runs are short). */
export function sortRuns(idx: Uint32Array, group: (i: number) => number, cmp: (a: number, b: number) => number): void {
  const n = idx.length;
  for (let g = 0; g < n; ) {
    const v = group(idx[g]!);
    let end = g + 1;
    while (end < n && group(idx[end]!) === v) end++;
    if (end - g > 64) idx.subarray(g, end).sort(cmp);
    else {
      for (let k = g + 1; k < end; k++) {
        const x = idx[k]!;
        let j = k - 1;
        while (j >= g && cmp(idx[j]!, x) > 0) {
          idx[j + 1] = idx[j]!;
          j--;
        }
        idx[j + 1] = x;
      }
    }
    g = end;
  }
}

/**
 * Sorts `t` ascending with `v` alongside, stably, by merging its ascending runs bottom-up:
 * O(n log runs). Built for times gathered row by row (each row already sorted), where a
 * comparison sort of an index array would cost far more.
 */
export function sortByRuns(t: Float64Array, v: Float64Array): void {
  const steps = sortByRunsSteps(t, v);
  while (!steps.next().done);
}

/** sortByRuns one merge pass at a time: yields between passes (each O(n)), so a caller can give the thread back. */
export function* sortByRunsSteps(t: Float64Array, v: Float64Array): Generator<void, void, void> {
  const n = t.length;
  const bounds: number[] = [0];
  findRuns(t, bounds);
  if (bounds.length === 1) return;
  bounds.push(n);
  let srcT: Float64Array = t;
  let srcV: Float64Array = v;
  let dstT: Float64Array = new Float64Array(n);
  let dstV: Float64Array = new Float64Array(n);
  let b = bounds;
  while (b.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < b.length; r += 2) {
      const lo = b[r]!;
      const mid = b[r + 1]!;
      const hi = r + 2 < b.length ? b[r + 2]! : mid;
      mergeRun(srcT, srcV, dstT, dstV, lo, mid, hi);
      next.push(hi);
    }
    b = next;
    [srcT, dstT] = [dstT, srcT];
    [srcV, dstV] = [dstV, srcV];
    if (b.length > 2) yield;
  }
  if (srcT !== t) {
    t.set(srcT);
    v.set(srcV);
  }
}

function mergeRun(t: Float64Array, v: Float64Array, ot: Float64Array, ov: Float64Array, lo: number, mid: number, hi: number): void {
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) {
    if (t[j]! < t[i]!) {
      ot[k] = t[j]!;
      ov[k++] = v[j++]!;
    } else {
      ot[k] = t[i]!;
      ov[k++] = v[i++]!;
    }
  }
  while (i < mid) {
    ot[k] = t[i]!;
    ov[k++] = v[i++]!;
  }
  while (j < hi) {
    ot[k] = t[j]!;
    ov[k++] = v[j++]!;
  }
}

function findRuns(t: Float64Array, bounds: number[]): void {
  for (let i = 1; i < t.length; i++) if (t[i]! < t[i - 1]!) bounds.push(i);
}

/**
 * Indices 0..n-1 ordered by keys[i] ascending, ties in index order (stable): an LSD radix
 * sort over the keys' bits, 16 at a time, skipping digits every key shares. Keys must not be
 * NaN; -0 sorts with 0.
 */
export function orderByFloat(keys: Float64Array): Uint32Array {
  const n = keys.length;
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = keys[i - 1]! <= keys[i]!;
  if (sorted) return order;
  // The bits of each key as an unsigned integer in the keys' order: flip every bit of a
  // negative one, only the sign bit of the others.
  const words = new Uint32Array(n * 2);
  const f = new Float64Array(1);
  const w = new Uint32Array(f.buffer);
  for (let i = 0; i < n; i++) {
    f[0] = keys[i]! + 0; // (-0 + 0 is 0)
    const hi = w[1]!, lo = w[0]!;
    if (hi & 0x80000000) {
      words[2 * i] = ~lo >>> 0;
      words[2 * i + 1] = ~hi >>> 0;
    } else {
      words[2 * i] = lo;
      words[2 * i + 1] = (hi | 0x80000000) >>> 0;
    }
  }
  let next = new Uint32Array(n);
  const count = new Uint32Array(65537);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1, shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[((words[2 * i + word]! >>> shift) & 0xffff) + 1]!++;
    if (count[((words[word]! >>> shift) & 0xffff) + 1] === n) continue; // every key has this digit
    for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      next[count[(words[2 * i + word]! >>> shift) & 0xffff]!++] = i;
    }
    [order, next] = [next, order];
  }
  return order;
}

/**
 * The indices of the k largest of values[0, n) (k ≥ 1), largest first; ties by `tie[i]`
 * ascending, then by index (an array, not a callback: one call site, one shape). A selection (Hoare's quickselect on a copy) finds the k-th value,
 * then one pass picks those above it and, in index order, enough of those equal to it: O(n)
 * plus the sort of the k picked, instead of a sort of all n.
 */
export function topIndices(values: Float64Array, n: number, k: number, tie: Float64Array): number[] {
  let picked: number[];
  if (n <= k) picked = Array.from({ length: n }, (_, j) => j);
  else {
    const threshold = kthLargest(values.slice(0, n), k);
    picked = [];
    for (let j = 0; j < n; j++) if (values[j]! > threshold) picked.push(j);
    for (let j = 0; j < n && picked.length < k; j++) if (values[j] === threshold) picked.push(j);
  }
  return picked.sort((x, y) => values[y]! - values[x]! || tie[x]! - tie[y]! || x - y);
}

/** The k-th largest value of `a` (1 ≤ k ≤ a.length; no NaN); reorders `a`. */
export function kthLargest(a: Float64Array, k: number): number {
  // the (n − k)-th smallest, by Hoare partitions around a median of three
  const target = a.length - k;
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const x = a[lo]!, y = a[mid]!, z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target]!;
  }
  return a[target]!;
}
