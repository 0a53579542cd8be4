// Each table against a brute-force computation from the raw events of random traces
// (nesting, recursion of one op name, non-op slices between ops, zero durations, kernels
// with and without args, overlapping kernels, launches without kernels).

import { describe, expect, it } from 'vitest';
import { loadEvents } from '../testing/load-text.ts';
import { mulberry32 } from '../testing/synth-trace.ts';
import { kernelTable } from './kernels.ts';
import { operatorTable } from './operators.ts';
import { rangeTable } from './slices.ts';
import { matchNames, nameTest, parseQuery, slicesMatching } from './search.ts';

interface Ev {
  ph: string;
  name: string;
  cat: string;
  pid: number;
  tid: number;
  ts: number;
  dur: number;
  args?: Record<string, unknown>;
  /** file order */
  i: number;
}

const OPS = ['aten::linear', 'aten::addmm', 'aten::relu', 'aten::copy_'];
const KERNELS = ['gemm_kernel', 'elementwise_kernel', 'reduce_kernel'];

function randomTrace(seed: number): Ev[] {
  const rnd = mulberry32(seed);
  const int = (a: number, b: number): number => a + Math.floor(rnd() * (b - a + 1));
  const evs: Omit<Ev, 'i'>[] = [];
  let corr = 1;
  const gpuEnd: Record<number, number> = { 7: 0, 8: 0 };
  const overlapped: Record<number, boolean> = { 7: false, 8: false };
  const lastDur: Record<number, number> = { 7: 0, 8: 0 };
  // One subtree filling [s, e] on a thread.
  const tree = (pid: number, tid: number, s: number, e: number, depth: number): void => {
    let t = s;
    while (t < e) {
      const gap = int(0, 3);
      const len = rnd() < 0.1 ? 0 : int(1, Math.max(1, Math.floor((e - s) / 2)));
      const a = t + gap;
      const b = Math.min(e, a + len);
      if (a > e) break;
      const r = rnd();
      if (depth > 0 && r < 0.25) {
        // a launch, with a kernel most of the time
        const c = corr++;
        evs.push({ ph: 'X', name: 'cudaLaunchKernel', cat: 'cuda_runtime', pid, tid, ts: a, dur: b - a, args: { correlation: c } });
        if (rnd() < 0.85) {
          const stream = rnd() < 0.5 ? 7 : 8;
          // Sometimes overlapping the end of the stream's last kernel, and past its end by
          // enough that no later kernel lies inside both (which of two partly overlapping
          // slices is the parent would be a matter of taste).
          // (nor inside the overlapping one: the layout puts such a kernel in the first lane
          // that is free, not under the kernel that encloses it).
          const overlap = rnd() < 0.2 && lastDur[stream]! >= 3; // never around the last one
          const ks = overlap ? Math.max(b, gpuEnd[stream]! - 2) : Math.max(b + int(0, 5), gpuEnd[stream]! + (overlapped[stream] ? 1 : 0));
          overlapped[stream] = overlap;
          const kd = overlap ? int(5, 20) : rnd() < 0.05 ? 0 : int(1, 20);
          lastDur[stream] = kd;
          const withArgs = rnd() < 0.7;
          const cat = rnd() < 0.8 ? 'kernel' : rnd() < 0.5 ? 'gpu_memcpy' : 'gpu_memset';
          const args: Record<string, unknown> = { correlation: c, device: 0, stream };
          if (withArgs && cat === 'kernel') {
            args.grid = [int(1, 4), 1, 1];
            args.block = [128, 1, 1];
            args['registers per thread'] = int(16, 64);
            args['shared memory'] = int(0, 2) * 1024;
            args['blocks per SM'] = int(1, 30) / 10;
            args['est. achieved occupancy %'] = int(5, 100);
          }
          evs.push({ ph: 'X', name: cat === 'kernel' ? KERNELS[int(0, 2)]! : cat === 'gpu_memcpy' ? 'Memcpy HtoD' : 'Memset', cat, pid: 0, tid: stream, ts: ks, dur: kd, args });
          gpuEnd[stream] = Math.max(gpuEnd[stream]!, ks + kd);
        }
      } else {
        const cat = r < 0.75 ? 'cpu_op' : r < 0.85 ? 'user_annotation' : 'python_function';
        evs.push({ ph: 'X', name: cat === 'cpu_op' ? OPS[int(0, OPS.length - 1)]! : `${cat}#${int(0, 2)}`, cat, pid, tid, ts: a, dur: b - a });
        if (b - a > 2 && depth < 6) tree(pid, tid, a, b, depth + 1);
      }
      t = b + 1;
    }
  };
  for (const tid of [1, 2]) tree(100, tid, int(0, 50), int(400, 600), 0);
  // an instant: it only shows in search
  evs.push({ ph: 'i', name: 'aten::relu', cat: 'cpu_instant_event', pid: 100, tid: 1, ts: 10, dur: 0 });
  // shuffle file order a little: the engine must not depend on it
  for (let k = evs.length - 1; k > 0; k--) {
    if (rnd() < 0.3) {
      const j = int(0, k);
      [evs[k], evs[j]] = [evs[j]!, evs[k]!];
    }
  }
  return evs.map((e, i) => ({ ...e, i }));
}

