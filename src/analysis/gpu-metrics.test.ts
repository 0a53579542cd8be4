// GPU utilization and estimated SM efficiency over time: hand-written kernels whose answers are
// known exactly, and a brute force over the event boundaries of random traces.

import { describe, expect, it } from 'vitest';
import { bucketMeans, integralTo, meanOver, StepBuilder } from '../lib/step-function.ts';
import { sortByRuns } from '../lib/sort.ts';
import { mulberry32 } from '../engine/synth-trace.ts';
import { loadEvents } from '../testing/load-text.ts';
import { randomTrace, toJson, type Ev } from '../testing/random-kineto.ts';
import { gpuMetricBuckets, gpuMetrics } from './gpu-metrics.ts';

interface K {
  ts: number;
  dur: number;
  stream?: number;
  device?: number;
  bps?: number;
  grid?: number;
  cat?: string;
}

function kernels(ks: K[]): unknown[] {
  return ks.map((k, n) => ({
    ph: 'X', cat: k.cat ?? 'kernel', name: `k${n}`, pid: k.device ?? 0, tid: k.stream ?? 7, ts: k.ts, dur: k.dur,
    args: {
      device: k.device ?? 0, stream: k.stream ?? 7, correlation: n + 1,
      ...(k.grid !== undefined ? { grid: [k.grid, 1, 1], block: [128, 1, 1] } : {}),
      ...(k.bps !== undefined ? { 'blocks per SM': k.bps } : {}),
    },
  }));
}

/** A CPU slice at 0 so that model time = file time. */
const origin = { ph: 'X', cat: 'cpu_op', name: 'origin', pid: 100, tid: 1, ts: 0, dur: 1 };

async function model(ks: K[], extra: Record<string, unknown> = {}) {
  return (await loadEvents([origin, ...kernels(ks)], extra)).model;
}

const props = (sms: number) => ({ deviceProperties: [{ id: 0, name: 'Test GPU', numSms: sms }] });

