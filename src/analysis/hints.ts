// Bottleneck hints: each kind a rule over the model's columns, after HTA and the TensorBoard
// plugin (see docs/analysis.md and the README for the thresholds). A hint states its cost in
// µs and as a share of the step time, lists its occurrences (time ranges and the slices that
// show it) and says what it means and what to try; a rule that finds nothing gives no hint.
// Times are µs from the trace start, as everywhere in the model.

import { formatBytes, formatMicros } from '../lib/format.ts';
import { growF64, type Grow } from '../lib/grow.ts';
import { topIndices } from '../lib/sort.ts';
import { firstEndingAtOrAfter } from '../index/row-index.ts';
import { FLAG_GPU, FLAG_INSTANT, FLAG_LAUNCH, type TraceModel } from '../model/types.ts';
import { coveredIn, intersect, IntervalBuilder, subtract, totalLength, unionAll, type Intervals } from './interval-sets.ts';
import { kernelTableWork, kernelTimeByNameWork } from './kernels.ts';
import { categoryRoles, categoryRolesWork, ROLE_KERNEL, ROLE_MEMCPY } from './roles.ts';
import { unionOfRunsWork } from './intervals.ts';
import { forChunks, runNow, type Work } from './sliced.ts';
import { breakdownWork, isDataLoaderName, stepsOf } from './steps.ts';
import type { MemoryAnalysis } from './memory.ts';
import { matchNames, sliceNameIds, slicesNamedWork } from './search.ts';
import { deviceProperties } from './overview.ts';

/** What the hints need of a step (analysis/steps.ts's Step fits): µs; slice -1 = the whole trace as one step. */
export interface StepSpan {
  name: string;
  slice: number;
  start: number;
  end: number;
}

export type HintKind =
  | 'gpu-idle' | 'short-kernels' | 'launch-delay' | 'sync' | 'memcpy' | 'dataloader'
  | 'low-utilization' | 'low-occupancy' | 'communication' | 'memory-peak';

export interface Occurrence {
  start: number;
  end: number;
  /** The slices that show it (selected and highlighted when the occurrence is clicked). */
  slices: number[];
  /** One line for people: what happened there. */
  label: string;
  /** This occurrence's own share of the cost, µs (what occurrences are ordered by). */
  costUs: number;
}

export interface Hint {
  kind: HintKind;
  title: string;
  costUs: number;
  costPctOfStep: number;
  /** Up to MAX_OCCURRENCES of them, costliest first; `occurrenceCount` says how many there were. */
  occurrences: Occurrence[];
  occurrenceCount: number;
  explanation: string;
  suggestion: string;
  /** The figures the explanation quotes, by name (µs unless the name says %). */
  figures: Record<string, number>;
}

/** The thresholds, named as the README states them. */
export const THRESHOLDS = {
  /** gpu-idle: a device idle for at least this share of the step time (%). */
  gpuIdlePct: 10,
  /** HTA: an idle gap shorter than this, with the next kernel already launched, is kernel wait (µs). */
  kernelWaitUs: 30,
  /** HTA: a launch call at most this long (µs) whose kernel is shorter than it is launch-bound. */
  shortLaunchUs: 50,
  /** short-kernels: this many launch-bound kernels in a row on a stream. */
  shortRun: 10,
  /** HTA: a kernel starting more than this after its launch call ended (µs). */
  launchDelayUs: 100,
  /** sync: CPU time blocked in synchronising calls, at least this share of the step time (%). */
  syncPct: 1,
  /** memcpy: host↔device copy time, at least this share of the step time (%). */
  memcpyPct: 1,
  /** dataloader (TensorBoard plugin): more than this share of the step time (%). */
  dataLoaderPct: 5,
  /** low-utilization (TensorBoard plugin): GPU utilization below this (%). */
  utilizationPct: 50,
  /** low-occupancy: kernels with at least this share of kernel time (%)… */
  occupancyShare: 10,
  /** …and estimated achieved occupancy or SM efficiency below this (%). */
  occupancyPct: 30,
  /** communication (TensorBoard plugin): NCCL kernels more than this share of the step time (%). */
  communicationPct: 10,
  /** memory-peak (TensorBoard plugin): peak allocated above this share of totalGlobalMem (%). */
  memoryPct: 90,
} as const;

export const MAX_OCCURRENCES = 200;

/**
 * Occurrences found, in typed columns (a trace can have hundreds of thousands: an object each
 * cost more than the rule); only the costliest MAX_OCCURRENCES become objects.
 */
/** Grow.push for float64 columns only: its one store site here sees a single array kind. */
function put(g: Grow<Float64Array>, v: number): void {
  if (g.length === g.data.length) g.ensure(1);
  g.data[g.length++] = v;
}

class Candidates {
  readonly start: Grow<Float64Array> = growF64();
  readonly end: Grow<Float64Array> = growF64();
  readonly cost: Grow<Float64Array> = growF64();
  /** Up to three slices each (-1: none). */
  readonly a: Grow<Float64Array> = growF64();
  readonly b: Grow<Float64Array> = growF64();
  readonly c: Grow<Float64Array> = growF64();

  get length(): number {
    return this.cost.length;
  }

  push(start: number, end: number, cost: number, a: number, b = -1, c = -1): void {
    put(this.start, start);
    put(this.end, end);
    put(this.cost, cost);
    put(this.a, a);
    put(this.b, b);
    put(this.c, c);
  }

  /** The costliest `k` as occurrences (costliest first, then earliest), labels empty. */
  top(k = MAX_OCCURRENCES): Occurrence[] {
    return this.topRows(k).map((j) => this.at(j));
  }

  at(j: number): Occurrence {
    const slices = [this.a.data[j]!, this.b.data[j]!, this.c.data[j]!].filter((x) => x >= 0);
    return { start: this.start.data[j]!, end: this.end.data[j]!, costUs: this.cost.data[j]!, label: '', slices };
  }

  /** Rows of the costliest `k` (costliest first, then earliest). */
  topRows(k = MAX_OCCURRENCES): number[] {
    return topIndices(this.cost.data, this.length, k, this.start.data);
  }
}

/** The union of intervals given in any order (fastest in runs sorted by start, as the model's rows are), in short tasks. */
function* unionWork(starts: Float64Array, ends: Float64Array): Work<Intervals> {
  if (starts.length === 0) return { s: starts, e: ends, n: 0 };
  const u = yield* unionOfRunsWork(starts, ends);
  return { s: u.start, e: u.end, n: u.start.length };
}

