// The analyses that run unasked after every load, where they can: on the trace worker, idle
// once the model is on its way to the page, beside the page's own first work on the other
// core. The overview's steps and their breakdown (analysis/steps.ts), then the memory
// analysis (analysis/memory.ts); the page waits for them when it needs them
// (actions/analysis.ts overviewFor, memoryFor). The worker copies the columns they read before
// the model is transferred (~30 bytes a slice, ~45 with what it builds from them; freed when
// done). Past INSIGHT_COPY_LIMIT slices, when the load was overtaken or the trace dropped, or
// when another load starts meanwhile, it gives up and the page works them out.

import { memoryWork, type MemoryAnalysis } from '../analysis/memory.ts';
import { categoryRoles } from '../analysis/roles.ts';
import type { Breakdown, Step } from '../analysis/steps.ts';
import { breakdownWork, stepsWork } from '../analysis/steps.ts';
import { runNow, runSliced, type Work } from '../analysis/sliced.ts';
import { buffersOf } from '../lib/buffers.ts';
import type { TraceModel } from '../model/types.ts';

/** Slices above which the worker keeps no copy (memory: the page has the model already). */
export const INSIGHT_COPY_LIMIT = 4_000_000;

export interface StepBreakdown {
  steps: Step[];
  breakdowns: Breakdown[];
  /** The categories' roles (analysis/roles.ts), worked out on the way: the page need not. */
  roles: Uint8Array;
  /** The worker's time on it (its tasks, summed), ms. */
  workerMs: number;
}

export interface WorkerMemory {
  memory: MemoryAnalysis;
  workerMs: number;
}

/**
 * What the two read of a model, copied (the model's own columns are about to be transferred):
 * the slices' start, dur, name, cat, flags and track, the flows and the `[memory]` fields.
 * The rest of the model's typed arrays will be detached (read as empty, silently): on the
 * copy, reading them throws instead.
 */
export function insightInput(m: TraceModel): TraceModel | null {
  const s = m.slices;
  if (s.start.length > INSIGHT_COPY_LIMIT) return null;
  const f = m.flows;
  const mem = m.fields.memory;
  const memCopy = Object.fromEntries(Object.entries(mem).map(([k, v]) => [k, (v as Float64Array | Uint32Array).slice()])) as typeof mem;
  const slices = withoutFields({ ...s, start: s.start.slice(), dur: s.dur.slice(), name: s.name.slice(), cat: s.cat.slice(), flags: s.flags.slice(), track: s.track.slice() }, ['depth']);
  const flows = withoutFields({ ...f, from: f.from.slice(), to: f.to.slice(), kind: f.kind.slice() }, ['byTo']);
  const fields = withoutFields({ ...m.fields, memory: memCopy }, Object.keys(m.fields).filter((k) => k !== 'memory') as (keyof TraceModel['fields'])[]);
  return withoutFields({ ...m, slices, flows, fields }, ['kernels', 'counters']);
}

/** `o` with reading each of `keys` throwing (columns left out of the copy). */
function withoutFields<T extends object>(o: T, keys: (keyof T)[]): T {
  for (const k of keys) {
    Object.defineProperty(o, k, {
      get() {
        throw new Error(`insight on the worker: ${String(k)} is not copied (worker/insight.ts insightInput)`);
      },
    });
  }
  return o;
}

function* stepBreakdownWork(m: TraceModel): Work<Omit<StepBreakdown, 'workerMs'>> {
  const steps = yield* stepsWork(m);
  const breakdowns = yield* breakdownWork(m, steps);
  return { steps, breakdowns, roles: categoryRoles(m) };
}

/** In tasks of ~50 ms (the worker stays open to other calls); `signal` gives up. */
async function onWorker<T>(work: Work<T>, signal: AbortSignal): Promise<{ value: T; workerMs: number }> {
  const stats = { longestMs: 0, tasks: 0, totalMs: 0 };
  const value = await runSliced(work, 50, signal, stats);
  return { value, workerMs: stats.totalMs };
}

export async function stepBreakdown(input: TraceModel, signal: AbortSignal): Promise<StepBreakdown> {
  const { value, workerMs } = await onWorker(stepBreakdownWork(input), signal);
  return { ...value, workerMs };
}

export async function memoryAnalysisOnWorker(input: TraceModel, signal: AbortSignal): Promise<WorkerMemory> {
  const { value, workerMs } = await onWorker(memoryWork(input), signal);
  return { memory: value, workerMs };
}

/** The typed arrays of a memory analysis, to transfer it to the page. */
export function memoryBuffers(r: WorkerMemory): ArrayBuffer[] {
  const a = r.memory.allocations;
  return buffersOf([a, ...r.memory.devices.map((d) => d.curve)]);
}

/** At once (the worker's warm-up, on its sample: so that the first real ones run optimised code). */
export function insightNow(m: TraceModel): void {
  runNow(stepBreakdownWork(m));
  runNow(memoryWork(m));
}
