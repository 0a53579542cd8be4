// Steps and the TensorBoard plugin's step-time breakdown (docs/analysis.md, ../shared/ANALYSIS.md).
//
// A step is a `ProfilerStep#N` slice on a CPU thread, starting no earlier than the previous
// step's end and extended to the end of the GPU work launched (by correlation) from runtime
// calls inside its slice; a trace without one is one step over its content. The breakdown is a
// priority fill: each category, in the order of BREAKDOWN_KEYS, takes the part of the step its
// merged intervals (over all threads and devices) cover that the categories before it left;
// Other is what no category covers. So the parts add up to the step.

import { FLAG_GPU, FLAG_INSTANT, FLAG_LAUNCH, type TraceModel } from '../model/types.ts';
import { IntervalBuilder } from './interval-sets.ts';
import { measureIn, mergeUnionsWork, unionOf, EMPTY_UNION, type Union } from './intervals.ts';
import { categoryRoles, categoryRolesWork, ROLE_KERNEL, ROLE_MEMCPY, ROLE_MEMSET, ROLE_RUNTIME } from './roles.ts';
import { slicesNamedWork } from './search.ts';
import { forChunks, runNow, type Work } from './sliced.ts';

export interface Step {
  name: string;
  /** The ProfilerStep slice; -1 when the whole trace is one step. */
  slice: number;
  /** µs, model time (as slices.start). */
  start: number;
  end: number;
  /** The ProfilerStep slice's own span (the content's span for the whole-trace step). */
  hostStart: number;
  hostEnd: number;
}

export const BREAKDOWN_KEYS = ['kernel', 'memcpy', 'memset', 'communication', 'runtime', 'dataLoader', 'cpuExec', 'other'] as const;
export type BreakdownKey = (typeof BREAKDOWN_KEYS)[number];
/** µs per category; sums to the step's end − start. */
export type Breakdown = Record<BreakdownKey, number>;

/** The name of the one step of a trace without ProfilerSteps. */
export const WHOLE_TRACE = 'whole trace';

const STEP_PREFIX = 'ProfilerStep#';
/** A slice flow from a runtime call to the GPU work it launched (model/flows.ts). */
const CORRELATION = 2;

/** Category indices (in BREAKDOWN_KEYS order); NONE: the slice is in no category. */
const C_KERNEL = 0, C_MEMCPY = 1, C_MEMSET = 2, C_COMM = 3, C_RUNTIME = 4, C_DATALOADER = 5, C_CPU = 6, NONE = 255;
const CATEGORIES = 7;

export function isDataLoaderName(name: string): boolean {
  return (name.startsWith('enumerate(DataLoader)#') && name.endsWith('__next__')) || name.startsWith('enumerate(DataPipe)#');
}

const CPU_CATEGORIES = new Set(['cpu_op', 'operator', 'user_annotation', 'python_function']);

/** Per string id: bit 1 nccl in the name, bit 2 a data-loader name, bit 4 a ProfilerStep name, bit 8 a CPU Exec category. */
const NAME_NCCL = 1, NAME_DATALOADER = 2, NAME_STEP = 4, CAT_CPU = 8;

const stringFlagsCache = new WeakMap<TraceModel, Uint8Array>();

function* stringFlagsWork(m: TraceModel): Work<Uint8Array> {
  const f = stringFlagsCache.get(m);
  if (f) return f;
  const out = new Uint8Array(m.strings.length);
  yield* forChunks(m.strings.length, (lo, hi) => flagStrings(m.strings, out, lo, hi));
  stringFlagsCache.set(m, out);
  return out;
}

function flagStrings(strings: string[], out: Uint8Array, lo: number, hi: number): void {
  for (let id = lo; id < hi; id++) {
    const s = strings[id]!;
    let v = 0;
    if (/nccl/i.test(s)) v |= NAME_NCCL;
    if (isDataLoaderName(s)) v |= NAME_DATALOADER;
    if (s.startsWith(STEP_PREFIX)) v |= NAME_STEP;
    if (CPU_CATEGORIES.has(s.toLowerCase())) v |= CAT_CPU;
    out[id] = v;
  }
}

/** A slice's breakdown category, from its category's role and flags and its name's flags (NONE: in none). */
function classOf(role: number, nameFlags: number, catFlags: number): number {
  if (role === ROLE_KERNEL) return nameFlags & NAME_NCCL ? C_COMM : C_KERNEL;
  if (role === ROLE_MEMCPY) return C_MEMCPY;
  if (role === ROLE_MEMSET) return C_MEMSET;
  if (role === ROLE_RUNTIME) return C_RUNTIME;
  if (nameFlags & NAME_DATALOADER) return C_DATALOADER;
  if (catFlags & CAT_CPU && !(nameFlags & NAME_STEP)) return C_CPU;
  return NONE;
}