function toJson(evs: Ev[]): unknown[] {
  const out: unknown[] = evs.map(({ i: _i, dur, ph, ...e }) => (ph === 'X' ? { ph, dur, ...e } : { ph, s: 't', ...e }));
  out.push({ ph: 'M', name: 'process_name', pid: 0, tid: 0, args: { name: 'GPU 0' } });
  out.push({ ph: 'M', name: 'process_labels', pid: 0, tid: 0, args: { labels: 'GPU 0' } });
  return out;
}

/** Direct parent on the same thread: among the slices open at its start that contain it and come before it (start, longest, file order), the innermost. */
function bruteParents(evs: Ev[]): Map<Ev, Ev | null> {
  const xs = evs.filter((e) => e.ph === 'X');
  const before = (a: Ev, b: Ev): boolean => a.ts < b.ts || (a.ts === b.ts && (a.dur > b.dur || (a.dur === b.dur && a.i < b.i)));
  const out = new Map<Ev, Ev | null>();
  for (const e of evs) {
    let best: Ev | null = null;
    if (e.ph === 'X' || e.ph === 'i') {
      for (const p of xs) {
        if (p === e || p.pid !== e.pid || p.tid !== e.tid || !before(p, e)) continue;
        // a slice ends where it ends: one starting there is not inside it
        if (!(p.ts <= e.ts && e.ts < p.ts + p.dur && e.ts + e.dur <= p.ts + p.dur)) continue;
        if (!best || before(best, p)) best = p;
      }
    }
    out.set(e, best);
  }
  return out;
}

const isOp = (e: Ev): boolean => e.ph === 'X' && (e.cat.toLowerCase() === 'cpu_op' || e.cat.toLowerCase() === 'operator');

function bruteOperators(evs: Ev[]) {
  const parents = bruteParents(evs);
  const nearestOp = (e: Ev): Ev | null => {
    for (let p = parents.get(e)!; p; p = parents.get(p)!) if (isOp(p)) return p;
    return null;
  };
  const gpuByCorr = new Map<number, number>();
  for (const e of evs) {
    if (['kernel', 'gpu_memcpy', 'gpu_memset'].includes(e.cat) && e.args?.correlation !== undefined) {
      const c = e.args.correlation as number;
      gpuByCorr.set(c, (gpuByCorr.get(c) ?? 0) + e.dur);
    }
  }
  const rows = new Map<string, { count: number; hostTotalUs: number; hostSelfUs: number; deviceTotalUs: number; deviceSelfUs: number }>();
  const row = (n: string) => {
    let r = rows.get(n);
    if (!r) rows.set(n, (r = { count: 0, hostTotalUs: 0, hostSelfUs: 0, deviceTotalUs: 0, deviceSelfUs: 0 }));
    return r;
  };
  for (const op of evs.filter(isOp)) {
    const r = row(op.name);
    r.count++;
    r.hostTotalUs += op.dur;
    let childOps = 0;
    for (const e of evs) if (isOp(e) && nearestOp(e) === op) childOps += e.dur;
    r.hostSelfUs += op.dur - childOps;
    for (const e of evs) {
      if (e.cat !== 'cuda_runtime') continue;
      const g = gpuByCorr.get(e.args!.correlation as number) ?? 0;
      if (nearestOp(e) === op) r.deviceSelfUs += g;
      for (let q = nearestOp(e); q; q = nearestOp(q)) if (q === op) r.deviceTotalUs += g;
    }
  }
  return rows;
}

