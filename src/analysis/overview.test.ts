// Per-device figures on overlapping kernels whose answers are worked out by hand, and against
// a brute-force sweep on random traces.

import { describe, expect, it } from 'vitest';
import { loadEvents } from '../testing/load-text.ts';
import { randomTrace, toJson } from '../testing/random-kineto.ts';
import { overviewOf } from './overview.ts';

const X = (name: string, cat: string, pid: number, tid: number, ts: number, dur: number, args?: Record<string, unknown>) => ({ ph: 'X', name, cat, pid, tid, ts, dur, ...(args ? { args } : {}) });

const round = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e9) / 1e9);

describe('device figures', () => {
  it('utilization, SM efficiency (summed where kernels overlap, capped at 1) and occupancy over the steps window', async () => {
    const { model } = await loadEvents(
      [
        X('ProfilerStep#1', 'user_annotation', 101, 1, 0, 100),
        // Device 0 (10 SMs): A [10,50] 0.5 by the arg, occupancy 40; B [30,70] grid 5 → 5/10,
        // occupancy 60; C [60,120] 2 blocks per SM → 1, no occupancy, past the window.
        X('A', 'kernel', 0, 7, 10, 40, { device: 0, 'blocks per SM': 0.5, grid: [8, 1, 1], block: [128, 1, 1], 'est. achieved occupancy %': 40 }),
        X('B', 'kernel', 0, 8, 30, 40, { device: 0, grid: [5, 1, 1], block: [128, 1, 1], 'est. achieved occupancy %': 60 }),
        X('C', 'kernel', 0, 9, 60, 60, { device: 0, 'blocks per SM': 2, grid: [20, 1, 1], block: [64, 1, 1] }),
        X('Memcpy DtoD', 'gpu_memcpy', 0, 10, 0, 10, { device: 0 }), // not a kernel: not in utilization
        // Device 1, no properties: its SM efficiency is unknown (0), its occupancy null.
        X('D', 'kernel', 1, 7, 0, 20, { device: 1, grid: [4, 1, 1], block: [32, 1, 1] }),
        // A kernel before the window does not count.
        X('E', 'kernel', 1, 7, -50, 20, { device: 1, 'blocks per SM': 1, 'est. achieved occupancy %': 99 }),
      ],
      { deviceProperties: [{ id: 0, name: 'Test GPU', totalGlobalMem: 1e9, computeMajor: 8, computeMinor: 6, numSms: 10 }] },
    );
    const o = overviewOf(model);
    expect(o.window).toEqual({ start: 50, end: 150 });
    // (below: times from the step's start) // model time: the trace starts at -50
    const got = o.devices.map((d) => ({ ...d, utilizationPct: round(d.utilizationPct), smEfficiencyPct: round(d.smEfficiencyPct), occupancyPct: round(d.occupancyPct) }));
    // SM efficiency: [10,30] 0.5, [30,50] 1, [50,60] 0.5, [60,70] 1.5 → 1, [70,100] 1: 75 of 100.
    // Occupancy: (40·40 + 60·40) / 80.
    expect(got).toEqual([
      { device: '0', utilizationPct: 90, smEfficiencyPct: 75, occupancyPct: 50, name: 'Test GPU', numSms: 10, totalGlobalMem: 1e9, computeCapability: '8.6', kernelUs: 40 + 40 + 40 },
      { device: '1', utilizationPct: 20, smEfficiencyPct: 0, occupancyPct: null, name: null, numSms: null, totalGlobalMem: null, computeCapability: null, kernelUs: 20 },
    ]);
  });

  it('a kernel without args takes its device from the GPU process', async () => {
    const { model } = await loadEvents([X('k', 'kernel', 3, 7, 0, 10), X('op', 'cpu_op', 100, 1, 0, 40)]);
    const o = overviewOf(model);
    expect(o.devices.map((d) => [d.device, d.utilizationPct, d.occupancyPct])).toEqual([['3', 25, null]]);
  });

  it('random traces: against a sweep over kernel boundaries', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      const evs = randomTrace(seed);
      const { model } = await loadEvents(toJson(evs), { deviceProperties: [{ id: 0, numSms: 3 }] });
      const o = overviewOf(model);
      const t0 = Math.min(...evs.map((e) => e.ts));
      const { start: w0, end: w1 } = o.window;
      const ks = evs.filter((e) => e.cat === 'kernel' && e.dur > 0).map((e) => {
        const a = e.args ?? {};
        const bps = a['blocks per SM'] as number | undefined;
        const grid = a.grid as number[] | undefined;
        const v = bps !== undefined ? Math.min(1, bps) : grid ? Math.min(1, grid[0]! / 3) : 0;
        return { s: Math.max(w0, e.ts - t0), e: Math.min(w1, e.ts + e.dur - t0), v, occ: a['est. achieved occupancy %'] as number | undefined };
      }).filter((k) => k.e > k.s);
      const cuts = [...new Set(ks.flatMap((k) => [k.s, k.e]))].sort((a, b) => a - b);
      let busy = 0;
      let eff = 0;
      for (let c = 0; c + 1 < cuts.length; c++) {
        const mid = (cuts[c]! + cuts[c + 1]!) / 2;
        const open = ks.filter((k) => k.s < mid && k.e > mid);
        if (open.length) busy += cuts[c + 1]! - cuts[c]!;
        eff += Math.min(1, open.reduce((a, k) => a + k.v, 0)) * (cuts[c + 1]! - cuts[c]!);
      }
      const withOcc = ks.filter((k) => k.occ !== undefined);
      const occDur = withOcc.reduce((a, k) => a + (k.e - k.s), 0);
      const want = {
        seed,
        utilizationPct: round((100 * busy) / (w1 - w0)),
        smEfficiencyPct: round((100 * eff) / (w1 - w0)),
        occupancyPct: occDur > 0 ? round(withOcc.reduce((a, k) => a + k.occ! * (k.e - k.s), 0) / occDur) : null,
      };
      const d = o.devices[0]!;
      expect(o.devices.map((x) => x.device)).toEqual(['0']);
      // blocks per SM is a float32 column: 1e-6 % is well above its rounding, well below any mistake
      expect({ seed, utilizationPct: round(d.utilizationPct), occupancyPct: round(d.occupancyPct) }).toEqual({ ...want, smEfficiencyPct: undefined });
      expect(d.smEfficiencyPct).toBeCloseTo(want.smEfficiencyPct!, 6);
    }
  });
});