/** The rules, for the empty state and the README. */
export const RULES: { kind: HintKind; rule: string }[] = [
  { kind: 'gpu-idle', rule: `a GPU idle ≥ ${THRESHOLDS.gpuIdlePct} % of the step time` },
  { kind: 'short-kernels', rule: `≥ ${THRESHOLDS.shortRun} kernels in a row on a stream each shorter than its launch call (≤ ${THRESHOLDS.shortLaunchUs} µs)` },
  { kind: 'launch-delay', rule: `kernels starting > ${THRESHOLDS.launchDelayUs} µs after their launch call ended, with the GPU idle meanwhile` },
  { kind: 'sync', rule: `synchronising calls (cuda*Synchronize, aten::item, blocking copies) ≥ ${THRESHOLDS.syncPct} % of the step time` },
  { kind: 'memcpy', rule: `host↔device copies ≥ ${THRESHOLDS.memcpyPct} % of the step time` },
  { kind: 'dataloader', rule: `data loading > ${THRESHOLDS.dataLoaderPct} % of the step time` },
  { kind: 'low-utilization', rule: `GPU utilization < ${THRESHOLDS.utilizationPct} % over the steps` },
  { kind: 'low-occupancy', rule: `a kernel with ≥ ${THRESHOLDS.occupancyShare} % of kernel time and occupancy or SM efficiency < ${THRESHOLDS.occupancyPct} %` },
  { kind: 'communication', rule: `NCCL kernels > ${THRESHOLDS.communicationPct} % of the step time, not all overlapped` },
  { kind: 'memory-peak', rule: `peak allocated memory > ${THRESHOLDS.memoryPct} % of the device's memory` },
];

const pct = (x: number): string => `${x < 10 ? x.toFixed(1) : Math.round(x)} %`;

// ─── What every rule shares ────────────────────────────────────────────────────────────

interface Device {
  /** Index in m.processes. */
  process: number;
  name: string;
  tracks: number[];
  /** Its GPU events (kernels, copies, sets; no instants) in start order. */
  events: Uint32Array;
  /** Union of those events. */
  busy: Intervals;
  /** Union of its kernels only (GPU utilization counts kernels). */
  kernelBusy: Intervals;
  kernels: number;
}

interface Ctx {
  m: TraceModel;
  steps: StepSpan[];
  /** The steps as intervals (they do not overlap), and their summed length. */
  inSteps: Intervals;
  stepUs: number;
  /** The launch call of each GPU slice (by correlation), else -1. */
  launchOf: Int32Array;
  devices: Device[];
  /** Union of every device's GPU events. */
  anyBusy: Intervals;
  /** Per GPU track, its kernels in start order. */
  streamKernels: Map<number, Uint32Array>;
}

