// Steps and the step-time breakdown on hand-written traces whose answers are worked out by
// hand, and against a brute-force sweep over event boundaries on random traces.

import { describe, expect, it } from 'vitest';
import { loadEvents } from '../testing/load-text.ts';
import { randomTrace, toJson, type Ev } from '../testing/random-kineto.ts';
import { sortPairsWork, unionOf, unionOfRunsWork, unionOfSorted, measureIn } from './intervals.ts';
import { mulberry32 } from '../engine/synth-trace.ts';
import { runNow } from './sliced.ts';
import { BREAKDOWN_KEYS, breakdownOf, stepsOf, WHOLE_TRACE, type Breakdown } from './steps.ts';

const X = (name: string, cat: string, pid: number, tid: number, ts: number, dur: number, args?: Record<string, unknown>) => ({ ph: 'X', name, cat, pid, tid, ts, dur, ...(args ? { args } : {}) });
const DL = 'enumerate(DataLoader)#_SingleProcessDataLoaderIter.__next__';

/** Two steps; the first's GPU work ends after its slice, the second's slice starts before the first's extended end. */
const TWO_STEPS = [
  X('ProfilerStep#1', 'user_annotation', 1, 1, 0, 100),
  X(DL, 'user_annotation', 1, 1, 0, 10),
  X('aten::mm', 'cpu_op', 1, 1, 10, 60),
  X('cudaLaunchKernel', 'cuda_runtime', 1, 1, 20, 10, { correlation: 1 }),
  X('cudaLaunchKernel', 'cuda_runtime', 1, 1, 60, 5, { correlation: 3 }),
  X('forward', 'python_function', 1, 2, 50, 25),
  X('gemm', 'kernel', 0, 7, 40, 30, { correlation: 1, device: 0, stream: 7 }),
  X('gemm2', 'kernel', 0, 7, 95, 20, { correlation: 3, device: 0, stream: 7 }),
  X('ncclKernel_AllReduce_RING_LL_Sum_float', 'kernel', 0, 8, 80, 30, { device: 0, stream: 8 }),
  X('Memcpy HtoD (Pageable -> Device)', 'gpu_memcpy', 0, 8, 30, 15, { device: 0, stream: 8 }),
  X('Memset (Device)', 'gpu_memset', 2, 7, 90, 10, { device: 1, stream: 7 }),
  // A GPU-side ProfilerStep annotation: not a step, in no category.
  X('ProfilerStep#1', 'gpu_user_annotation', 0, 9, 0, 300),
  X('ProfilerStep#2', 'user_annotation', 1, 1, 110, 90),
  X('aten::copy_', 'cpu_op', 1, 1, 125, 45),
  X('cudaMemcpyAsync', 'cuda_runtime', 1, 1, 130, 10, { correlation: 2 }),
  X('Memcpy HtoD (Pinned -> Device)', 'gpu_memcpy', 0, 8, 150, 10, { correlation: 2, device: 0, stream: 8 }),
  { ph: 'M', name: 'process_name', pid: 0, tid: 0, args: { name: 'GPU 0' } },
  { ph: 'M', name: 'process_name', pid: 2, tid: 0, args: { name: 'GPU 1' } },
];

const zero = (): Breakdown => ({ kernel: 0, memcpy: 0, memset: 0, communication: 0, runtime: 0, dataLoader: 0, cpuExec: 0, other: 0 });
const sum = (b: Breakdown): number => BREAKDOWN_KEYS.reduce((a, k) => a + b[k], 0);

/** The breakdown rounded to 1e-9 µs, missing categories 0: compared with toEqual. */
function close(b: Partial<Breakdown>): Breakdown {
  const out = zero();
  for (const k of BREAKDOWN_KEYS) out[k] = Math.round((b[k] ?? 0) * 1e9) / 1e9;
  return out;
}

