// Each hint kind on a small hand-written trace where it fires (with its exact cost) and on
// one just under its threshold, where it must not.

import { describe, expect, it } from 'vitest';
import { loadEvents } from '../testing/load-text.ts';
import type { TraceModel } from '../model/types.ts';
import { hintsOf, memoryPeakHints, traceHints, type Hint, type HintKind, type StepSpan } from './hints.ts';
import { memoryAnalysis } from './memory.ts';
import { stepsOf } from './steps.ts';
import { overviewOf } from './overview.ts';
import { randomTrace, toJson } from '../testing/random-kineto.ts';

type E = Record<string, unknown>;
let corr = 1;
const cpu = (name: string, ts: number, dur: number, cat = 'cpu_op', tid = 1): E => ({ ph: 'X', pid: 1, tid, name, cat, ts, dur });
/** A launch call and its kernel (or copy); returns both events. */
function launched(ts: number, dur: number, kTs: number, kDur: number, name = 'gemm', o: { stream?: number; cat?: string; args?: E; call?: string } = {}): E[] {
  const c = corr++;
  const stream = o.stream ?? 7;
  return [
    { ph: 'X', pid: 1, tid: 1, name: o.call ?? 'cudaLaunchKernel', cat: 'cuda_runtime', ts, dur, args: { correlation: c } },
    { ph: 'X', pid: 0, tid: stream, name, cat: o.cat ?? 'kernel', ts: kTs, dur: kDur, args: { correlation: c, device: 0, stream, ...o.args } },
  ];
}
/** The whole step [0, 1000] as a CPU slice (pins the trace start at 0). */
const STEP = cpu('ProfilerStep#1', 0, 1000, 'user_annotation');

/** The trace's hints over its own steps (ProfilerStep slices) and breakdown, unless told otherwise. */
async function hintsFor(events: E[], extra: { dataLoaderUs?: number[]; steps?: (m: TraceModel) => StepSpan[] } = {}): Promise<Hint[]> {
  const { model } = await loadEvents(events);
  if (!extra.steps && !extra.dataLoaderUs) return traceHints(model);
  const steps = extra.steps ? extra.steps(model) : stepsOf(model);
  return hintsOf(model, { steps, dataLoaderUs: extra.dataLoaderUs ?? null });
}
const ofKind = (hs: Hint[], kind: HintKind): Hint[] => hs.filter((h) => h.kind === kind);
const one = (hs: Hint[], kind: HintKind): Hint => {
  const found = ofKind(hs, kind);
  expect(found.length).toBe(1);
  return found[0]!;
};