describe('gpuMetricBuckets: hand-written kernels', () => {
  it('merges kernels that overlap across streams for utilization and sums-then-caps SM efficiency', async () => {
    // stream 7: [10, 30) bps 0.5; stream 8: [20, 40) bps 0.75; stream 9: [60, 70) bps 2
    const m = await model([
      { ts: 10, dur: 20, stream: 7, bps: 0.5 },
      { ts: 20, dur: 20, stream: 8, bps: 0.75 },
      { ts: 60, dur: 10, stream: 9, bps: 2 },
    ]);
    // one bucket over [0, 100]: busy 30 + 10 = 40; SM: 10·0.5 + 10·min(1, 1.25) + 10·0.75 + 10·1 = 32.5
    const one = gpuMetricBuckets(m, 0, 0, 100, 1);
    expect(one.utilization[0]).toBeCloseTo(0.4, 6);
    expect(one.smEfficiency[0]).toBeCloseTo(0.325, 6);
    // ten buckets of 10 µs
    const ten = gpuMetricBuckets(m, '0', 0, 100, 10);
    expect([...ten.utilization].map((v) => +v.toFixed(6))).toEqual([0, 1, 1, 1, 0, 0, 1, 0, 0, 0]);
    expect([...ten.smEfficiency].map((v) => +v.toFixed(6))).toEqual([0, 0.5, 1, 0.75, 0, 0, 1, 0, 0, 0]);
  });

  it('splits a kernel straddling bucket edges by the time inside each bucket', async () => {
    const m = await model([{ ts: 15, dur: 10, bps: 0.4 }]); // [15, 25)
    const b = gpuMetricBuckets(m, 0, 10, 30, 4); // [10,15) [15,20) [20,25) [25,30)
    expect([...b.utilization]).toEqual([0, 1, 1, 0]);
    const c = gpuMetricBuckets(m, 0, 12, 28, 2); // [12,20): 5 of 8; [20,28): 5 of 8
    expect(c.utilization[0]).toBeCloseTo(5 / 8, 6);
    expect(c.utilization[1]).toBeCloseTo(5 / 8, 6);
    expect(c.smEfficiency[0]).toBeCloseTo((5 * 0.4) / 8, 6);
    // A bucket inside the kernel
    expect(gpuMetricBuckets(m, 0, 16, 17, 1).utilization[0]).toBe(1);
    expect(gpuMetricBuckets(m, 0, 16, 17, 1).smEfficiency[0]).toBeCloseTo(0.4, 6);
  });

  it('takes blocks per SM from the arg first, else grid ÷ the SM count of deviceProperties', async () => {
    // arg 0.25 wins over grid 80 / 80 SMs = 1; the second has no arg: 20 / 80 = 0.25 → 0.5 where both run
    const m = await model([{ ts: 0, dur: 10, bps: 0.25, grid: 80, stream: 7 }, { ts: 0, dur: 10, grid: 20, stream: 8 }], props(80));
    const b = gpuMetricBuckets(m, 0, 0, 10, 1);
    expect(b.smEfficiency[0]).toBeCloseTo(0.5, 6);
    expect(b.utilization[0]).toBe(1);
  });

  it('without deviceProperties: SM efficiency from the arg only (others count 0), or absent', async () => {
    const m = await model([{ ts: 0, dur: 10, bps: 0.6, stream: 7 }, { ts: 10, dur: 10, grid: 50, stream: 7 }]);
    const b = gpuMetricBuckets(m, 0, 0, 20, 2);
    expect(b.smEfficiency[0]).toBeCloseTo(0.6, 6);
    expect(b.smEfficiency[1]).toBe(0); // its grid is known, its SM count is not
    expect(gpuMetrics(m)[0]!.smKernels).toBe(1);
    const none = await model([{ ts: 0, dur: 10, grid: 50 }]);
    expect(gpuMetrics(none)[0]!.sm).toBeNull();
    const nb = gpuMetricBuckets(none, 0, 0, 10, 2);
    expect([...nb.utilization]).toEqual([1, 1]);
    expect(Number.isNaN(nb.smEfficiency[0])).toBe(true);
  });

  it('counts kernels only, per device, and nothing for a trace without kernels', async () => {
    const m = await model([
      { ts: 0, dur: 10, bps: 1 },
      { ts: 10, dur: 10, cat: 'gpu_memcpy' },
      { ts: 20, dur: 10, device: 1, bps: 0.5 },
      { ts: 30, dur: 0, bps: 1 }, // zero length: no time
    ]);
    expect(gpuMetrics(m).map((g) => [g.device, g.kernels])).toEqual([['0', 1], ['1', 1]]);
    expect([...gpuMetricBuckets(m, 0, 0, 40, 4).utilization]).toEqual([1, 0, 0, 0]);
    expect([...gpuMetricBuckets(m, 1, 0, 40, 4).utilization]).toEqual([0, 0, 1, 0]);
    expect([...gpuMetricBuckets(m, 7, 0, 40, 2).utilization]).toEqual([0, 0]); // no such device
    const cpu = (await loadEvents([origin])).model;
    expect(gpuMetrics(cpu)).toEqual([]);
  });

  it('places a device in the process its kernels are in', async () => {
    const m = (await loadEvents([
      origin,
      { ph: 'M', name: 'process_name', pid: 5, tid: 0, args: { name: 'GPU 5' } },
      ...kernels([{ ts: 0, dur: 5, device: 5 }]).map((e) => ({ ...(e as object), pid: 5 })),
    ])).model;
    const g = gpuMetrics(m)[0]!;
    expect(m.processes[g.process]!.pid).toBe('5');
    expect(g.device).toBe('5');
  });
});

describe('step functions and the run merge', () => {
  it('sortByRuns sorts pairs made of sorted runs, stably', () => {
    const t = new Float64Array([1, 4, 9, 2, 3, 3, 10, 0, 5]);
    const v = new Float64Array([1, 4, 9, 2, 3, 3.5, 10, 0, 5]);
    sortByRuns(t, v);
    expect([...t]).toEqual([0, 1, 2, 3, 3, 4, 5, 9, 10]);
    expect([...v]).toEqual([0, 1, 2, 3, 3.5, 4, 5, 9, 10]);
    const rnd = mulberry32(3);
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + Math.floor(rnd() * 300);
      const a = new Float64Array(n).map(() => Math.floor(rnd() * 50));
      const ref = [...a].sort((x, y) => x - y);
      sortByRuns(a, new Float64Array(n));
      expect([...a]).toEqual(ref);
    }
  });

  it('bucketMeans equals meanOver per bucket and the integral is exact on a known function', () => {
    const b = new StepBuilder(2);
    b.set(1, 2); // 2 on [1, 3)
    b.set(3, 2); // same value: merged
    b.set(3, 2);
    b.set(3, 0.5); // 0.5 on [3, 7)
    b.set(7, 0);
    const f = b.finish();
    expect([...f.t]).toEqual([1, 3, 7]);
    expect(integralTo(f, 0)).toBe(0);
    expect(integralTo(f, 10)).toBe(6);
    expect(meanOver(f, 2, 4)).toBe(1.25);
    const out = new Float64Array(9);
    bucketMeans(f, 0, 9, 9, out);
    expect([...out]).toEqual([0, 2, 2, 0.5, 0.5, 0.5, 0.5, 0, 0]);
    const rnd = mulberry32(11);
    for (let trial = 0; trial < 50; trial++) {
      const a = rnd() * 10 - 1;
      const z = a + rnd() * 10;
      const n = 1 + Math.floor(rnd() * 40);
      bucketMeans(f, a, z, n, out.length >= n ? out : new Float64Array(n));
      const got = new Float64Array(n);
      bucketMeans(f, a, z, n, got);
      for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(meanOver(f, a + ((z - a) * i) / n, a + ((z - a) * (i + 1)) / n), 9);
    }
  });
});