describe('steps', () => {
  it('ProfilerSteps on CPU threads, clamped to the previous end, extended to their GPU work', async () => {
    const { model } = await loadEvents(TWO_STEPS);
    const steps = stepsOf(model);
    expect(steps.map((s) => [s.name, s.start, s.end, s.hostStart, s.hostEnd])).toEqual([
      ['ProfilerStep#1', 0, 115, 0, 100],
      ['ProfilerStep#2', 115, 200, 110, 200],
    ]);
    expect(model.strings[model.slices.name[steps[0]!.slice]!]).toBe('ProfilerStep#1');
  });

  it('the priority fill: kernel > memcpy > memset > communication > runtime > data loader > CPU exec > other', async () => {
    const { model } = await loadEvents(TWO_STEPS);
    const steps = stepsOf(model);
    const [a, b] = breakdownOf(model, steps);
    // Step 1 [0, 115]: kernels [40,70] [95,115]; the memcpy's [30,40]; the memset (another
    // device) [90,95]; nccl [80,90]; runtime [20,30] (the second launch is under a kernel);
    // the data loader [0,10]; CPU ops [10,20] and [70,75] (two threads); other [75,80].
    expect(close(a!)).toEqual(close({ kernel: 50, memcpy: 10, memset: 5, communication: 10, runtime: 10, dataLoader: 10, cpuExec: 15, other: 5 }));
    // Step 2 [115, 200]: memcpy [150,160]; runtime [130,140]; the copy_ op around them 25; the rest other.
    expect(close(b!)).toEqual(close({ memcpy: 10, runtime: 10, cpuExec: 25, other: 40 }));
    for (const [k, st] of steps.entries()) expect(sum([a!, b!][k]!)).toBeCloseTo(st.end - st.start, 9);
  });

  it('a trace without ProfilerStep is one step over its content', async () => {
    const { model } = await loadEvents([
      X('aten::add', 'cpu_op', 1, 1, 1000, 50),
      X('cudaLaunchKernel', 'cuda_runtime', 1, 1, 1010, 5, { correlation: 9 }),
      X('add_kernel', 'kernel', 0, 7, 1040, 30, { correlation: 9, device: 0 }),
      { ph: 'i', name: 'late', cat: 'x', pid: 1, tid: 1, ts: 5000, s: 't' },
    ]);
    const steps = stepsOf(model);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ name: WHOLE_TRACE, slice: -1, start: 0, end: 70 });
    // The op [0,50] less the launch [10,15] and the kernel [40,70]; nothing is left for other.
    expect(close(breakdownOf(model, steps)[0]!)).toEqual(close({ kernel: 30, runtime: 5, cpuExec: 10 + 25, other: 0 }));
  });

  it('DataPipe names, nccl in any case, operator and Kernel categories written capitalised', async () => {
    const { model } = await loadEvents([
      X('ProfilerStep#7', 'user_annotation', 1, 1, 0, 100),
      X('enumerate(DataPipe)#ShufflerIterDataPipe', 'user_annotation', 1, 1, 0, 20),
      X('enumerate(DataLoader)#notnext', 'user_annotation', 1, 1, 20, 10), // not __next__: CPU exec
      X('aten::conv2d', 'Operator', 1, 2, 25, 30),
      X('NCCL_something', 'Kernel', 0, 7, 40, 10, { device: 0 }),
      X('some_annotation', 'unknown_cat', 1, 3, 60, 20), // in no category: other
    ]);
    const steps = stepsOf(model);
    // CPU exec: [20,55] less the nccl kernel [40,50]; other: [55,100] (the unknown category too).
    expect(close(breakdownOf(model, steps)[0]!)).toEqual(close({ dataLoader: 20, communication: 10, cpuExec: 25, other: 45 }));
  });
});

