// The steps and their time breakdown (analysis/steps.ts) worked out on the trace worker after
// a load, beside the page's own first work on the other core: the page gets the model at
// once, and these a little later (actions/analysis.ts overviewFor). The worker copies the few
// columns they read before the model is transferred (~30 bytes an event, freed when done).
// Past BREAKDOWN_COPY_LIMIT slices, or when another load starts meanwhile, it gives up and
// the page works them out itself.

import type { Breakdown, Step } from '../analysis/steps.ts';
import { breakdownWork, stepsWork } from '../analysis/steps.ts';
import { runNow, runSliced, type Work } from '../analysis/sliced.ts';
import type { TraceModel } from '../model/types.ts';

/** Slices above which the worker keeps no copy (memory: the page has the model already). */
export const BREAKDOWN_COPY_LIMIT = 4_000_000;

export interface StepBreakdown {
  steps: Step[];
  breakdowns: Breakdown[];
  /** The worker's time on it (its tasks, summed), ms. */
  workerMs: number;
}

/**
 * What the breakdown reads of a model, copied (the model's own columns are about to be
 * transferred): the slices' start, dur, name, cat, flags and track, and the flows. Nothing
 * else of the copy may be read: its other typed arrays are the model's, detached by then.
 */
export function breakdownInput(m: TraceModel): TraceModel | null {
  const s = m.slices;
  if (s.start.length > BREAKDOWN_COPY_LIMIT) return null;
  const f = m.flows;
  return {
    ...m,
    slices: { ...s, start: s.start.slice(), dur: s.dur.slice(), name: s.name.slice(), cat: s.cat.slice(), flags: s.flags.slice(), track: s.track.slice() },
    flows: { ...f, from: f.from.slice(), to: f.to.slice(), kind: f.kind.slice() },
  };
}

function* stepBreakdownWork(m: TraceModel): Work<Omit<StepBreakdown, 'workerMs'>> {
  const steps = yield* stepsWork(m);
  const breakdowns = yield* breakdownWork(m, steps);
  return { steps, breakdowns };
}

/** Works the breakdown out in tasks of ~50 ms (the worker stays open to other calls); `signal` gives up. */
export async function stepBreakdown(input: TraceModel, signal: AbortSignal): Promise<StepBreakdown> {
  const stats = { longestMs: 0, tasks: 0, totalMs: 0 };
  const r = await runSliced(stepBreakdownWork(input), 50, signal, stats);
  return { ...r, workerMs: stats.totalMs };
}

/** At once (the worker's warm-up, on its sample: so that the first real one runs optimised code). */
export function stepBreakdownNow(m: TraceModel): void {
  runNow(stepBreakdownWork(m));
}
