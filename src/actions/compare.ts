// Two runs compared: aligning the second (B) against the first (A) on the shared timeline,
// and what the page and window.kinetoscope ask of the comparison. The offsets themselves are
// the traces' (store/trace-time.ts); this decides them.

import { diffTable, diffTableWork, type DiffRow } from '../analysis/compare.ts';
import { categoryRoles, ROLE_KERNEL } from '../analysis/roles.ts';
import { runSliced } from '../analysis/sliced.ts';
import { stepsOf, type Step } from '../analysis/steps.ts';
import type { TimeWindow } from '../analysis/window.ts';
import { FLAG_LAUNCH, type TraceModel } from '../model/types.ts';
import { alignRuns } from '../store/actions.ts';
import type { AppStore, Comparison, LoadedTrace } from '../store/app-store.ts';
import { offsetOf, traceWindow } from '../store/trace-time.ts';
import { analysisStats, overviewFor } from './analysis.ts';

export type AlignHow = { start: true } | { step: string } | { stepA: string; stepB: string } | { offsetUs: number };

const stepCache = new WeakMap<TraceModel, Step[]>();

/** The trace's steps (the overview's: ProfilerStep#N, else one whole-trace step), worked out once. */
export function stepsCached(m: TraceModel): Step[] {
  let s = stepCache.get(m);
  if (!s) stepCache.set(m, (s = stepsOf(m)));
  return s;
}

/** The ProfilerStep#N steps of a trace (none for a trace without them). */
export function profilerSteps(m: TraceModel): Step[] {
  return stepsCached(m).filter((s) => s.slice >= 0);
}

/** The two runs (A, B), or null with fewer than two traces (or with the ranks of one run). */
export function runsOf(traces: readonly LoadedTrace[]): [LoadedTrace, LoadedTrace] | null {
  return traces.length >= 2 && traces[0]!.rank === undefined ? [traces[0]!, traces[1]!] : null;
}

/**
 * The offset of B that lines step `stepB`'s slice up with step `stepA`'s (A's offset
 * included), or an error message.
 */
export function stepOffset(a: LoadedTrace, stepA: string, b: LoadedTrace, stepB: string): number | string {
  const sa = profilerSteps(a.model).find((s) => s.name === stepA);
  const sb = profilerSteps(b.model).find((s) => s.name === stepB);
  if (!sa) return `no step "${stepA}" in ${a.name}`;
  if (!sb) return `no step "${stepB}" in ${b.name}`;
  return offsetOf(a) + sa.hostStart - sb.hostStart;
}

/** Aligns B: at its start, by a step (the same name in both, or one each), or by an offset (µs). Throws what is wrong. */
export function align(store: AppStore, how: AlignHow): void {
  const runs = runsOf(store.getState().traces);
  if (!runs) throw new Error('one trace is open: open a second to compare (Compare…, Shift+drop, or open(source, { compare: true }))');
  const [a, b] = runs;
  if ('start' in how) {
    alignRuns(store, { aligned: 'start', stepA: null, stepB: null }, { [b.id]: offsetOf(a) });
  } else if ('offsetUs' in how) {
    if (!Number.isFinite(how.offsetUs)) throw new Error(`offsetUs must be a finite number of µs, not ${String(how.offsetUs)}`);
    alignRuns(store, { aligned: 'manual', stepA: null, stepB: null }, { [b.id]: how.offsetUs });
  } else {
    const [stepA, stepB] = 'step' in how ? [how.step, how.step] : [how.stepA, how.stepB];
    const o = stepOffset(a, stepA, b, stepB);
    if (typeof o === 'string') throw new Error(o);
    alignRuns(store, { aligned: 'step', stepA, stepB }, { [b.id]: o });
  }
}

/** B moved by hand to `offsetUs` (a drag): manual alignment. */
export function shiftCompared(store: AppStore, offsetUs: number): void {
  const runs = runsOf(store.getState().traces);
  if (runs && Number.isFinite(offsetUs)) alignRuns(store, { aligned: 'manual', stepA: null, stepB: null }, { [runs[1].id]: offsetUs });
}

/** The comparison as window.kinetoscope.compare() reports it: null with one trace. */
export function comparisonOf(traces: readonly LoadedTrace[], c: Comparison): null | { aligned: Comparison['aligned']; offsetUs: number } {
  const runs = runsOf(traces);
  return runs ? { aligned: c.aligned, offsetUs: offsetOf(runs[1]) - offsetOf(runs[0]) } : null;
}

// --- The Diff tab's and compareTable()'s figures, run in short tasks and cached per pair and windows.

const diffCache = new WeakMap<TraceModel, WeakMap<TraceModel, Map<string, Promise<DiffRow[]>>>>();