describe('interval helpers', () => {
  it('sorts in runs and merges, carrying values', () => {
    const n = 20000;
    const key = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % n) / 3);
    const val = key.map((k) => k * 2);
    const { key: k2, val: v2 } = runNow(sortPairsWork(key.slice(), val.slice()));
    const want = key.slice().sort();
    expect(Array.from(k2)).toEqual(Array.from(want));
    for (let i = 0; i < n; i++) expect(v2![i]).toBe(k2[i]! * 2);
    // long ascending runs (rows of tracks one after another): merged run by run, stably
    const runs = Float64Array.from({ length: n }, (_, i) => Math.floor(((i % 400) * 13 + Math.floor(i / 400)) / 5));
    const order = Array.from(runs, (_, i) => i).sort((a, b) => runs[a]! - runs[b]! || a - b);
    const r2 = runNow(sortPairsWork(runs.slice(), Float64Array.from(runs, (_, i) => i)));
    expect(Array.from(r2.key)).toEqual(order.map((i) => runs[i]!));
    expect(Array.from(r2.val!)).toEqual(order);
  });

  it('unions intervals given in runs (rows) as the separately sorted starts and ends do: nested, overlapping, touching, shuffled', () => {
    const rand = mulberry32(17);
    for (let round = 0; round < 60; round++) {
      const n = Math.floor(rand() * 400);
      const iv = Array.from({ length: n }, () => {
        const s = Math.floor(rand() * 1000) / (rand() < 0.5 ? 1 : 4);
        return [s, s + Math.floor(rand() * (rand() < 0.2 ? 300 : 20)) + (rand() < 0.1 ? 0 : 1)] as const;
      });
      // runs: sorted stretches of random length, as rows of tracks are (or none, shuffled)
      const order = rand() < 0.2 ? iv : [];
      if (order.length === 0) {
        for (let lo = 0; lo < n; ) {
          const hi = Math.min(n, lo + 1 + Math.floor(rand() * 60));
          order.push(...iv.slice(lo, hi).sort((a, b) => a[0] - b[0]));
          lo = hi;
        }
      }
      const starts = Float64Array.from(order, (x) => x[0]), ends = Float64Array.from(order, (x) => x[1]);
      const got = runNow(unionOfRunsWork(starts, ends));
      const want = unionOfSorted(starts.slice().sort(), ends.slice().sort());
      expect([Array.from(got.start), Array.from(got.end)]).toEqual([Array.from(want.start), Array.from(want.end)]);
    }
  });

  it('unions from separately sorted starts and ends, and measures', () => {
    const u = unionOfSorted(new Float64Array([0, 2, 10, 15]), new Float64Array([3, 5, 12, 15]));
    expect([Array.from(u.start), Array.from(u.end)]).toEqual([[0, 10, 15], [5, 12, 15]]);
    const v = unionOf(u, { start: new Float64Array([5, 11]), end: new Float64Array([6, 20]) });
    expect([Array.from(v.start), Array.from(v.end)]).toEqual([[0, 10], [6, 20]]);
    expect(measureIn(v, 1, 11)).toBe(6);
    expect(measureIn(v, 6, 10)).toBe(0);
  });
});

// ---- brute force ----

const PRIORITY: ((e: Ev) => boolean)[] = [
  (e) => e.cat.toLowerCase() === 'kernel' && !/nccl/i.test(e.name),
  (e) => ['gpu_memcpy', 'memcpy'].includes(e.cat.toLowerCase()),
  (e) => ['gpu_memset', 'memset'].includes(e.cat.toLowerCase()),
  (e) => e.cat.toLowerCase() === 'kernel' && /nccl/i.test(e.name),
  (e) => ['cuda_runtime', 'cuda_driver', 'runtime'].includes(e.cat.toLowerCase()),
  (e) => (e.name.startsWith('enumerate(DataLoader)#') && e.name.endsWith('__next__')) || e.name.startsWith('enumerate(DataPipe)#'),
  (e) => ['cpu_op', 'operator', 'user_annotation', 'python_function'].includes(e.cat.toLowerCase()) && !e.name.startsWith('ProfilerStep#'),
];

