import { describe, expect, it } from 'vitest';
import { loadEvents } from '../testing/load-text.ts';
import { mulberry32 } from '../engine/synth-trace.ts';
import { coveredWithin, intersectIntervals, matchCollectives, mergeIntervals, ncclKernels, rankBreakdown, runBalance, straggler } from './distributed.ts';

const K = (name: string, ts: number, dur: number, stream = 7): unknown => ({ ph: 'X', cat: 'kernel', name, pid: 0, tid: stream, ts, dur, args: { device: 0, stream } });

describe('interval helpers', () => {
  it('merge, intersect and cover agree with a 1-µs grid on random intervals', () => {
    const rnd = mulberry32(7);
    for (let trial = 0; trial < 50; trial++) {
      const a: number[] = [];
      const b: number[] = [];
      for (let k = 0; k < 12; k++) {
        const s = Math.floor(rnd() * 200);
        a.push(s, s + Math.floor(rnd() * 30));
        const t = Math.floor(rnd() * 200);
        b.push(t, t + Math.floor(rnd() * 30));
      }
      const grid = (flat: number[], x: number): boolean => {
        for (let k = 0; k < flat.length; k += 2) if (flat[k]! <= x && x < flat[k + 1]!) return true;
        return false;
      };
      const ma = mergeIntervals(a);
      const both = intersectIntervals(ma, mergeIntervals(b));
      const [s, e] = [Math.floor(rnd() * 100), 100 + Math.floor(rnd() * 150)];
      let covA = 0;
      let covBoth = 0;
      for (let x = s; x < e; x++) {
        if (grid(a, x)) covA++;
        if (grid(a, x) && grid(b, x)) covBoth++;
      }
      expect(coveredWithin(ma, s, e)).toBe(covA);
      expect(coveredWithin(both, s, e)).toBe(covBoth);
    }
  });
});

describe('the distributed breakdown of a rank', () => {
  it('computation, communication, overlap and other per step, exactly', async () => {
    const m = (
      await loadEvents([
        { ph: 'X', cat: 'user_annotation', name: 'ProfilerStep#1', pid: 1, tid: 1, ts: 0, dur: 100 },
        K('gemm', 10, 30), // compute 10–40
        K('relu', 35, 15, 8), // compute 35–50 (overlaps gemm: merged 10–50)
        K('ncclDevKernel_AllReduce', 45, 20, 9), // comm 45–65 (overlap with compute 45–50)
        K('ncclKernel_Broadcast', 90, 30, 9), // comm 90–120, past the step
      ])
    ).model;
    const [st] = rankBreakdown(m, [{ name: 'ProfilerStep#1', start: 0, end: 100 }]);
    expect(st).toEqual({ name: 'ProfilerStep#1', computationUs: 40, communicationUs: 30, overlapUs: 5, otherUs: 35 });
  });
});

describe('collectives across ranks', () => {
  it('by order: wait = duration − the shortest, transfer = the shortest, skew, the last to arrive', () => {
    const r0 = [{ name: 'ncclAllReduce', start: 100, dur: 50 }, { name: 'ncclAllReduce', start: 300, dur: 20 }];
    const r1 = [{ name: 'ncclAllReduce', start: 130, dur: 20 }, { name: 'ncclAllReduce', start: 290, dur: 30 }];
    const r2 = [{ name: 'ncclAllReduce', start: 140, dur: 12 }];
    const cs = matchCollectives([r0, r1, r2]);
    expect(cs).toHaveLength(2);
    expect(cs[0]).toMatchObject({ key: '@0', ranks: 3, transferUs: 12, skewUs: 40, lastRank: 2, kernels: [0, 0, 0] });
    expect(cs[0]!.waitUs).toEqual([38, 8, 0]);
    expect(cs[1]).toMatchObject({ key: '@1', ranks: 2, transferUs: 20, skewUs: 10, lastRank: 0, kernels: [1, 1, -1] });
    expect(cs[1]!.waitUs.slice(0, 2)).toEqual([0, 10]);
    expect(Number.isNaN(cs[1]!.waitUs[2])).toBe(true);
    expect(straggler(cs)).toEqual({ rank: 0, times: 1 });
  });

  it('by group and sequence number when the kernels carry them, whatever their order', () => {
    const r0 = [{ name: 'a', start: 0, dur: 5, group: '0', seq: '1' }, { name: 'b', start: 10, dur: 5, group: '1', seq: '1' }];
    const r1 = [{ name: 'b', start: 2, dur: 9, group: '1', seq: '1' }, { name: 'a', start: 12, dur: 7, group: '0', seq: '1' }];
    const cs = matchCollectives([r0, r1]);
    expect(cs.map((c) => [c.key, c.name, c.kernels])).toEqual([['0#1', 'a', [0, 1]], ['1#1', 'b', [1, 0]]]);
    expect(cs[0]!.waitUs).toEqual([0, 2]);
    // by group without a sequence: the n-th of each group
    const g = matchCollectives([[{ name: 'x', start: 0, dur: 1, group: 'A' }, { name: 'y', start: 1, dur: 1, group: 'B' }], [{ name: 'y', start: 0, dur: 3, group: 'B' }]]);
    expect(g.map((c) => [c.key, c.kernels])).toEqual([['A@0', [0, -1]], ['B@0', [1, 0]]]);
  });

  it('finds the NCCL kernels of a trace in start order, on the shared clock', async () => {
    const m = (await loadEvents([K('ncclB', 50, 5, 9), K('gemm', 0, 10), K('NCCLa', 20, 5, 8)])).model;
    const { kernels } = ncclKernels(m, 1000);
    expect(kernels.map((k) => [k.name, k.start - 1000, k.dur])).toEqual([['NCCLa', 20, 5], ['ncclB', 50, 5]]);
  });
});

describe('the balance of a run', () => {
  it('names the slowest rank, the step that varies most and each rank\'s wait', () => {
    const ranks = [
      { steps: [{ name: 'ProfilerStep#1', start: 0, end: 100 }, { name: 'ProfilerStep#2', start: 100, end: 150 }] },
      { steps: [{ name: 'ProfilerStep#1', start: 0, end: 130 }, { name: 'ProfilerStep#2', start: 130, end: 170 }] },
      { steps: [] },
    ];
    const cs = matchCollectives([
      [{ name: 'nccl', start: 10, dur: 5 }],
      [{ name: 'nccl', start: 12, dur: 9 }],
      [],
    ]);
    const b = runBalance(ranks, cs);
    expect(b.slowest).toEqual({ index: 1, meanUs: 85 });
    expect(b.fastest).toEqual({ index: 0, meanUs: 75 });
    expect(b.imbalance).toEqual({ step: 'ProfilerStep#1', spreadUs: 30, slowIndex: 1, fastIndex: 0 });
    expect(b.waitUs).toEqual([0, 4, 0]);
    expect(runBalance([{ steps: [] }], []).slowest).toBeNull();
  });
});
