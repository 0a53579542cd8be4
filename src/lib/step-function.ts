// A piecewise-constant function of time kept with its running integral, so that its mean over
// any interval is two bisections and a subtraction: O(log k) per bucket whatever the number of
// pieces in it (the GPU metric tracks draw a few hundred buckets a frame over up to 10^6 pieces).
//
//   value v[j] on [t[j], t[j+1]);  0 before t[0] and from t[k-1] on (v[k-1] = 0)
//   p[j] = ∫ from t[0] to t[j]   (p[0] = 0)

export interface StepFunction {
  /** Breakpoints, strictly increasing. */
  t: Float64Array;
  /** Value from t[j] to t[j + 1]; the last is 0. */
  v: Float64Array;
  /** Integral from t[0] to t[j]. */
  p: Float64Array;
}

/** Builds step functions point by point (times non-decreasing); equal neighbours merge. */
export class StepBuilder {
  private t: Float64Array;
  private v: Float64Array;
  private p: Float64Array;
  private n = 0;

  constructor(capacity: number) {
    const c = Math.max(2, capacity);
    this.t = new Float64Array(c);
    this.v = new Float64Array(c);
    this.p = new Float64Array(c);
  }

  /** From time `time` on, the value is `value` (until the next call). */
  set(time: number, value: number): void {
    const n = this.n;
    if (n > 0) {
      const last = n - 1;
      if (time === this.t[last]) {
        // Replaces a piece of zero length.
        this.v[last] = value;
        if (last > 0 ? this.v[last - 1] === value : value === 0) this.n = last; // … and merges it away
        return;
      }
      if (this.v[last] === value) return;
      if (n === this.t.length) this.grow();
      this.t[n] = time;
      this.v[n] = value;
      this.p[n] = this.p[last]! + this.v[last]! * (time - this.t[last]!);
      this.n = n + 1;
      return;
    }
    if (value === 0) return; // 0 before the first breakpoint anyway
    this.t[0] = time;
    this.v[0] = value;
    this.p[0] = 0;
    this.n = 1;
  }

  finish(): StepFunction {
    // The last piece must be 0 (callers end with set(end, 0)); keep only what is used.
    const n = this.n;
    return { t: this.t.slice(0, n), v: this.v.slice(0, n), p: this.p.slice(0, n) };
  }

  private grow(): void {
    const c = this.t.length * 2;
    const t = new Float64Array(c);
    const v = new Float64Array(c);
    const p = new Float64Array(c);
    t.set(this.t);
    v.set(this.v);
    p.set(this.p);
    this.t = t;
    this.v = v;
    this.p = p;
  }
}

/** Last j >= from with t[j] <= x, given from == -1 or t[from] <= x (galloping: cheap when near). */
function advance(t: Float64Array, x: number, from: number): number {
  const n = t.length;
  let a = from;
  let step = 1;
  let hi: number;
  for (;;) {
    const b = a + step;
    if (b >= n || t[b]! > x) {
      hi = Math.min(b, n);
      break;
    }
    a = b;
    step *= 2;
  }
  while (hi - a > 1) {
    const mid = a + ((hi - a) >> 1);
    if (t[mid]! <= x) a = mid;
    else hi = mid;
  }
  return a;
}

function searchAll(t: Float64Array, x: number): number {
  let a = -1;
  let b = t.length;
  while (b - a > 1) {
    const mid = (a + b) >>> 1;
    if (t[mid]! <= x) a = mid;
    else b = mid;
  }
  return a;
}

/** ∫ of f from t[0] (or −∞) to x. */
export function integralTo(f: StepFunction, x: number): number {
  const j = searchAll(f.t, x);
  return j < 0 ? 0 : f.p[j]! + f.v[j]! * (x - f.t[j]!);
}

/** Mean of f over [a, b] (b > a); f's value at a when b == a. */
export function meanOver(f: StepFunction, a: number, b: number): number {
  if (b > a) return (integralTo(f, b) - integralTo(f, a)) / (b - a);
  const j = searchAll(f.t, a);
  return j < 0 ? 0 : f.v[j]!;
}

/**
 * out[i] = mean of f over bucket i of [t0, t1] cut into n equal buckets (i < n). One pass over
 * the bucket edges, each found by galloping from the previous one: O(n + pieces) at worst,
 * O(n log k) when the pieces are many.
 */
export function bucketMeans(f: StepFunction, t0: number, t1: number, n: number, out: Float32Array | Float64Array): void {
  const { t, v, p } = f;
  const w = (t1 - t0) / n;
  let j = searchAll(t, t0);
  let prev = j < 0 ? 0 : p[j]! + v[j]! * (t0 - t[j]!);
  for (let i = 0; i < n; i++) {
    const x = i + 1 === n ? t1 : t0 + (i + 1) * w;
    j = advance(t, x, j);
    const cur = j < 0 ? 0 : p[j]! + v[j]! * (x - t[j]!);
    const width = x - (i === 0 ? t0 : t0 + i * w);
    out[i] = width > 0 ? (cur - prev) / width : j < 0 ? 0 : v[j]!;
    prev = cur;
  }
}
