// Each table against a brute-force computation from the raw events of random traces
// (nesting, recursion of one op name, non-op slices between ops, zero durations, kernels
// with and without args, overlapping kernels, launches without kernels).

import { describe, expect, it } from 'vitest';
import { readInputShapes } from '../engine/input-shapes.ts';
import { loadEvents, loadText } from '../testing/load-text.ts';
import { bruteParents, randomTrace, toJson, type Ev } from '../testing/random-kineto.ts';
import { kernelTable } from './kernels.ts';
import { operatorShapeTable, operatorTable } from './operators.ts';
import { rangeTable } from './slices.ts';
import { matchesWork, matchNames, nameTest, parseQuery, slicesMatching } from './search.ts';
import { runNow } from './sliced.ts';

const isOp = (e: Ev): boolean => e.ph === 'X' && (e.cat.toLowerCase() === 'cpu_op' || e.cat.toLowerCase() === 'operator');

/** Per group of ops (by name unless `keyOf` says otherwise). */
function bruteOperators(evs: Ev[], keyOf: (op: Ev) => string = (op) => op.name) {
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
    const r = row(keyOf(op));
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

/** A slice shares time with the window (one of zero length: lies in it); touching an edge is not enough. */
function sharesTime(s: number, d: number, w: { start: number; end: number }): boolean {
  return d > 0 ? s < w.end && s + d > w.start : s >= w.start && s <= w.end;
}

function bruteKernels(evs: Ev[], w?: { start: number; end: number }, t0 = 0) {
  const ks = evs.filter((e) => e.cat === 'kernel' && (!w || sharesTime(e.ts - t0, e.dur, w)));
  const all = ks.reduce((a, e) => a + e.dur, 0);
  const out = new Map<string, { count: number; totalUs: number; minUs: number; maxUs: number; bps: number | null; occ: number | null; pct: number; configs: number[][] }>();
  for (const name of new Set(ks.map((e) => e.name))) {
    const mine = ks.filter((e) => e.name === name);
    const wmean = (key: string): number | null => {
      const has = mine.filter((e) => e.args?.[key] !== undefined);
      const d = has.reduce((a, e) => a + e.dur, 0);
      return has.length && d > 0 ? has.reduce((a, e) => a + (e.args![key] as number) * e.dur, 0) / d : null;
    };
    const total = mine.reduce((a, e) => a + e.dur, 0);
    // launch configurations: instances with the same grid, block, registers and shared memory
    const byConfig = new Map<string, number[]>();
    for (const e of mine) {
      const key = JSON.stringify([e.args?.grid, e.args?.block, e.args?.['registers per thread'], e.args?.['shared memory']]);
      const c = byConfig.get(key) ?? [0, 0];
      byConfig.set(key, [c[0]! + 1, c[1]! + e.dur]);
    }
    out.set(name, {
      configs: [...byConfig.values()].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
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
  const overl = (e: Ev): boolean => sharesTime(e.ts - t0, e.dur, w);
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
          const cs = r.configs.map((c) => [c.count, c.totalUs]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
          expect(cs.length).toBe(b.configs.length);
          cs.forEach((c, j) => {
            expect(c[0]).toBe(b.configs[j]![0]);
            close(c[1]!, b.configs[j]![1]!);
          });
          for (let j = 1; j < r.configs.length; j++) expect(r.configs[j]!.totalUs).toBeLessThanOrEqual(r.configs[j - 1]!.totalUs);
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

      // several names at once: the slices grouped by name are merged back into column order
      const many = matchNames(m, nameTest((parseQuery('/a|e/') as { query: never }).query));
      const { byRow, byTime } = runNow(matchesWork(m, many));
      const plain: number[] = [];
      for (let i = 0; i < m.slices.name.length; i++) if (/a|e/.test(m.strings[m.slices.name[i]!]!)) plain.push(i);
      expect(Array.from(byRow)).toEqual(plain);
      expect(Array.from(byTime).sort((a, b) => a - b)).toEqual(plain);
      for (let k = 1; k < byTime.length; k++) expect(m.slices.start[byTime[k]!]!).toBeGreaterThanOrEqual(m.slices.start[byTime[k - 1]!]!);
    });
  }
});

function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) c.close();
      else c.enqueue(bytes.slice(at, (at += size)));
    },
  });
}

describe('operators by name and input shapes against brute force on random traces', () => {
  for (let seed = 1; seed <= 30; seed++) {
    it(`seed ${seed}`, async () => {
      const evs = randomTrace(seed);
      const text = JSON.stringify({ traceEvents: toJson(evs) });
      const r = await loadText(text);
      const m = r.model;
      // every slice's Input Dims, read back by the worker's pass: by ranges, and as a stream
      const bytes = new TextEncoder().encode(text);
      const byRanges = await readInputShapes({ stream: () => new Blob([bytes]).stream(), gzip: false, blob: new Blob([bytes]) }, r.offsets);
      // events cut across windows and chunks
      const smallRanges = await readInputShapes({ stream: () => new Blob([bytes]).stream(), gzip: false, blob: new Blob([bytes]), windowBytes: 37 }, r.offsets);
      const streamed = await readInputShapes({ stream: () => chunked(bytes, 13 + seed), gzip: false }, r.offsets);
      expect(smallRanges).toEqual(byRanges);
      expect(streamed).toEqual(byRanges);

      const rows = operatorShapeTable(m, byRanges);
      const b = bruteOperators(evs, (op) => `${op.name}|${JSON.stringify(op.args?.['Input Dims'] ?? null)}`);
      expect(rows.map((x) => `${x.name}|${x.inputShapes ?? 'null'}`).sort()).toEqual([...b.keys()].sort());
      // some names come in more than one shape, and some calls have none
      expect(rows.length).toBeGreaterThan(new Set(rows.map((x) => x.name)).size);
      expect(rows.some((x) => x.inputShapes === null)).toBe(true);
      for (const x of rows) {
        const e = b.get(`${x.name}|${x.inputShapes ?? 'null'}`)!;
        expect(x.count).toBe(e.count);
        close(x.hostTotalUs, e.hostTotalUs);
        close(x.hostSelfUs, e.hostSelfUs);
        close(x.deviceTotalUs, e.deviceTotalUs);
        close(x.deviceSelfUs, e.deviceSelfUs);
      }
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