/** Brute force from the raw events: every elementary interval between kernel boundaries, by its midpoint. */
function brute(evs: Ev[], device: number, sms: number | null, a: number, b: number): { util: number; sm: number } {
  const ks = evs.filter((e) => e.ph === 'X' && e.cat === 'kernel' && e.dur > 0 && (e.args?.device ?? 0) === device);
  const eff = (e: Ev): number => {
    const bps = e.args?.['blocks per SM'];
    if (typeof bps === 'number') return Math.min(1, bps);
    const grid = e.args?.grid as number[] | undefined;
    return grid && sms ? Math.min(1, (grid[0]! * grid[1]! * grid[2]!) / sms) : 0;
  };
  const pts = new Set<number>([a, b]);
  for (const e of ks) for (const t of [e.ts, e.ts + e.dur]) if (t > a && t < b) pts.add(t);
  const xs = [...pts].sort((x, y) => x - y);
  let util = 0;
  let sm = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    const mid = (xs[i]! + xs[i + 1]!) / 2;
    const on = ks.filter((e) => e.ts <= mid && mid < e.ts + e.dur);
    if (on.length) util += xs[i + 1]! - xs[i]!;
    sm += Math.min(1, on.reduce((s, e) => s + eff(e), 0)) * (xs[i + 1]! - xs[i]!);
  }
  return { util: util / (b - a), sm: sm / (b - a) };
}

describe('gpuMetricBuckets against a brute force on random traces', () => {
  it('agrees bucket by bucket, across two devices, with and without an SM count', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rnd = mulberry32(seed * 7919);
      const evs = randomTrace(seed).map((e) => {
        if (e.cat !== 'kernel' || !e.args) return e;
        // Half the kernels on a second device (its own process), some without blocks per SM.
        const args: Record<string, unknown> = { ...e.args };
        const dev = rnd() < 0.5 ? 1 : 0;
        args.device = dev;
        if (rnd() < 0.3) delete args['blocks per SM'];
        return { ...e, pid: dev, args };
      });
      const withSms = seed % 2 === 0;
      const sms = withSms ? 4 : null;
      const extra = withSms ? { deviceProperties: [{ id: 0, numSms: 4 }, { id: 1, numSms: 4 }] } : {};
      const json = toJson(evs);
      json.push({ ph: 'M', name: 'process_name', pid: 1, tid: 0, args: { name: 'GPU 1' } });
      const m = (await loadEvents(json, extra)).model;
      const t0 = m.startUs;
      const hi = Math.max(...evs.map((e) => e.ts + e.dur));
      for (const device of [0, 1]) {
        const a = t0 + rnd() * 100;
        const b = a + 1 + rnd() * (hi - a);
        const n = 1 + Math.floor(rnd() * 12);
        const got = gpuMetricBuckets(m, device, a - t0, b - t0, n);
        // Most kernels keep their blocks per SM: every device has a known SM efficiency.
        expect(gpuMetrics(m).find((g) => g.device === String(device))!.sm).not.toBeNull();
        for (let i = 0; i < n; i++) {
          const want = brute(evs, device, sms, a + ((b - a) * i) / n, a + ((b - a) * (i + 1)) / n);
          expect(got.utilization[i], `seed ${seed} device ${device} bucket ${i}`).toBeCloseTo(want.util, 5);
          expect(got.smEfficiency[i], `seed ${seed} device ${device} bucket ${i} SM`).toBeCloseTo(want.sm, 5);
        }
      }
    }
  });
});