function mergeByStart(start: Float64Array, a: Uint32Array, b: Uint32Array): Uint32Array {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = start[a[i]!]! <= start[b[j]!]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** Several start-ordered index lists as one, merged pairwise. */
function mergeAllByStart(start: Float64Array, lists: Uint32Array[]): Uint32Array {
  let level = lists.filter((l) => l.length > 0);
  if (level.length === 0) return new Uint32Array(0);
  while (level.length > 1) {
    const next: Uint32Array[] = [];
    for (let k = 0; k < level.length; k += 2) next.push(k + 1 < level.length ? mergeByStart(start, level[k]!, level[k + 1]!) : level[k]!);
    level = next;
  }
  return level[0]!;
}

/** The union of the listed slices (in start order). */
function unionOf(m: TraceModel, list: Uint32Array): Intervals {
  const { start, dur } = m.slices;
  const b = new IntervalBuilder(Math.min(list.length, 1024));
  for (let k = 0; k < list.length; k++) b.add(start[list[k]!]!, start[list[k]!]! + dur[list[k]!]!);
  return b.done();
}

function* contextWork(m: TraceModel, steps: StepSpan[]): Work<Ctx> {
  const { flags, dur, cat } = m.slices;
  // (in short tasks the first time; then cached, and the rules after it ask for it at once)
  const roles = yield* categoryRolesWork(m);
  const launchOf = new Int32Array(dur.length).fill(-1);
  const F = m.flows;
  yield* forChunks(F.from.length, (lo, hi) => {
    for (let f = lo; f < hi; f++) {
      if (F.kind[f] !== 2) continue;
      const a = F.from[f]!;
      const b = F.to[f]!;
      if (flags[a]! & FLAG_LAUNCH && flags[b]! & FLAG_GPU) launchOf[b] = a;
    }
  });
  const sorted = [...steps].sort((a, b) => a.start - b.start);
  const sb = new IntervalBuilder(sorted.length);
  for (const s of sorted) sb.add(s.start, s.end);
  const inSteps = sb.done();
  const devices: Device[] = [];
  const kernelsOf = new Map<number, Uint32Array>();
  // One row's GPU events and its kernels, in start order (a row is sorted): one pass, no closure.
  const pickRow = (lo: number, hi: number): [Uint32Array, Uint32Array] => {
    const ev = new Uint32Array(hi - lo);
    const ks = new Uint32Array(hi - lo);
    let ne = 0;
    let nk = 0;
    for (let i = lo; i < hi; i++) {
      if ((flags[i]! & (FLAG_GPU | FLAG_INSTANT)) !== FLAG_GPU) continue;
      ev[ne++] = i;
      if (roles[cat[i]!] === ROLE_KERNEL) ks[nk++] = i;
    }
    return [ev.slice(0, ne), ks.slice(0, nk)];
  };
  for (const p of m.processes) {
    const tracks = p.tracks.filter((t) => m.tracks[t]!.kind === 'gpu');
    const lists: Uint32Array[] = [];
    const kernelLists: Uint32Array[] = [];
    for (const t of tracks) {
      const rows = m.tracks[t]!.rowStart;
      const mine: Uint32Array[] = [];
      for (let r = 0; r + 1 < rows.length; r++) {
        const [ev, ks] = pickRow(rows[r]!, rows[r + 1]!);
        lists.push(ev);
        mine.push(ks);
        yield;
      }
      const ks = mergeAllByStart(m.slices.start, mine);
      kernelsOf.set(t, ks);
      kernelLists.push(ks);
      yield;
    }
    // (each a pass over the device's events: a task each)
    const events = mergeAllByStart(m.slices.start, lists);
    if (events.length === 0) continue;
    yield;
    const kernelOrder = mergeAllByStart(m.slices.start, kernelLists);
    yield;
    const busy = unionOf(m, events);
    yield;
    const kernelBusy = unionOf(m, kernelOrder);
    devices.push({ process: p.index, name: p.name || `process ${p.pid}`, tracks, events, busy, kernelBusy, kernels: kernelOrder.length });
    yield;
  }
  return { m, steps: sorted, inSteps, stepUs: totalLength(inSteps), launchOf, devices, anyBusy: unionAll(devices.map((d) => d.busy)), streamKernels: kernelsOf };
}

function trackLabel(m: TraceModel, i: number): string {
  const t = m.tracks[m.slices.track[i]!]!;
  return `${m.processes[t.process]!.name} / ${t.name}`;
}

const nameOf = (m: TraceModel, i: number): string => m.strings[m.slices.name[i]!]!;

/** The slices of i's track enclosing time t, outermost first (one bisection per row). */
function stackAt(m: TraceModel, track: number, t: number): number[] {
  const { start, dur } = m.slices;
  const rows = m.tracks[track]!.rowStart;
  const out: number[] = [];
  for (let r = 0; r + 1 < rows.length; r++) {
    const k = firstEndingAtOrAfter(start, dur, rows[r]!, rows[r + 1]!, t);
    if (k < rows[r + 1]! && start[k]! <= t) out.push(k);
    else break;
  }
  return out;
}

function stackText(m: TraceModel, stack: number[]): string {
  if (stack.length === 0) return 'no slice (idle, or not traced)';
  const names = stack.map((i) => nameOf(m, i));
  return names.length > 3 ? `… › ${names.slice(-3).join(' › ')}` : names.join(' › ');
}

/**
 * A hint with its occurrences costliest first, the first MAX_OCCURRENCES kept; `describe` writes
 * the labels of those kept only (a trace can have thousands, and the text costs more than the rule).
 */
function hint(
  c: Ctx, kind: HintKind, costUs: number, occ: Occurrence[], title: string, explanation: string, suggestion: string,
  figures: Record<string, number> = {}, describe?: (o: Occurrence) => string, count = occ.length,
): Hint {
  occ.sort((a, b) => b.costUs - a.costUs || a.start - b.start);
  const kept = occ.slice(0, MAX_OCCURRENCES);
  if (describe) for (const o of kept) o.label = describe(o);
  return {
    kind, title, costUs, costPctOfStep: c.stepUs > 0 ? (100 * costUs) / c.stepUs : 0,
    occurrences: kept, occurrenceCount: count, explanation, suggestion, figures,
  };
}

const share = (c: Ctx, us: number): number => (c.stepUs > 0 ? (100 * us) / c.stepUs : 0);

// ─── gpu-idle ─────────────────────────────────────────────────────────────────────────

const HOST_WAIT = 0;
const KERNEL_WAIT = 1;
const OTHER_WAIT = 2;
const WAIT_NAMES = ['host wait', 'kernel wait', 'other'];

/**
 * Per device, the gaps inside the steps with no GPU event, each split at step edges and
 * classified as HTA does: host wait when the next event's launch call started after the
 * previous event ended; else kernel wait when the gap is under 30 µs; else other.
 */
/**
 * A device's idle gaps inside the steps, in time order, summed per kind; with `found`, also
 * listed (with the launch call, previous and next event, and the kind in `cls`).
 */
class GapWalk {
  readonly sums = [0, 0, 0];
  private busyEnd = -Infinity;
  private prev = -1;
  /** Step cursor: gaps come in time order. */
  private k = 0;
  private readonly stepStart: Float64Array;
  private readonly stepEnd: Float64Array;

  constructor(
    private readonly c: Ctx,
    private readonly found: Candidates | null,
    private readonly cls: Grow<Float64Array> | null,
  ) {
    this.stepStart = Float64Array.from(c.steps, (st) => st.start);
    this.stepEnd = Float64Array.from(c.steps, (st) => st.end);
  }

  /** Events [lo, hi) of the device's start-ordered list. */
  walk(ev: Uint32Array, lo: number, hi: number): void {
    const { start, dur } = this.c.m.slices;
    let busyEnd = this.busyEnd;
    let prev = this.prev;
    for (let j = lo; j < hi; j++) {
      const i = ev[j]!;
      const s = start[i]!;
      if (s > busyEnd) this.gap(busyEnd, s, prev, i);
      const e = s + dur[i]!;
      if (e > busyEnd || prev < 0) {
        if (e > busyEnd) busyEnd = e;
        prev = i;
      }
    }
    this.busyEnd = busyEnd;
    this.prev = prev;
  }

  /** The gap after the last event. */
  end(): void {
    this.gap(this.busyEnd, Infinity, this.prev, -1);
  }

  private gap(a: number, b: number, prev: number, next: number): void {
    const { stepStart: S, stepEnd: E } = this;
    const n = S.length;
    let k = this.k;
    while (k < n && E[k]! <= a) k++;
    this.k = k;
    if (k >= n || S[k]! >= b) return;
    const L = next >= 0 ? this.c.launchOf[next]! : -1;
    const w = L < 0 ? OTHER_WAIT : this.c.m.slices.start[L]! > a ? HOST_WAIT : b - a < THRESHOLDS.kernelWaitUs ? KERNEL_WAIT : OTHER_WAIT;
    for (let j = k; j < n && S[j]! < b; j++) {
      const lo = Math.max(a, S[j]!);
      const hi = Math.min(b, E[j]!);
      if (hi <= lo) continue;
      this.sums[w] += hi - lo;
      // the launch call first: the label names its thread
      this.found?.push(lo, hi, hi - lo, L, prev, next);
      this.cls?.push(w);
    }
  }
}

function* walkGaps(d: Device, g: GapWalk): Work<GapWalk> {
  yield* forChunks(d.events.length, (lo, hi) => g.walk(d.events, lo, hi));
  g.end();
  return g;
}

export function* gpuIdleWork(c: Ctx, d: Device): Work<Hint | null> {
  const { m } = c;
  const { track } = m.slices;
  // The sums first: the gaps are listed only when the hint is shown (a second walk).
  const { sums } = yield* walkGaps(d, new GapWalk(c, null, null));
  const idle = sums[0]! + sums[1]! + sums[2]!;
  if (c.stepUs <= 0 || share(c, idle) < THRESHOLDS.gpuIdlePct) return null;
  const found = new Candidates();
  const cls = growF64();
  yield* walkGaps(d, new GapWalk(c, found, cls));
  // What the launching thread was doing, for the occurrences listed.
  const occ: Occurrence[] = [];
  for (const j of found.topRows()) {
    const o = found.at(j);
    const anchor = found.a.data[j]!;
    const what = WAIT_NAMES[cls.data[j]!]!;
    occ.push(o);
    if (anchor < 0) {
      o.label = `${what}: no GPU work launched after it in this step`;
      continue;
    }
    const stack = stackAt(m, track[anchor]!, (o.start + o.end) / 2);
    if (stack.length) o.slices.push(stack[stack.length - 1]!);
    o.label = `${what} — ${trackLabel(m, anchor)} was in ${stackText(m, stack)}`;
  }
  const main = sums.indexOf(Math.max(...sums));
  const suggestion =
    main === HOST_WAIT
      ? 'The CPU is the bottleneck: it launches work later than the GPU can run it. Cut Python and operator overhead (torch.compile, CUDA graphs, fused or _foreach ops, larger batches), and move CPU work (data preparation, logging, .item()) out of the step.'
      : main === KERNEL_WAIT
        ? 'Many small gaps between queued kernels: launch overhead. Fuse kernels (torch.compile), batch small ops (torch._foreach_*), or capture the step in a CUDA graph.'
        : 'The GPU waited with work already launched: look for synchronisations, waits on events or other streams, and host↔device copies in these gaps.';
  const figures = { hostWaitUs: sums[HOST_WAIT]!, kernelWaitUs: sums[KERNEL_WAIT]!, otherUs: sums[OTHER_WAIT]! };
  return hint(
    c, 'gpu-idle', idle, occ,
    `${d.name} idle ${pct(share(c, idle))} of the step time`,
    `${d.name} ran no kernel, copy or set for ${formatMicros(idle)} of the steps' ${formatMicros(c.stepUs)}, in ${found.length} gaps. ` +
      `As HTA splits it: host wait ${formatMicros(sums[HOST_WAIT]!)} (the next launch call started only after the GPU went idle), ` +
      `kernel wait ${formatMicros(sums[KERNEL_WAIT]!)} (gaps under ${THRESHOLDS.kernelWaitUs} µs with the next kernel already launched), other ${formatMicros(sums[OTHER_WAIT]!)}.`,
    suggestion, figures, undefined, found.length,
  );
}

// ─── short-kernels and launch-delay (kernels with their launch calls) ────────────────

/** Kernels of a GPU track in start order. */
function streamKernels(c: Ctx, t: number): Uint32Array {
  return c.streamKernels.get(t) ?? new Uint32Array(0);
}

/** Whether time t lies in a step (steps sorted; `cur` a cursor for times that only grow). */
function inStep(c: Ctx, t: number, cur: { k: number }): boolean {
  const s = c.inSteps;
  while (cur.k < s.n && s.e[cur.k]! <= t) cur.k++;
  return cur.k < s.n && s.s[cur.k]! <= t;
}

/** One stream's runs of launch-bound kernels, found a chunk of its kernels at a time. */
class ShortRuns {
  private runStart = 0;
  private readonly cur = { k: 0 };
  occ: Occurrence[] = [];
  total = 0;
  kernels = 0;

  constructor(private readonly c: Ctx) {}

  /** A new stream (track t, its kernels ks in start order). */
  stream(): void {
    this.runStart = 0;
    this.cur.k = 0;
  }

  scan(t: number, ks: Uint32Array, lo: number, hi: number): void {
    const { launchOf } = this.c;
    const { start, dur } = this.c.m.slices;
    for (let j = lo; j < hi; j++) {
      const i = ks[j]!;
      const L = launchOf[i]!;
      const short = L >= 0 && dur[L]! <= THRESHOLDS.shortLaunchUs && dur[i]! < dur[L]! && inStep(this.c, start[i]!, this.cur);
      if (!short) {
        this.close(t, ks, j);
        this.runStart = j + 1;
      }
    }
  }

  /** The run ending before `end`, if long enough. */
  close(t: number, ks: Uint32Array, end: number): void {
    const { m, launchOf } = this.c;
    const { start, dur } = m.slices;
    const runStart = this.runStart;
    const n = end - runStart;
    if (n < THRESHOLDS.shortRun) return;
    let busy = 0;
    let be = -Infinity;
    let launchUs = 0;
    let kernelUs = 0;
    for (let j = runStart; j < end; j++) {
      const i = ks[j]!;
      const s = start[i]!;
      const e = s + dur[i]!;
      busy += Math.max(0, e - Math.max(s, be));
      be = Math.max(be, e);
      launchUs += dur[launchOf[i]!]!;
      kernelUs += dur[i]!;
    }
    const a = start[ks[runStart]!]!;
    const cost = be - a - busy;
    this.total += cost;
    this.kernels += n;
    this.occ.push({
      start: a, end: be, slices: Array.from(ks.subarray(runStart, end)), costUs: cost,
      label: `${n} kernels on ${m.tracks[t]!.name}: mean kernel ${formatMicros(kernelUs / n)} vs launch call ${formatMicros(launchUs / n)}; GPU idle ${formatMicros(cost)} between them (first: ${nameOf(m, ks[runStart]!)})`,
    });
  }
}

export function* shortKernelsWork(c: Ctx): Work<Hint | null> {
  const runs = new ShortRuns(c);
  for (const d of c.devices) {
    for (const t of d.tracks) {
      const ks = streamKernels(c, t);
      runs.stream();
      yield* forChunks(ks.length, (lo, hi) => runs.scan(t, ks, lo, hi));
      runs.close(t, ks, ks.length);
    }
  }
  const { occ, total, kernels } = runs;
  if (occ.length === 0) return null;
  return hint(
    c, 'short-kernels', total, occ,
    `Launch-bound: ${kernels} short kernels in ${occ.length} run${occ.length > 1 ? 's' : ''}`,
    `${kernels} kernels ran in runs of ${THRESHOLDS.shortRun} or more on one stream, each shorter than the launch call that issued it (a call of ≤ ${THRESHOLDS.shortLaunchUs} µs: HTA's short kernels). ` +
      `The GPU finishes each before the CPU can launch the next, so it sits idle between them: ${formatMicros(total)} in these runs. This is the Python-loop pattern (an optimizer or EMA update per parameter).`,
    'Launch fewer, bigger kernels: torch._foreach_* (or a fused/foreach optimizer), torch.compile to fuse the elementwise ops, or capture the loop in a CUDA graph.',
    { kernels },
  );
}

/** The kernels of `ks` [lo, hi) that started > launchDelayUs after their launch call ended, inside a step: appended to `out`. */
function collectDelayed(c: Ctx, ks: Uint32Array, lo: number, hi: number, cur: { k: number }, out: Delayed): void {
  const { start, dur } = c.m.slices;
  const launchOf = c.launchOf;
  for (let j = lo; j < hi; j++) {
    const i = ks[j]!;
    const L = launchOf[i]!;
    if (L < 0) continue;
    const le = start[L]! + dur[L]!;
    if (!(start[i]! - le > THRESHOLDS.launchDelayUs) || !inStep(c, start[i]!, cur)) continue;
    out.kernel[out.n] = i;
    out.launchEnd[out.n] = le;
    out.delay[out.n++] = start[i]! - le;
  }
}

interface Delayed {
  n: number;
  kernel: Uint32Array;
  launchEnd: Float64Array;
  delay: Float64Array;
}

/**
 * The union of the pending spans [launch end, kernel start] of delayed kernels [from, to) of
 * one stream: they come in kernel start order, i.e. by their ends, so one pass from the last
 * joins them without a sort.
 */
function pendingUnion(m: TraceModel, d: Delayed, from: number, to: number): Intervals {
  const start = m.slices.start;
  const os = new Float64Array(to - from);
  const oe = new Float64Array(to - from);
  let k = 0;
  let cs = 0;
  let ce = 0;
  for (let j = to - 1; j >= from; j--) {
    const a = d.launchEnd[j]!;
    const b = start[d.kernel[j]!]!;
    if (j < to - 1 && b >= cs) {
      if (a < cs) cs = a;
      continue;
    }
    if (j < to - 1) {
      os[k] = cs;
      oe[k++] = ce;
    }
    cs = a;
    ce = b;
  }
  if (to > from) {
    os[k] = cs;
    oe[k++] = ce;
  }
  os.subarray(0, k).reverse();
  oe.subarray(0, k).reverse();
  return { s: os, e: oe, n: k };
}

export function* launchDelayWork(c: Ctx): Work<Hint | null> {
  const { m, launchOf } = c;
  const { start } = m.slices;
  let kernels = 0;
  for (const d of c.devices) for (const t of d.tracks) kernels += streamKernels(c, t).length;
  const found: Delayed = { n: 0, kernel: new Uint32Array(kernels), launchEnd: new Float64Array(kernels), delay: new Float64Array(kernels) };
  const pending: Intervals[] = [];
  for (const d of c.devices) {
    for (const t of d.tracks) {
      const ks = streamKernels(c, t);
      const cur = { k: 0 };
      const from = found.n;
      yield* forChunks(ks.length, (lo, hi) => collectDelayed(c, ks, lo, hi, cur, found));
      pending.push(pendingUnion(m, found, from, found.n));
    }
  }
  if (found.n === 0) return null;
  yield;
  const pendingIn = intersect(unionAll(pending), c.inSteps);
  const pendingUs = totalLength(pendingIn);
  // The cost is the time the GPU sat idle with such a kernel pending: with the GPU busy, a
  // late start is queueing behind earlier work (the CPU runs ahead), which costs nothing.
  const idle = totalLength(subtract(pendingIn, c.anyBusy));
  if (idle <= 0) return null;
  const n = found.n;
  const occ = topIndices(found.delay, n, MAX_OCCURRENCES, found.launchEnd).map((j): Occurrence => {
    const i = found.kernel[j]!;
    return { start: found.launchEnd[j]!, end: start[i]!, costUs: found.delay[j]!, label: '', slices: [launchOf[i]!, i] };
  });
  return hint(
    c, 'launch-delay', idle, occ,
    `${n} kernel${n > 1 ? 's' : ''} started > ${THRESHOLDS.launchDelayUs} µs after their launch`,
    `${n} kernels waited more than ${THRESHOLDS.launchDelayUs} µs between their launch call returning and starting (HTA's launch-delay outliers); ${formatMicros(pendingUs)} of step time had such a kernel pending, ${formatMicros(idle)} of it with the GPU idle, which is the cost shown. ` +
      'With the GPU busy meanwhile, a kernel only queues behind earlier work (the CPU runs ahead: fine); with the GPU idle, it waited on something else: an event, another stream, or the driver.',
    'Where the GPU was idle: look for cross-stream waits (cudaStreamWaitEvent), stream priorities and synchronisation before the kernel; where it was busy, this is queueing and needs nothing.',
    { gpuIdleUs: idle, pendingUs },
    (o) => `${nameOf(m, o.slices[1]!)} on ${trackLabel(m, o.slices[1]!)} started ${formatMicros(o.costUs)} after ${nameOf(m, o.slices[0]!)} returned`,
    n,
  );
}

// ─── sync and memcpy (named slices) ──────────────────────────────────────────────────

const SYNC_NAMES = new Set([
  'cudaDeviceSynchronize', 'cudaStreamSynchronize', 'cudaEventSynchronize',
  'hipDeviceSynchronize', 'hipStreamSynchronize', 'hipEventSynchronize',
  'aten::item', 'aten::_local_scalar_dense',
  // blocking copies (the synchronous runtime calls)
  'cudaMemcpy', 'cudaMemcpy2D', 'hipMemcpy', 'hipMemcpy2D',
]);



export function* syncWork(c: Ctx): Work<Hint | null> {
  const { m } = c;
  const { start, dur, flags, track } = m.slices;
  const mask = matchNames(m, (s) => SYNC_NAMES.has(s));
  yield;
  const calls = Array.from(yield* slicesNamedWork(m, mask)).filter((i) => !(flags[i]! & (FLAG_GPU | FLAG_INSTANT)) && dur[i]! > 0);
  if (calls.length === 0) return null;
  // The outermost calls (aten::item encloses _local_scalar_dense, which encloses the sync).
  calls.sort((a, b) => track[a]! - track[b]! || start[a]! - start[b]! || dur[b]! - dur[a]!);
  const outer: number[] = [];
  let lastTrack = -1;
  let lastEnd = -Infinity;
  for (const i of calls) {
    if (track[i] === lastTrack && start[i]! + dur[i]! <= lastEnd + 1e-6) continue;
    outer.push(i);
    lastTrack = track[i]!;
    lastEnd = start[i]! + dur[i]!;
  }
  outer.sort((a, b) => start[a]! - start[b]!);
  const b = new IntervalBuilder(outer.length);
  for (const i of outer) b.add(start[i]!, start[i]! + dur[i]!);
  const waited = intersect(b.done(), c.inSteps);
  const cost = totalLength(waited);
  if (c.stepUs <= 0 || share(c, cost) < THRESHOLDS.syncPct) return null;
  const idle = totalLength(subtract(waited, c.anyBusy));
  const occ: Occurrence[] = [];
  const busyIn = intersect(c.anyBusy, c.inSteps);
  for (const i of outer) {
    const s = start[i]!;
    const inside = coveredIn(c.inSteps, s, s + dur[i]!);
    if (inside <= 0) continue;
    occ.push({ start: s, end: s + dur[i]!, slices: [i], costUs: inside, label: '' });
  }
  return hint(
    c, 'sync', cost, occ,
    `CPU blocked in ${occ.length} synchronisation${occ.length > 1 ? 's' : ''}: ${formatMicros(cost)}`,
    `The CPU waited for the GPU in synchronising calls (cudaDeviceSynchronize, cudaStreamSynchronize, cudaEventSynchronize, aten::item / _local_scalar_dense, blocking cudaMemcpy) for ${formatMicros(cost)} of step time; ` +
      `the GPU was idle for ${formatMicros(idle)} of that. While the CPU waits it launches nothing, so the GPU runs dry after each sync.`,
    'Avoid reading GPU values on the CPU inside the step (.item(), .cpu(), printing or logging a loss each step, Python conditions on tensors); keep them on the GPU and read them every N steps; use non_blocking copies and events instead of synchronising the device.',
    { gpuIdleUs: idle },
    (o) => {
      const i = o.slices[0]!;
      const idleUs = o.costUs - coveredIn(busyIn, o.start, o.end);
      return `${nameOf(m, i)} on ${trackLabel(m, i)}: blocked ${formatMicros(dur[i]!)}, GPU idle ${formatMicros(Math.max(0, idleUs))} of it`;
    },
  );
}

const H2D = /HtoD|HostToDevice|Host\s*->\s*Device/i;
const D2H = /DtoH|DeviceToHost|Device\s*->\s*Host/i;

/** Per name id of a host↔device copy: bit 1 to the device, 2 to the host, 4 pageable, 8 pinned. */
const TO_DEVICE = 1, TO_HOST = 2, PAGEABLE = 4, PINNED = 8;

function copyKinds(m: TraceModel): Uint8Array {
  const kinds = new Uint8Array(m.strings.length);
  for (const id of sliceNameIds(m)) {
    const s = m.strings[id]!;
    if (/DtoD|Device\s*->\s*Device|PtoP/i.test(s)) continue;
    const k = (H2D.test(s) ? TO_DEVICE : 0) | (D2H.test(s) ? TO_HOST : 0);
    if (k) kinds[id] = k | (/Pageable/i.test(s) ? PAGEABLE : 0) | (/Pinned/i.test(s) ? PINNED : 0);
  }
  return kinds;
}

export function* memcpyWork(c: Ctx): Work<Hint | null> {
  const { m } = c;
  const roles = categoryRoles(m);
  const { start, dur, flags, name, cat } = m.slices;
  const kinds = copyKinds(m);
  yield;
  const found = new Candidates();
  let pageable = 0;
  let pinned = 0;
  let h2d = 0;
  let d2h = 0;
  const named = yield* slicesNamedWork(m, kinds);
  yield* forChunks(named.length, (lo, hi) => {
    for (let j = lo; j < hi; j++) {
      const i = named[j]!;
      const k = kinds[name[i]!]!;
      if ((flags[i]! & (FLAG_GPU | FLAG_INSTANT)) !== FLAG_GPU || roles[cat[i]!] !== ROLE_MEMCPY) continue;
      const inside = coveredIn(c.inSteps, start[i]!, start[i]! + dur[i]!);
      if (inside <= 0) continue;
      if (k & PAGEABLE) pageable++;
      else if (k & PINNED) pinned++;
      if (k & TO_DEVICE) h2d++;
      else d2h++;
      found.push(start[i]!, start[i]! + dur[i]!, inside, i, c.launchOf[i]!);
    }
  });
  if (found.length === 0) return null;
  const cost = totalLength(intersect(yield* unionWork(found.start.toArray(), found.end.toArray()), c.inSteps));
  if (c.stepUs <= 0 || share(c, cost) < THRESHOLDS.memcpyPct) return null;
  const n = found.length;
  return hint(
    c, 'memcpy', cost, found.top(),
    `Host↔device copies: ${formatMicros(cost)} (${n} copies${pageable ? `, ${pageable} from pageable memory` : ''})`,
    `${n} copies between host and device (${h2d} to the device, ${d2h} to the host) took ${formatMicros(cost)} of device time inside the steps. ` +
      `${pageable} of them name pageable host memory, ${pinned} pinned, ${n - pageable - pinned} do not say. A copy from or to pageable memory goes through a staging buffer and blocks the CPU; a copy to the host also waits for the GPU work before it.`,
    pageable > 0
      ? 'Pin the host memory (DataLoader(pin_memory=True), tensor.pin_memory()) and copy with non_blocking=True so copies overlap compute; keep tensors on the GPU between steps.'
      : 'Keep tensors on the GPU between steps, copy with non_blocking=True from pinned memory, and move the copy to a side stream or the data loader so it overlaps compute.',
    { copies: n, pageable, pinned, toDevice: h2d, toHost: d2h },
    (o) => `${nameOf(m, o.slices[0]!)} on ${trackLabel(m, o.slices[0]!)}${o.slices.length > 1 ? `, from ${nameOf(m, o.slices[1]!)}` : ''}`,
    n,
  );
}

// ─── dataloader (from the step breakdown) ────────────────────────────────────────────

/** `dataLoaderUs`: per step, the breakdown's DataLoader part (analysis/steps.ts). */
export function* dataLoaderWork(c: Ctx, dataLoaderUs: number[]): Work<Hint | null> {
  const cost = dataLoaderUs.reduce((a, b) => a + b, 0);
  if (c.stepUs <= 0 || share(c, cost) <= THRESHOLDS.dataLoaderPct) return null;
  const { m } = c;
  const { start, dur } = m.slices;
  const mask = matchNames(m, isDataLoaderName);
  yield;
  const calls = Array.from(yield* slicesNamedWork(m, mask)).filter((i) => dur[i]! > 0);
  const occ: Occurrence[] = [];
  for (const i of calls) {
    const inside = coveredIn(c.inSteps, start[i]!, start[i]! + dur[i]!);
    if (inside > 0) occ.push({ start: start[i]!, end: start[i]! + dur[i]!, slices: [i], costUs: inside, label: '' });
  }
  return hint(
    c, 'dataloader', cost, occ,
    `Data loading ${pct(share(c, cost))} of the step time`,
    `Waiting for the next batch took ${formatMicros(cost)} of the steps (the breakdown's DataLoader part: data loading the GPU, copies and runtime did not overlap), above the TensorBoard plugin's ${THRESHOLDS.dataLoaderPct} %.`,
    'Load data in parallel and ahead of time: DataLoader(num_workers > 0, pin_memory=True, persistent_workers=True, prefetch_factor), cheaper transforms, or preprocessing offline.',
    { dataLoaderUs: cost },
    (o) => `${nameOf(m, o.slices[0]!)} on ${trackLabel(m, o.slices[0]!)}: ${formatMicros(o.end - o.start)}`,
  );
}

// ─── low-utilization, low-occupancy, communication ───────────────────────────────────

export function lowUtilization(c: Ctx, d: Device): Hint | null {
  if (c.steps.length === 0 || d.kernels === 0) return null;
  const w0 = c.steps[0]!.start;
  const w1 = Math.max(...c.steps.map((s) => s.end));
  if (!(w1 > w0)) return null;
  const busy = coveredIn(d.kernelBusy, w0, w1);
  const util = (100 * busy) / (w1 - w0);
  if (util >= THRESHOLDS.utilizationPct) return null;
  const occ: Occurrence[] = [];
  for (const s of c.steps) {
    if (!(s.end > s.start)) continue;
    const b = coveredIn(d.kernelBusy, s.start, s.end);
    const u = (100 * b) / (s.end - s.start);
    if (u < THRESHOLDS.utilizationPct) occ.push({ start: s.start, end: s.end, slices: s.slice >= 0 ? [s.slice] : [], costUs: s.end - s.start - b, label: `${s.name}: kernels ${pct(u)} of ${formatMicros(s.end - s.start)}` });
  }
  const cost = w1 - w0 - busy;
  return hint(
    c, 'low-utilization', cost, occ,
    `${d.name} utilization ${pct(util)}`,
    `Kernels kept ${d.name} busy for ${formatMicros(busy)} of the ${formatMicros(w1 - w0)} from the first step's start to the last step's end: GPU utilization ${pct(util)} (the TensorBoard plugin's definition, kernels only), below ${THRESHOLDS.utilizationPct} %.`,
    'See the GPU-idle, sync, data loading and launch-bound hints for where the time goes; larger batches and fewer host round trips raise utilization.',
    { utilizationPct: util, kernelUs: busy, windowUs: w1 - w0 },
  );
}

export function* lowOccupancyWork(c: Ctx): Work<Hint[]> {
  const { m } = c;
  if (c.steps.length === 0) return [];
  const w = { start: c.steps[0]!.start, end: Math.max(...c.steps.map((s) => s.end)) };
  // The table only for the names with a large enough share (most traces have none).
  const { byName, all } = yield* kernelTimeByNameWork(m, w);
  const big = new Uint8Array(m.strings.length);
  let any = false;
  for (let id = 0; id < byName.length; id++) {
    if (all > 0 && (100 * byName[id]!) / all >= THRESHOLDS.occupancyShare && !NCCL.test(m.strings[id]!)) big[id] = 1;
    any ||= big[id] === 1;
  }
  if (!any) return [];
  const rows = yield* kernelTableWork(m, w, big);
  const out: Hint[] = [];
  const roles = categoryRoles(m);
  const { start, dur, cat } = m.slices;
  for (const r of rows) {
    // communication kernels use few SMs by design: the communication rule covers them
    if (r.pctOfKernelTime < THRESHOLDS.occupancyShare || NCCL.test(r.name)) continue;
    // Kineto writes an occupancy of 0 where it did not work one out (NCCL kernels, cluster
    // launches): that is no evidence of low occupancy.
    const lowOcc = r.occupancyPct !== null && r.occupancyPct > 0 && r.occupancyPct < THRESHOLDS.occupancyPct;
    const lowEff = r.smEfficiencyPct !== null && r.smEfficiencyPct < THRESHOLDS.occupancyPct;
    if (!lowOcc && !lowEff) continue;
    const named = new Uint8Array(m.strings.length);
    named[m.strings.indexOf(r.name)] = 1;
    const occ: Occurrence[] = [];
    for (const i of yield* slicesNamedWork(m, named)) {
      if (roles[cat[i]!] !== ROLE_KERNEL) continue;
      if (start[i]! >= w.end || start[i]! + dur[i]! <= w.start) continue;
      occ.push({ start: start[i]!, end: start[i]! + dur[i]!, slices: [i], costUs: dur[i]!, label: '' });
    }
    const what = [lowOcc ? `estimated achieved occupancy ${pct(r.occupancyPct!)}` : '', lowEff ? `estimated SM efficiency ${pct(r.smEfficiencyPct!)}` : ''].filter(Boolean).join(' and ');
    out.push(hint(
      c, 'low-occupancy', r.totalUs, occ,
      `Low occupancy: ${r.name.length > 60 ? `${r.name.slice(0, 57)}…` : r.name}`,
      `This kernel takes ${pct(r.pctOfKernelTime)} of the kernel time (${formatMicros(r.totalUs)} in ${r.count} calls) with ${what} (below ${THRESHOLDS.occupancyPct} %): its grids are too small to fill the GPU's SMs, so most of the device idles while it runs. The cost shown is the kernel's whole time, what a fix can shrink.`,
      'Give each kernel more work: a larger batch size, fusing small ops (torch.compile), or running independent work concurrently on other streams.',
      { pctOfKernelTime: r.pctOfKernelTime, ...(r.occupancyPct !== null ? { occupancyPct: r.occupancyPct } : {}), ...(r.smEfficiencyPct !== null ? { smEfficiencyPct: r.smEfficiencyPct } : {}) },
      (o) => `${formatMicros(o.end - o.start)} on ${trackLabel(m, o.slices[0]!)}`,
    ));
    yield;
  }
  return out;
}

const NCCL = /nccl/i;

export function* communicationWork(c: Ctx): Work<Hint | null> {
  const { m } = c;
  const roles = categoryRoles(m);
  const { start, dur, name, cat } = m.slices;
  const comm: Intervals[] = [];
  const compute: Intervals[] = [];
  const ncclMask = matchNames(m, (s) => NCCL.test(s));
  const kernels: number[] = [];
  for (const d of c.devices) {
    const a = new IntervalBuilder(64);
    const b = new IntervalBuilder(1024);
    const ev = d.events;
    yield* forChunks(ev.length, (lo, hi) => {
      for (let j = lo; j < hi; j++) {
        const i = ev[j]!;
        if (roles[cat[i]!] !== ROLE_KERNEL) continue;
        if (ncclMask[name[i]!]) {
          a.add(start[i]!, start[i]! + dur[i]!);
          kernels.push(i);
        } else b.add(start[i]!, start[i]! + dur[i]!);
      }
    });
    comm.push(a.done());
    compute.push(b.done());
  }
  if (kernels.length === 0) return null;
  const commIn = intersect(unionAll(comm), c.inSteps);
  const computeAll = unionAll(compute);
  const commUs = totalLength(commIn);
  if (c.stepUs <= 0 || share(c, commUs) <= THRESHOLDS.communicationPct) return null;
  const exposedIv = subtract(commIn, computeAll);
  const exposed = totalLength(exposedIv);
  if (exposed <= 0) return null;
  const occ: Occurrence[] = [];
  for (const i of kernels) {
    const s = start[i]!;
    const e = s + dur[i]!;
    const x = coveredIn(exposedIv, s, e);
    if (coveredIn(c.inSteps, s, e) <= 0) continue;
    occ.push({ start: s, end: e, slices: [i], costUs: x, label: '' });
  }
  return hint(
    c, 'communication', exposed, occ,
    `Communication ${pct(share(c, commUs))} of the step time, ${pct((100 * exposed) / commUs)} of it not overlapped`,
    `NCCL kernels ran for ${formatMicros(commUs)} of the steps (above the TensorBoard plugin's ${THRESHOLDS.communicationPct} %); ${formatMicros(exposed)} of that had no computation kernel running beside it (HTA's overlap: ${pct((100 * (commUs - exposed)) / commUs)}). The cost shown is that exposed part.`,
    'Overlap communication with computation (DDP bucketing and gradient_as_bucket_view, FSDP prefetch), communicate less (larger buckets, gradient accumulation, no SyncBatchNorm unless needed), and check for stragglers: a rank waiting for others shows as long collectives.',
    { communicationUs: commUs, exposedUs: exposed },
    (o) => `${nameOf(m, o.slices[0]!)} on ${trackLabel(m, o.slices[0]!)}: ${formatMicros(o.end - o.start)}, ${formatMicros(o.costUs)} not overlapped`,
  );
}

// ─── all of them ─────────────────────────────────────────────────────────────────────

export interface HintInputs {
  steps: StepSpan[];
  /** Per step, the breakdown's DataLoader part (µs); null when not known (no dataloader hint). */
  dataLoaderUs: number[] | null;
  /** Extra hints computed elsewhere (memory-peak), merged into the order. */
  extra?: Hint[];
}

export function* hintsWork(m: TraceModel, input: HintInputs): Work<Hint[]> {
  const c = yield* contextWork(m, input.steps);
  const out: (Hint | null)[] = [];
  for (const d of c.devices) out.push(yield* gpuIdleWork(c, d));
  out.push(yield* shortKernelsWork(c));
  out.push(yield* launchDelayWork(c));
  out.push(yield* syncWork(c));
  out.push(yield* memcpyWork(c));
  if (input.dataLoaderUs) out.push(yield* dataLoaderWork(c, input.dataLoaderUs));
  for (const d of c.devices) out.push(lowUtilization(c, d));
  yield;
  out.push(...(yield* lowOccupancyWork(c)));
  out.push(yield* communicationWork(c));
  if (input.extra) out.push(...input.extra.map((h) => ({ ...h, costPctOfStep: c.stepUs > 0 ? (100 * h.costUs) / c.stepUs : 0 })));
  return out.filter((h): h is Hint => h !== null).sort((a, b) => b.costUs - a.costUs);
}

export function hintsOf(m: TraceModel, input: HintInputs): Hint[] {
  return runNow(hintsWork(m, input));
}

/** The hints of a trace over its own steps and their breakdown (analysis/steps.ts). */
export function* traceHintsWork(m: TraceModel, extra?: Hint[]): Work<Hint[]> {
  const steps = stepsOf(m);
  yield;
  const breakdown = yield* breakdownWork(m, steps);
  return yield* hintsWork(m, { steps, dataLoaderUs: breakdown.map((b) => b.dataLoader), extra });
}

export function traceHints(m: TraceModel): Hint[] {
  return runNow(traceHintsWork(m));
}


/**
 * memory-peak (the TensorBoard plugin's memory view): a GPU whose peak allocated memory is
 * above THRESHOLDS.memoryPct of its `totalGlobalMem` (deviceProperties). It costs no time
 * (costUs 0): it says how close the run came to running out of memory.
 */
export function memoryPeakHints(m: TraceModel, mem: MemoryAnalysis): Hint[] {
  const out: Hint[] = [];
  const A = mem.allocations;
  mem.devices.forEach((d, k) => {
    if (d.deviceType === 0) return; // the CPU
    const props = deviceProperties(m, d.deviceId);
    const total = Number(props?.totalGlobalMem);
    if (!(total > 0) || d.peakAllocatedBytes <= (THRESHOLDS.memoryPct / 100) * total) return;
    const pct = (100 * d.peakAllocatedBytes) / total;
    // the allocation that reached the peak, to select
    const slices: number[] = [];
    for (let r = 0; r < A.n; r++) {
      if (A.device[r] === k && A.allocAt[r] === d.peakAllocatedAt) {
        slices.push(A.allocSlice[r]!);
        break;
      }
    }
    out.push({
      kind: 'memory-peak',
      title: `${d.device}: peak allocated memory ${formatBytes(d.peakAllocatedBytes)}, ${pct.toFixed(1)} % of its ${formatBytes(total)}`,
      costUs: 0,
      costPctOfStep: 0,
      occurrences: [{ start: d.peakAllocatedAt, end: d.peakAllocatedAt, slices, label: `peak ${formatBytes(d.peakAllocatedBytes)}`, costUs: 0 }],
      occurrenceCount: 1,
      explanation:
        `The memory allocated by PyTorch's caching allocator on ${d.device} reached ${formatBytes(d.peakAllocatedBytes)}, over ${THRESHOLDS.memoryPct} % of the device's ${formatBytes(total)} (deviceProperties' totalGlobalMem). ` +
        'A slightly larger batch or sequence, or fragmentation, would run out of memory.',
      suggestion: 'Lower the peak: activation checkpointing, a smaller micro-batch with gradient accumulation, mixed precision (bf16/fp16), freeing tensors early (del, set_to_none=True for gradients), or sharding optimizer state (ZeRO/FSDP).',
      figures: { peakAllocatedBytes: d.peakAllocatedBytes, totalGlobalMem: total, peakPct: pct },
    });
  });
  return out;
}