function windowKey(w: TimeWindow | undefined): string {
  return w ? `${w.start}|${w.end}` : 'all';
}

/** The diff table of A and B over a window of each (whole runs without), in short tasks; cached. */
export function diffFor(a: TraceModel, b: TraceModel, wa?: TimeWindow, wb?: TimeWindow): Promise<DiffRow[]> {
  let byB = diffCache.get(a);
  if (!byB) diffCache.set(a, (byB = new WeakMap()));
  let m = byB.get(b);
  if (!m) byB.set(b, (m = new Map()));
  const key = `${windowKey(wa)}/${windowKey(wb)}`;
  let p = m.get(key);
  if (!p) {
    p = runSliced(diffTableWork(a, b, wa, wb), 8, undefined, analysisStats);
    if (m.size > 8) m.delete(m.keys().next().value!); // a dragged range asks for many
    m.set(key, p);
    const mm = m;
    p.catch(() => mm.get(key) === p && mm.delete(key));
  }
  return p;
}

/** The whole runs' diff, at once (compareTable() is synchronous): the cached one when it is in. */
const wholeDone = new WeakMap<TraceModel, WeakMap<TraceModel, DiffRow[]>>();
export function wholeDiffNow(a: TraceModel, b: TraceModel): DiffRow[] {
  let byB = wholeDone.get(a);
  if (!byB) wholeDone.set(a, (byB = new WeakMap()));
  let rows = byB.get(b);
  if (!rows) byB.set(b, (rows = diffTable(a, b)));
  return rows;
}

export type DiffScope = 'whole' | 'step' | 'range';

export interface StepPair {
  a: Step;
  b: Step;
}

/** The step pair the Diff tab and the op-tree diff use: the aligned steps, else the first ProfilerStep of each run; null without. */
export function stepPairOf(a: LoadedTrace, b: LoadedTrace, c: Comparison): StepPair | null {
  const sa = profilerSteps(a.model);
  const sb = profilerSteps(b.model);
  const pa = (c.stepA !== null ? sa.find((s) => s.name === c.stepA) : undefined) ?? sa[0];
  const pb = (c.stepB !== null ? sb.find((s) => s.name === c.stepB) : undefined) ?? sb[0];
  return pa && pb ? { a: pa, b: pb } : null;
}

/** The windows of A and B for a scope (undefined: whole), or a reason there is none. */
export function scopeWindows(
  scope: DiffScope, a: LoadedTrace, b: LoadedTrace, c: Comparison, range: { start: number; end: number } | null,
): { wa?: TimeWindow; wb?: TimeWindow } | string {
  if (scope === 'whole') return {};
  if (scope === 'range') {
    if (!range) return 'No range: drag on the ruler (or Shift-drag on the tracks) to pick one.';
    return { wa: traceWindow(a, range), wb: traceWindow(b, range) };
  }
  const pair = stepPairOf(a, b, c);
  if (!pair) return 'No ProfilerStep in one of the runs: compare the whole runs or a range.';
  return { wa: { start: pair.a.start, end: pair.a.end }, wb: { start: pair.b.start, end: pair.b.end } };
}

export interface RunFigures {
  /** ProfilerSteps (0: none; the figures per step are then over the whole run as one step). */
  steps: number;
  meanStepUs: number;
  /** Mean over the devices of the overview's GPU utilization; null without GPU work. */
  gpuUtilizationPct: number | null;
  kernelsPerStep: number;
  launchesPerStep: number;
}

/** A run's figures for the summary strip: from the overview (steps, utilization) and a count of kernels and launches in the steps. */
export async function runFigures(t: LoadedTrace): Promise<RunFigures> {
  const o = await overviewFor(t.model);
  const real = o.steps.filter((s) => s.slice >= 0);
  const steps = real.length > 0 ? real : o.steps;
  const n = Math.max(1, steps.length);
  let total = 0;
  for (const s of steps) total += s.end - s.start;
  const roles = categoryRoles(t.model);
  const { cat, flags, start } = t.model.slices;
  const w0 = o.window.start;
  const w1 = o.window.end;
  let kernels = 0;
  let launches = 0;
  for (let i = 0; i < cat.length; i++) {
    const s = start[i]!;
    if (s < w0 || s > w1) continue;
    if (roles[cat[i]!] === ROLE_KERNEL) kernels++;
    if (flags[i]! & FLAG_LAUNCH) launches++;
  }
  const utils = o.devices.map((d) => d.utilizationPct);
  return {
    steps: real.length,
    meanStepUs: total / n,
    gpuUtilizationPct: o.hasGpu && utils.length > 0 ? utils.reduce((x, y) => x + y, 0) / utils.length : null,
    kernelsPerStep: kernels / n,
    launchesPerStep: launches / n,
  };
}