function bruteKernels(evs: Ev[], w?: { start: number; end: number }, t0 = 0) {
  const ks = evs.filter((e) => e.cat === 'kernel' && (!w || (e.ts - t0 <= w.end && e.ts - t0 + e.dur >= w.start)));
  const all = ks.reduce((a, e) => a + e.dur, 0);
  const out = new Map<string, { count: number; totalUs: number; minUs: number; maxUs: number; bps: number | null; occ: number | null; pct: number }>();
  for (const name of new Set(ks.map((e) => e.name))) {
    const mine = ks.filter((e) => e.name === name);
    const wmean = (key: string): number | null => {
      const has = mine.filter((e) => e.args?.[key] !== undefined);
      const d = has.reduce((a, e) => a + e.dur, 0);
      return has.length && d > 0 ? has.reduce((a, e) => a + (e.args![key] as number) * e.dur, 0) / d : null;
    };
    const total = mine.reduce((a, e) => a + e.dur, 0);
    out.set(name, {
      count: mine.length, totalUs: total,
      minUs: Math.min(...mine.map((e) => e.dur)), maxUs: Math.max(...mine.map((e) => e.dur)),
      bps: wmean('blocks per SM'), occ: wmean('est. achieved occupancy %'),
      pct: all > 0 ? (100 * total) / all : 0,
    });
  }
  return out;
}