function bruteSteps(evs: Ev[], t0: number): { start: number; end: number }[] {
  const xs = evs.filter((e) => e.ph === 'X');
  const host = xs.filter((e) => e.name.startsWith('ProfilerStep#') && e.pid !== 0).sort((a, b) => a.ts - b.ts);
  if (host.length === 0) {
    const lasting = xs.filter((e) => e.dur > 0);
    return [{ start: Math.min(...lasting.map((e) => e.ts)) - t0, end: Math.max(...lasting.map((e) => e.ts + e.dur)) - t0 }];
  }
  const gpu = xs.filter((e) => e.pid === 0 && e.args?.correlation !== undefined);
  const out: { start: number; end: number }[] = [];
  let prev = -Infinity;
  for (const st of host) {
    let end = st.ts + st.dur;
    for (const r of xs) {
      if (r.cat !== 'cuda_runtime' || r.ts < st.ts || r.ts + r.dur > st.ts + st.dur) continue;
      for (const g of gpu) if (g.args!.correlation === r.args!.correlation) end = Math.max(end, g.ts + g.dur);
    }
    const s = Math.max(st.ts, prev);
    end = Math.max(end, s);
    out.push({ start: s - t0, end: end - t0 });
    prev = end;
  }
  return out;
}

/** Each piece between consecutive event boundaries goes to the first category with an event over it. */
function bruteBreakdown(evs: Ev[], t0: number, step: { start: number; end: number }): Breakdown {
  const xs = evs.filter((e) => e.ph === 'X' && e.dur > 0);
  const cuts = new Set<number>([step.start, step.end]);
  for (const e of xs) for (const t of [e.ts - t0, e.ts + e.dur - t0]) if (t > step.start && t < step.end) cuts.add(t);
  const ts = [...cuts].sort((a, b) => a - b);
  const out = zero();
  for (let k = 0; k + 1 < ts.length; k++) {
    const mid = (ts[k]! + ts[k + 1]!) / 2;
    const over = xs.filter((e) => e.ts - t0 < mid && e.ts + e.dur - t0 > mid);
    const c = PRIORITY.findIndex((p) => over.some(p));
    out[BREAKDOWN_KEYS[c < 0 ? 7 : c]!] += ts[k + 1]! - ts[k]!;
  }
  return out;
}

/** A random trace with ProfilerSteps (some seeds without), nccl kernels and data-loader slices. */
function withSteps(seed: number): Ev[] {
  const evs = randomTrace(seed);
  let i = evs.length;
  const extra: Ev[] = [];
  for (const e of evs) if (e.cat === 'kernel' && e.args && (e.args.correlation as number) % 3 === 0) e.name = seed % 2 ? 'ncclKernel_AllGather' : 'NCCLDevKernel';
  if (seed % 5 !== 0) {
    const cuts = [0, 120 + (seed % 40), 250 + (seed % 70), 420, 650];
    for (let k = 0; k + 1 < cuts.length; k++) extra.push({ ph: 'X', name: `ProfilerStep#${k}`, cat: 'user_annotation', pid: 100, tid: 3, ts: cuts[k]!, dur: cuts[k + 1]! - cuts[k]! - (k % 2) * 7, i: i++ });
  }
  for (let t = 5; t < 600; t += 90 + (seed % 13)) extra.push({ ph: 'X', name: DL, cat: 'user_annotation', pid: 100, tid: 4, ts: t, dur: 20 + (t % 17), i: i++ });
  return [...evs, ...extra];
}

describe('breakdown against brute force', () => {
  it('random traces: steps, and each category of each step', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const evs = withSteps(seed);
      const { model } = await loadEvents(toJson(evs));
      const t0 = Math.min(...evs.map((e) => e.ts));
      const want = bruteSteps(evs, t0);
      const steps = stepsOf(model);
      expect({ seed, steps: steps.map((s) => [s.start, s.end]) }).toEqual({ seed, steps: want.map((s) => [s.start, s.end]) });
      const got = breakdownOf(model, steps);
      for (const [k, st] of want.entries()) {
        const b = bruteBreakdown(evs, t0, st);
        expect({ seed, step: k, ...close(got[k]!) }).toEqual({ seed, step: k, ...close(b) });
        expect(sum(got[k]!)).toBeCloseTo(st.end - st.start, 9);
      }
    }
  });
});