describe('gpu-idle', () => {
  it('fires with the idle time split as HTA does', async () => {
    const hs = await hintsFor([
      STEP,
      ...launched(0, 5, 0, 100),      // K1 [0, 100]
      ...launched(50, 5, 120, 180),   // K2 [120, 300], launched before K1 ended, gap 20: kernel wait
      ...launched(80, 5, 500, 100),   // K3 [500, 600], launched long before, gap 200: other
      cpu('aten::foo', 605, 85),      // the thread meanwhile
      ...launched(680, 5, 700, 300),  // K4 [700, 1000], launched after K3 ended: host wait 100
    ]);
    const h = one(hs, 'gpu-idle');
    expect(h.costUs).toBeCloseTo(320, 9);
    expect(h.costPctOfStep).toBeCloseTo(32, 9);
    expect(h.figures).toEqual({ hostWaitUs: 100, kernelWaitUs: 20, otherUs: 200 });
    expect(h.occurrences.map((o) => [o.start, o.end])).toEqual([[300, 500], [600, 700], [100, 120]]);
    expect(h.occurrences[1]!.label).toMatch(/^host wait — .* was in ProfilerStep#1 › aten::foo$/);
    expect(h.occurrenceCount).toBe(3);
  });

  it('does not fire at 9.9 % idle', async () => {
    const hs = await hintsFor([STEP, ...launched(0, 5, 0, 100), ...launched(150, 5, 199, 801)]);
    expect(ofKind(hs, 'gpu-idle')).toEqual([]);
  });

  it('counts a step with no GPU work as idle, and nothing outside the steps', async () => {
    const hs = await hintsFor([STEP, cpu('ProfilerStep#2', 1000, 500, 'user_annotation'), ...launched(0, 5, 0, 1000), ...launched(1600, 5, 1700, 100)], {
      steps: () => [{ name: 'ProfilerStep#1', slice: -1, start: 0, end: 1000 }, { name: 'ProfilerStep#2', slice: -1, start: 1000, end: 1500 }],
    });
    const h = one(hs, 'gpu-idle');
    expect(h.costUs).toBeCloseTo(500, 9);
    expect(h.costPctOfStep).toBeCloseTo(100 / 3, 9);
  });
});

/** n launch calls of 10 µs back to back, each kernel 5 µs starting 2 µs after its call ends. */
const run = (n: number): E[] => Array.from({ length: n }, (_, k) => launched(10 * k, 10, 10 * k + 12, 5, 'add')).flat();

describe('short-kernels', () => {

  it('fires on 10 kernels in a row, each shorter than its launch call', async () => {
    const hs = await hintsFor([STEP, ...run(10)]);
    const h = one(hs, 'short-kernels');
    // span [12, 107] minus 10 × 5 µs of kernels
    expect(h.costUs).toBeCloseTo(45, 9);
    expect(h.occurrences).toHaveLength(1);
    expect(h.occurrences[0]!.start).toBe(12);
    expect(h.occurrences[0]!.end).toBe(107);
    expect(h.occurrences[0]!.slices).toHaveLength(10);
    expect(h.figures.kernels).toBe(10);
  });

  it('does not fire on 9 in a row', async () => {
    expect(ofKind(await hintsFor([STEP, ...run(9)]), 'short-kernels')).toEqual([]);
  });

  it('does not count kernels whose launch call is over 50 µs', async () => {
    const evs = [STEP, ...run(9), ...launched(100, 51, 160, 5, 'add')];
    expect(ofKind(await hintsFor(evs), 'short-kernels')).toEqual([]);
  });
});

describe('launch-delay', () => {
  it('fires on a kernel starting 101 µs after its launch call ended', async () => {
    const h = one(await hintsFor([STEP, ...launched(0, 10, 111, 50)]), 'launch-delay');
    expect(h.costUs).toBeCloseTo(101, 9);
    expect(h.occurrences[0]).toMatchObject({ start: 10, end: 111 });
    expect(h.figures).toEqual({ gpuIdleUs: 101, pendingUs: 101 });
  });
  it('does not fire at 100 µs, nor while the GPU was busy with earlier work (queueing)', async () => {
    expect(ofKind(await hintsFor([STEP, ...launched(0, 10, 110, 50)]), 'launch-delay')).toEqual([]);
    expect(ofKind(await hintsFor([STEP, ...launched(0, 5, 5, 300, 'long', { stream: 8 }), ...launched(10, 10, 200, 50)]), 'launch-delay')).toEqual([]);
  });
});

describe('sync', () => {
  it('fires with the outermost calls and the GPU idle time while the CPU waited', async () => {
    const hs = await hintsFor([
      STEP,
      ...launched(0, 5, 0, 150),
      cpu('cudaDeviceSynchronize', 100, 100, 'cuda_runtime'),
      cpu('aten::item', 300, 100),
      cpu('aten::_local_scalar_dense', 310, 80),
      cpu('cudaStreamSynchronize', 320, 60, 'cuda_runtime'),
    ]);
    const h = one(hs, 'sync');
    expect(h.costUs).toBeCloseTo(200, 9);
    expect(h.figures.gpuIdleUs).toBeCloseTo(150, 9); // 50 of the first, all 100 of the second
    expect(h.occurrences.map((o) => o.start).sort((a, b) => a - b)).toEqual([100, 300]);
  });
  it('does not fire under 1 % of the step', async () => {
    expect(ofKind(await hintsFor([STEP, cpu('cudaStreamSynchronize', 100, 9.9, 'cuda_runtime')]), 'sync')).toEqual([]);
  });
});

describe('memcpy', () => {
  it('fires on host↔device copies, telling pageable from pinned, ignoring device-to-device', async () => {
    const hs = await hintsFor([
      STEP,
      ...launched(0, 5, 100, 50, 'Memcpy HtoD (Pageable -> Device)', { cat: 'gpu_memcpy', call: 'cudaMemcpyAsync' }),
      ...launched(10, 5, 200, 30, 'Memcpy DtoH (Device -> Pinned)', { cat: 'gpu_memcpy', call: 'cudaMemcpyAsync' }),
      ...launched(20, 5, 300, 100, 'Memcpy DtoD (Device -> Device)', { cat: 'gpu_memcpy', call: 'cudaMemcpyAsync' }),
    ]);
    const h = one(hs, 'memcpy');
    expect(h.costUs).toBeCloseTo(80, 9);
    expect(h.figures).toMatchObject({ copies: 2, pageable: 1, pinned: 1, toDevice: 1, toHost: 1 });
    expect(h.occurrences[0]!.slices).toHaveLength(2); // the copy and its call
  });
  it('does not fire under 1 % of the step', async () => {
    const evs = [STEP, ...launched(0, 5, 100, 9.9, 'Memcpy HtoD (Pageable -> Device)', { cat: 'gpu_memcpy', call: 'cudaMemcpyAsync' })];
    expect(ofKind(await hintsFor(evs), 'memcpy')).toEqual([]);
  });
});

describe('dataloader', () => {
  const DL = cpu('enumerate(DataLoader)#_SingleProcessDataLoaderIter.__next__', 0, 60, 'user_annotation');
  it('fires above 5 % of the step time (the breakdown DataLoader part)', async () => {
    const h = one(await hintsFor([STEP, DL]), 'dataloader');
    expect(h.costUs).toBe(60);
    expect(h.costPctOfStep).toBeCloseTo(6, 9);
    expect(h.occurrences[0]).toMatchObject({ start: 0, end: 60 });
    // the part a kernel covers is Kernel time in the breakdown, not DataLoader
    const covered = one(await hintsFor([STEP, DL, cpu('enumerate(DataLoader)#_MultiProcessingDataLoaderIter.__next__', 100, 30, 'user_annotation'), ...launched(90, 5, 100, 20)]), 'dataloader');
    expect(covered.costUs).toBe(70);
  });
  it('does not fire at 5 %', async () => {
    expect(ofKind(await hintsFor([STEP, { ...DL, dur: 50 }]), 'dataloader')).toEqual([]);
    expect(ofKind(await hintsFor([STEP, DL], { dataLoaderUs: [50] }), 'dataloader')).toEqual([]);
  });
});

describe('low-utilization', () => {
  it('fires below 50 %, its cost the time without kernels', async () => {
    const h = one(await hintsFor([STEP, ...launched(0, 5, 0, 499)]), 'low-utilization');
    expect(h.costUs).toBeCloseTo(501, 9);
    expect(h.figures.utilizationPct).toBeCloseTo(49.9, 9);
  });
  it('does not fire at 50 %; copies do not count as utilization', async () => {
    expect(ofKind(await hintsFor([STEP, ...launched(0, 5, 0, 500)]), 'low-utilization')).toEqual([]);
    const copies = [STEP, ...launched(0, 5, 0, 400), ...launched(10, 5, 400, 600, 'Memcpy HtoD (Pinned -> Device)', { cat: 'gpu_memcpy' })];
    expect(one(await hintsFor(copies), 'low-utilization').costUs).toBeCloseTo(600, 9);
  });
});

describe('low-occupancy', () => {
  it('fires for a kernel with ≥ 10 % of kernel time and occupancy or SM efficiency under 30 %', async () => {
    const hs = await hintsFor([
      STEP,
      ...launched(0, 5, 0, 100, 'small_grid', { args: { 'est. achieved occupancy %': 20, 'blocks per SM': 2 } }),
      ...launched(10, 5, 100, 100, 'few_blocks', { args: { 'est. achieved occupancy %': 60, 'blocks per SM': 0.25 } }),
      ...launched(20, 5, 200, 800, 'big', { args: { 'est. achieved occupancy %': 90, 'blocks per SM': 8 } }),
    ]);
    const found = ofKind(hs, 'low-occupancy');
    expect(found.map((h) => h.title).sort()).toEqual(['Low occupancy: few_blocks', 'Low occupancy: small_grid']);
    expect(found.map((h) => h.costUs)).toEqual([100, 100]);
    expect(found.find((h) => h.title.endsWith('few_blocks'))!.figures.smEfficiencyPct).toBeCloseTo(25, 5);
  });
  it('does not fire at 30 %, nor for a kernel under 10 % of kernel time, nor on an occupancy of 0', async () => {
    const hs = await hintsFor([
      STEP,
      ...launched(0, 5, 0, 100, 'at_threshold', { args: { 'est. achieved occupancy %': 30, 'blocks per SM': 0.3 } }),
      ...launched(10, 5, 100, 99, 'rare', { args: { 'est. achieved occupancy %': 5, 'blocks per SM': 0.1 } }),
      ...launched(20, 5, 200, 800, 'big', { args: { 'est. achieved occupancy %': 90, 'blocks per SM': 8 } }),
    ]);
    expect(ofKind(hs, 'low-occupancy')).toEqual([]);
    // Kineto's 0: occupancy not worked out (NCCL, cluster launches), no evidence of low occupancy
    const unknown = await hintsFor([STEP, ...launched(0, 5, 0, 500, 'unknown_occupancy', { args: { 'est. achieved occupancy %': 0, 'blocks per SM': 8 } })]);
    expect(ofKind(unknown, 'low-occupancy')).toEqual([]);
    const low = await hintsFor([STEP, ...launched(0, 5, 0, 500, 'low_occupancy', { args: { 'est. achieved occupancy %': 1, 'blocks per SM': 8 } })]);
    expect(ofKind(low, 'low-occupancy')).toHaveLength(1);
  });
});

describe('communication', () => {
  it('fires above 10 % of the step, its cost the part not overlapped by computation', async () => {
    const hs = await hintsFor([STEP, ...launched(0, 5, 400, 200, 'gemm'), ...launched(10, 5, 500, 200, 'ncclKernel_AllReduce_RING_LL_Sum_float', { stream: 8 })]);
    const h = one(hs, 'communication');
    expect(h.costUs).toBeCloseTo(100, 9);
    expect(h.figures).toEqual({ communicationUs: 200, exposedUs: 100 });
  });
  it('does not fire at 10 %, nor when fully overlapped', async () => {
    expect(ofKind(await hintsFor([STEP, ...launched(10, 5, 500, 100, 'ncclDevKernel_AllGather', { stream: 8 })]), 'communication')).toEqual([]);
    expect(ofKind(await hintsFor([STEP, ...launched(0, 5, 0, 1000, 'gemm'), ...launched(10, 5, 500, 300, 'ncclKernel_x', { stream: 8 })]), 'communication')).toEqual([]);
  });
});

describe('all hints', () => {
  it('come ordered by cost, and a CPU-only trace has none', async () => {
    const hs = await hintsFor([STEP, ...launched(0, 5, 0, 100), ...launched(150, 5, 700, 300), cpu('cudaDeviceSynchronize', 100, 100, 'cuda_runtime')]);
    expect(hs.length).toBeGreaterThan(1);
    for (let k = 1; k < hs.length; k++) expect(hs[k - 1]!.costUs).toBeGreaterThanOrEqual(hs[k]!.costUs);
    expect(await hintsFor([STEP, cpu('aten::mm', 10, 900)])).toEqual([]);
  });
});

/** |union of `list` ∩ [a, b]|, by a sort and a sweep. */
function busyIn(list: [number, number][], a: number, b: number): number {
  const pts = list.map(([s, e]) => [Math.max(s, a), Math.min(e, b)] as [number, number]).filter(([s, e]) => e > s).sort((x, y) => x[0] - y[0]);
  let sum = 0;
  let cur: [number, number] | null = null;
  for (const [s, e] of pts) {
    if (!cur || s > cur[1]) {
      if (cur) sum += cur[1] - cur[0];
      cur = [s, e];
    } else cur[1] = Math.max(cur[1], e);
  }
  return sum + (cur ? cur[1] - cur[0] : 0);
}

const fixed = (x: number): string => x.toFixed(4);

describe('gpu-idle and low-utilization against brute force on random traces', () => {
  const fired = { idle: 0, low: 0 };
  for (let seed = 1; seed <= 15; seed++) {
    it(`seed ${seed}`, async () => {
      const evs = randomTrace(seed);
      const { model: m } = await loadEvents(toJson(evs));
      const t0 = Math.min(...evs.map((e) => e.ts));
      const steps = stepsOf(m);
      const stepUs = steps.reduce((a, s) => a + s.end - s.start, 0);
      // the device's busy time: a plain union of its GPU events (all on pid 0)
      const gpu = evs.filter((e) => e.pid === 0 && e.ph === 'X' && ['kernel', 'gpu_memcpy', 'gpu_memset'].includes(e.cat) && e.dur > 0);
      const iv = gpu.map((e) => [e.ts - t0, e.ts - t0 + e.dur] as [number, number]);
      const idle = steps.reduce((a, s) => a + (s.end - s.start) - busyIn(iv, s.start, s.end), 0);
      const hs = traceHints(m);
      const found = ofKind(hs, 'gpu-idle');
      const want = idle >= 0.1 * stepUs ? [fixed(idle)] : [];
      expect(found.map((h) => fixed(h.costUs))).toEqual(want);
      expect(found.map((h) => fixed(h.figures.hostWaitUs! + h.figures.kernelWaitUs! + h.figures.otherUs!))).toEqual(want);
      fired.idle += found.length;
      // utilization: kernels only, over [first step start, last step end], as the overview has it
      const w0 = steps[0]!.start;
      const w1 = steps[steps.length - 1]!.end;
      const kernels = gpu.filter((e) => e.cat === 'kernel').map((e) => [e.ts - t0, e.ts - t0 + e.dur] as [number, number]);
      const util = (100 * busyIn(kernels, w0, w1)) / (w1 - w0);
      expect(overviewOf(m).devices.slice(0, 1).map((d) => fixed(d.utilizationPct))).toEqual(kernels.length ? [fixed(util)] : []);
      const low = ofKind(hs, 'low-utilization');
      expect(low.map((h) => fixed(h.figures.utilizationPct!))).toEqual(kernels.length > 0 && util < 50 ? [fixed(util)] : []);
      fired.low += low.length;
    });
  }
  it('saw the rules fire', () => {
    expect(fired.idle).toBeGreaterThan(0);
    expect(fired.low).toBeGreaterThan(0);
  });
});

describe('memory-peak', () => {
  const memEv = (ts: number, bytes: number, total: number, addr: number): unknown => ({
    ph: 'i', s: 't', cat: 'cpu_instant_event', name: '[memory]', pid: 1, tid: 1, ts,
    args: { 'Device Type': 1, 'Device Id': 0, Addr: addr, Bytes: bytes, 'Total Allocated': total, 'Total Reserved': total },
  });
  const traceWithPeak = async (peak: number): Promise<TraceModel> =>
    (
      await loadEvents(
        [memEv(10, 100, 100, 1), memEv(20, peak - 100, peak, 2), memEv(30, -(peak - 100), 100, 2), { ph: 'X', cat: 'cpu_op', name: 'aten::empty', pid: 1, tid: 1, ts: 0, dur: 50 }],
        { deviceProperties: [{ id: 0, name: 'GPU', totalGlobalMem: 1000 }] },
      )
    ).model;

  it('fires above 90 % of totalGlobalMem, at the allocation that reached the peak', async () => {
    const m = await traceWithPeak(950);
    const hs = memoryPeakHints(m, memoryAnalysis(m));
    expect(hs).toHaveLength(1);
    expect(hs[0]).toMatchObject({ kind: 'memory-peak', costUs: 0, figures: { peakAllocatedBytes: 950, totalGlobalMem: 1000, peakPct: 95 } });
    const o = hs[0]!.occurrences[0]!;
    expect(o.start).toBe(20);
    expect(m.slices.start[o.slices[0]!]).toBe(20);
  });

  it('stays silent at 90 % and below, and without deviceProperties', async () => {
    const m = await traceWithPeak(900);
    expect(memoryPeakHints(m, memoryAnalysis(m))).toEqual([]);
    const bare = (await loadEvents([memEv(10, 990, 990, 1)])).model;
    expect(memoryPeakHints(bare, memoryAnalysis(bare))).toEqual([]);
  });
});