function bruteRange(evs: Ev[], t0: number, w: { start: number; end: number }) {
  const parents = bruteParents(evs);
  const clip = (e: Ev): number => Math.max(0, Math.min(e.ts - t0 + e.dur, w.end) - Math.max(e.ts - t0, w.start));
  const overl = (e: Ev): boolean => e.ts - t0 <= w.end && e.ts - t0 + e.dur >= w.start;
  const rows = new Map<string, { count: number; totalUs: number; selfUs: number; minUs: number; maxUs: number }>();
  const all = evs.filter((e) => (e.ph === 'X' || e.ph === 'i') && overl(e));
  for (const e of all) {
    const key = `${e.pid === 0 ? 'gpu' : 'cpu'}|${e.name}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { count: 0, totalUs: 0, selfUs: 0, minUs: Infinity, maxUs: -Infinity }));
    const c = clip(e);
    let kids = 0;
    for (const k of all) if (parents.get(k) === e) kids += clip(k);
    r.count++;
    r.totalUs += c;
    r.selfUs += c - kids;
    r.minUs = Math.min(r.minUs, c);
    r.maxUs = Math.max(r.maxUs, c);
  }
  const busy = new Map<number, number>();
  for (const stream of [7, 8]) {
    const iv = evs
      .filter((e) => e.pid === 0 && e.tid === stream)
      .map((e) => [Math.max(e.ts - t0, w.start), Math.min(e.ts - t0 + e.dur, w.end)] as [number, number])
      .filter(([a, b]) => b > a)
      .sort((a, b) => a[0] - b[0]);
    let sum = 0;
    let cur: [number, number] | null = null;
    for (const [a, b] of iv) {
      if (!cur || a > cur[1]) {
        if (cur) sum += cur[1] - cur[0];
        cur = [a, b];
      } else cur[1] = Math.max(cur[1], b);
    }
    if (cur) sum += cur[1] - cur[0];
    busy.set(stream, sum);
  }
  return { rows, busy };
}

const close = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThan(1e-6 * Math.max(1, Math.abs(b)));

/** Both null, or both numbers and close. */
const closeOrNull = (a: number | null, b: number | null): void => {
  expect(a === null).toBe(b === null);
  close(a ?? 0, b ?? 0);
};

describe('analysis tables against brute force on random traces', () => {
  for (let seed = 1; seed <= 30; seed++) {
    it(`seed ${seed}`, async () => {
      const evs = randomTrace(seed);
      const { model: m } = await loadEvents(toJson(evs));
      const t0 = Math.min(...evs.map((e) => e.ts));

      const ops = operatorTable(m);
      const bOps = bruteOperators(evs);
      expect(ops.map((r) => r.name).sort()).toEqual([...bOps.keys()].sort());
      for (const r of ops) {
        const b = bOps.get(r.name)!;
        expect(r.count).toBe(b.count);
        close(r.hostTotalUs, b.hostTotalUs);
        close(r.hostSelfUs, b.hostSelfUs);
        close(r.deviceTotalUs, b.deviceTotalUs);
        close(r.deviceSelfUs, b.deviceSelfUs);
      }
      // recursion: some op contains an op of its own name in most seeds; device time is there
      expect(ops.reduce((a, r) => a + r.deviceSelfUs, 0)).toBeGreaterThan(0);

      for (const w of [undefined, { start: 100, end: 250 }]) {
        const ks = kernelTable(m, w);
        const bKs = bruteKernels(evs, w, t0);
        expect(ks.map((r) => r.name).sort()).toEqual([...bKs.keys()].sort());
        for (const r of ks) {
          const b = bKs.get(r.name)!;
          expect(r.count).toBe(b.count);
          close(r.totalUs, b.totalUs);
          close(r.minUs, b.minUs);
          close(r.maxUs, b.maxUs);
          close(r.pctOfKernelTime, b.pct);
          closeOrNull(r.blocksPerSm, b.bps);
          closeOrNull(r.occupancyPct, b.occ);
          expect(r.configs.reduce((a, c) => a + c.count, 0)).toBe(r.count);
        }
      }

      for (const w of [{ start: 0, end: m.endUs }, { start: 57.5, end: 203.25 }, { start: 120, end: 120 }]) {
        const rt = rangeTable(m, w);
        const b = bruteRange(evs, t0, w);
        expect(rt.rows.map((r) => `${r.group}|${r.name}`).sort()).toEqual([...b.rows.keys()].sort());
        for (const r of rt.rows) {
          const e = b.rows.get(`${r.group}|${r.name}`)!;
          expect(r.count).toBe(e.count);
          close(r.totalUs, e.totalUs);
          close(r.selfUs, e.selfUs);
          close(r.minUs, e.minUs);
          close(r.maxUs, e.maxUs);
        }
        for (const s of rt.streams) close(s.busyUs, b.busy.get(Number(s.name.match(/\d+/)![0]))!);
      }

      const mask = matchNames(m, nameTest((parseQuery('RELU') as { query: never }).query));
      const hits = slicesMatching(m, mask);
      expect(hits.length).toBe(evs.filter((e) => e.name.toLowerCase().includes('relu')).length);
      for (let k = 1; k < hits.length; k++) expect(m.slices.start[hits[k]!]!).toBeGreaterThanOrEqual(m.slices.start[hits[k - 1]!]!);
    });
  }
});

describe('search queries', () => {
  it('reads substrings, regular expressions and says what is wrong with a bad one', () => {
    expect(parseQuery('mm')).toEqual({ query: { kind: 'substring', text: 'mm' } });
    expect(parseQuery('/^aten::(add|mm)$/i')).toEqual({ query: { kind: 'regex', source: '^aten::(add|mm)$', flags: 'i' } });
    expect('error' in parseQuery('/(a/')).toBe(true);
    expect((parseQuery('/(a/') as { error: string }).error).toMatch(/invalid regular expression/);
    const t = nameTest((parseQuery('/^aten::(add|mm)$/') as { query: never }).query);
    expect(['aten::add', 'aten::mm', 'aten::addmm', 'ATEN::mm'].map(t)).toEqual([true, true, false, false]);
    expect(['Aten::MM', 'x'].map(nameTest({ kind: 'substring', text: 'aten::mm' }))).toEqual([true, false]);
  });
});
