// Sorted, disjoint time intervals in two typed arrays (the hints' sets; intervals.ts sorts and merges
// for the overview), and the few set operations the hints need: union, intersection, difference. Each is one linear merge: no sort.

export interface Intervals {
  s: Float64Array;
  e: Float64Array;
  n: number;
}

export const NO_INTERVALS: Intervals = { s: new Float64Array(0), e: new Float64Array(0), n: 0 };

/** An interval list built by appending in start order; touching or overlapping pieces merge. */
export class IntervalBuilder {
  s: Float64Array;
  e: Float64Array;
  n = 0;

  constructor(capacity = 64) {
    this.s = new Float64Array(Math.max(4, capacity));
    this.e = new Float64Array(Math.max(4, capacity));
  }

  /** Adds [a, b) (a must not be before the last added start); empty ones are skipped. */
  add(a: number, b: number): void {
    if (!(b > a)) return;
    const n = this.n;
    if (n > 0 && a <= this.e[n - 1]!) {
      if (b > this.e[n - 1]!) this.e[n - 1] = b;
      return;
    }
    if (n === this.s.length) {
      const s = new Float64Array(n * 2);
      const e = new Float64Array(n * 2);
      s.set(this.s);
      e.set(this.e);
      this.s = s;
      this.e = e;
    }
    this.s[n] = a;
    this.e[n] = b;
    this.n = n + 1;
  }

  done(): Intervals {
    return { s: this.s, e: this.e, n: this.n };
  }
}

/** a ∪ b. */
export function union(a: Intervals, b: Intervals): Intervals {
  if (b.n === 0) return a;
  if (a.n === 0) return b;
  const out = new IntervalBuilder(a.n + b.n);
  let i = 0;
  let j = 0;
  while (i < a.n || j < b.n) {
    if (j >= b.n || (i < a.n && a.s[i]! <= b.s[j]!)) {
      out.add(a.s[i]!, a.e[i]!);
      i++;
    } else {
      out.add(b.s[j]!, b.e[j]!);
      j++;
    }
  }
  return out.done();
}

/** The union of many lists, merged pairwise (so each level is linear). */
export function unionAll(lists: Intervals[]): Intervals {
  let level = lists.filter((l) => l.n > 0);
  if (level.length === 0) return NO_INTERVALS;
  while (level.length > 1) {
    const next: Intervals[] = [];
    for (let k = 0; k < level.length; k += 2) next.push(k + 1 < level.length ? union(level[k]!, level[k + 1]!) : level[k]!);
    level = next;
  }
  return level[0]!;
}

/** a ∩ b. */
export function intersect(a: Intervals, b: Intervals): Intervals {
  const out = new IntervalBuilder(Math.max(a.n, b.n));
  let i = 0;
  let j = 0;
  while (i < a.n && j < b.n) {
    const lo = Math.max(a.s[i]!, b.s[j]!);
    const hi = Math.min(a.e[i]!, b.e[j]!);
    if (hi > lo) out.add(lo, hi);
    if (a.e[i]! < b.e[j]!) i++;
    else j++;
  }
  return out.done();
}

/** a \ b. */
export function subtract(a: Intervals, b: Intervals): Intervals {
  const out = new IntervalBuilder(a.n + b.n);
  let j = 0;
  for (let i = 0; i < a.n; i++) {
    let lo = a.s[i]!;
    const hi = a.e[i]!;
    while (j < b.n && b.e[j]! <= lo) j++;
    let k = j;
    while (k < b.n && b.s[k]! < hi) {
      if (b.s[k]! > lo) out.add(lo, b.s[k]!);
      lo = Math.max(lo, b.e[k]!);
      k++;
    }
    if (hi > lo) out.add(lo, hi);
  }
  return out.done();
}

export function totalLength(a: Intervals): number {
  let t = 0;
  for (let i = 0; i < a.n; i++) t += a.e[i]! - a.s[i]!;
  return t;
}

/** |[lo, hi) ∩ a|, by bisection into a. */
export function coveredIn(a: Intervals, lo: number, hi: number): number {
  let l = 0;
  let h = a.n;
  while (l < h) {
    const mid = (l + h) >>> 1;
    if (a.e[mid]! <= lo) l = mid + 1;
    else h = mid;
  }
  let t = 0;
  for (let i = l; i < a.n && a.s[i]! < hi; i++) t += Math.max(0, Math.min(hi, a.e[i]!) - Math.max(lo, a.s[i]!));
  return t;
}

/** One interval per call: [a, b). */
export function single(a: number, b: number): Intervals {
  const out = new IntervalBuilder(1);
  out.add(a, b);
  return out.done();
}
