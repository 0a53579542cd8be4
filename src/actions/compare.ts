// Two runs compared: aligning the second (B) against the first (A) on the shared timeline,
// and what the page and window.kinetoscope ask of the comparison. The offsets themselves are
// the traces' (store/trace-time.ts); this decides them.

import { stepsOf, type Step } from '../analysis/steps.ts';
import type { TraceModel } from '../model/types.ts';
import { alignRuns } from '../store/actions.ts';
import type { AppStore, Comparison, LoadedTrace } from '../store/app-store.ts';
import { offsetOf } from '../store/trace-time.ts';

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