/** A builder's intervals as a union (copied: the builder is reused). */
function unionIn(b: IntervalBuilder): Union {
  return { start: b.s.slice(0, b.n), end: b.e.slice(0, b.n) };
}

/**
 * Per category, its slices' intervals as runs, a row at a time: a row's slices are disjoint
 * and in start order, so each category's are too (touching ones joined). A slice inside a
 * slice of its own category in the row above (a nested op: most of a CPU thread's) adds
 * nothing to the union and is left out of the runs, found by a cursor that gallops along that
 * row's slices of the category. Chunks of a row may come in several calls.
 */
class RowRuns {
  /** Per category: the current row's intervals that are not inside the row above's, */
  private readonly fresh: IntervalBuilder[] = [];
  /** all its intervals, */
  private all: IntervalBuilder[] = [];
  /** and all of the row above's, with a cursor into them. */
  private above: IntervalBuilder[] = [];
  private readonly at = new Int32Array(CATEGORIES);
  /** Per category, the runs of every row. */
  readonly runs: Union[][] = [];

  constructor() {
    for (let c = 0; c < CATEGORIES; c++) {
      this.fresh.push(new IntervalBuilder(256));
      this.all.push(new IntervalBuilder(256));
      this.above.push(new IntervalBuilder(256));
      this.runs.push([]);
    }
  }

  add(m: TraceModel, flags: Uint8Array, roles: Uint8Array, lo: number, hi: number): void {
    const { cat, name, start, dur, flags: sf } = m.slices;
    const { fresh, all, above, at } = this;
    for (let i = lo; i < hi; i++) {
      const d = dur[i]!;
      if (!(d > 0) || sf[i]! & FLAG_INSTANT) continue;
      const c = classOf(roles[cat[i]!]!, flags[name[i]!]!, flags[cat[i]!]!);
      if (c === NONE) continue;
      const a = start[i]!;
      const b = a + d;
      all[c]!.add(a, b);
      const up = above[c]!;
      if (up.n > 0) {
        const k = firstEndAfter(up.e, up.n, at[c]!, a);
        at[c] = k;
        if (k < up.n && up.s[k]! <= a && b <= up.e[k]!) continue;
      }
      fresh[c]!.add(a, b);
    }
  }

  /** The row ends: its runs are kept, and it becomes the row above. */
  endRow(): void {
    for (let c = 0; c < CATEGORIES; c++) {
      const f = this.fresh[c]!;
      if (f.n > 0) this.runs[c]!.push(unionIn(f));
      f.n = 0;
      const next = this.above[c]!;
      this.above[c] = this.all[c]!;
      next.n = 0;
      this.all[c] = next;
      this.at[c] = 0;
    }
  }

  /** A new track: no row above. */
  endTrack(): void {
    this.endRow();
    for (let c = 0; c < CATEGORIES; c++) this.above[c]!.n = 0;
  }
}

/** The first k ≥ from (k ≤ n) with end[k] > t (end[0, n) sorted), galloping from `from`. */
function firstEndAfter(end: Float64Array, n: number, from: number, t: number): number {
  if (from >= n || end[from]! > t) return from;
  // end[lo] <= t
  let lo = from;
  let step = 1;
  let hi = lo + 1;
  while (hi < n && end[hi]! <= t) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > n) hi = n;
  lo++;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (end[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The steps of the trace, in time order. */
export function stepsOf(m: TraceModel): Step[] {
  return runNow(stepsWork(m));
}

export function* stepsWork(m: TraceModel): Work<Step[]> {
  const { start, dur, name, flags, track } = m.slices;
  const sf = yield* stringFlagsWork(m);
  // The ProfilerStep slices on threads, from the name index (the hints' and the search's too).
  const stepNames = new Uint8Array(m.strings.length);
  for (let id = 0; id < sf.length; id++) if (sf[id]! & NAME_STEP) stepNames[id] = 1;
  const host: number[] = [];
  for (const i of yield* slicesNamedWork(m, stepNames)) if (!(flags[i]! & FLAG_INSTANT) && m.tracks[track[i]!]!.kind === 'thread') host.push(i);
  if (host.length === 0) {
    const s = m.contentStartUs;
    const e = Math.max(s, m.contentEndUs);
    return [{ name: WHOLE_TRACE, slice: -1, start: s, end: e, hostStart: s, hostEnd: e }];
  }
  host.sort((a, b) => start[a]! - start[b]! || a - b);
  const hs = Float64Array.from(host, (i) => start[i]!);
  const he = Float64Array.from(host, (i) => start[i]! + dur[i]!);
  // The end of the GPU work launched from runtime calls inside each step's slice.
  const gpuEnd = new Float64Array(host.length).fill(-Infinity);
  const maxEnd = new Float64Array(host.length);
  for (let k = 0; k < host.length; k++) maxEnd[k] = Math.max(he[k]!, k > 0 ? maxEnd[k - 1]! : -Infinity);
  yield* categoryRolesWork(m); // (gpuEnds reads it: in short tasks the first time)
  yield* forChunks(m.flows.from.length, (lo, hi) => gpuEnds(m, hs, he, maxEnd, gpuEnd, lo, hi));
  const steps: Step[] = [];
  let prevEnd = -Infinity;
  for (let k = 0; k < host.length; k++) {
    const s = Math.max(hs[k]!, prevEnd);
    const e = Math.max(he[k]!, gpuEnd[k]!, s);
    steps.push({ name: m.strings[name[host[k]!]!]!, slice: host[k]!, start: s, end: e, hostStart: hs[k]!, hostEnd: he[k]! });
    prevEnd = e;
  }
  return steps;
}

/** For flows [lo, hi): the end of the GPU work a runtime call inside a step's slice launched, per step. */
function gpuEnds(m: TraceModel, hs: Float64Array, he: Float64Array, maxEnd: Float64Array, gpuEnd: Float64Array, lo: number, hi: number): void {
  const F = m.flows;
  const roles = categoryRoles(m);
  const { start, dur, cat, flags } = m.slices;
  for (let f = lo; f < hi; f++) {
    if (F.kind[f] !== CORRELATION) continue;
    const a = F.from[f]!;
    const b = F.to[f]!;
    if (!(flags[b]! & FLAG_GPU) || !(flags[a]! & FLAG_LAUNCH || roles[cat[a]!] === ROLE_RUNTIME)) continue;
    const as = start[a]!;
    const ae = as + dur[a]!;
    // The latest step starting at or before the call that holds it (host spans of steps on
    // several threads may overlap: look back while an earlier one could still hold it).
    let k = upperBound(hs, as) - 1;
    while (k >= 0 && maxEnd[k]! >= ae && !(he[k]! >= ae)) k--;
    if (k >= 0 && as >= hs[k]! && ae <= he[k]!) {
      const end = start[b]! + dur[b]!;
      if (end > gpuEnd[k]!) gpuEnd[k] = end;
    }
  }
}

function upperBound(a: Float64Array, t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The merged intervals of each breakdown category (over all threads and devices). */
export function* categoryUnionsWork(m: TraceModel): Work<Union[]> {
  const flags = yield* stringFlagsWork(m);
  const roles = yield* categoryRolesWork(m);
  const acc = new RowRuns();
  for (const t of m.tracks) {
    for (let r = 0; r + 1 < t.rowStart.length; r++) {
      const lo = t.rowStart[r]!;
      yield* forChunks(t.rowStart[r + 1]! - lo, (a, b) => acc.add(m, flags, roles, lo + a, lo + b));
      acc.endRow();
    }
    acc.endTrack();
  }
  const out: Union[] = [];
  for (let c = 0; c < CATEGORIES; c++) {
    out.push(yield* mergeUnionsWork(acc.runs[c]!));
    yield;
  }
  return out;
}

function measureSteps(u: Union, steps: Step[], covered: number[][], lo: number, hi: number): void {
  for (let k = lo; k < hi; k++) covered[k]!.push(measureIn(u, steps[k]!.start, steps[k]!.end));
}

/** The priority fill of each step, from the categories' unions. */
export function* breakdownFromUnionsWork(unions: Union[], steps: Step[]): Work<Breakdown[]> {
  // Covered by the categories so far: c's share = |covered_c ∩ step| − |covered_{c−1} ∩ step|.
  const covered: number[][] = steps.map(() => []);
  let acc = EMPTY_UNION;
  for (let c = 0; c < CATEGORIES; c++) {
    acc = unionOf(acc, unions[c]!);
    yield;
    const u = acc;
    // Steps in small groups: a step can hold most of the trace's intervals.
    for (let lo = 0; lo < steps.length; lo += 64) {
      measureSteps(u, steps, covered, lo, Math.min(steps.length, lo + 64));
      yield;
    }
  }
  return steps.map((st, k) => {
    const a = covered[k]!;
    const bd: Breakdown = { kernel: a[0]!, memcpy: 0, memset: 0, communication: 0, runtime: 0, dataLoader: 0, cpuExec: 0, other: 0 };
    for (let c = 1; c < CATEGORIES; c++) bd[BREAKDOWN_KEYS[c]!] = Math.max(0, a[c]! - a[c - 1]!);
    bd.other = Math.max(0, st.end - st.start - a[CATEGORIES - 1]!);
    return bd;
  });
}

export function* breakdownWork(m: TraceModel, steps: Step[]): Work<Breakdown[]> {
  const unions = yield* categoryUnionsWork(m);
  return yield* breakdownFromUnionsWork(unions, steps);
}

export function breakdownOf(m: TraceModel, steps: Step[]): Breakdown[] {
  return runNow(breakdownWork(m, steps));
}
