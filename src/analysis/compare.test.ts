import { describe, expect, it } from 'vitest';
import { loadEvents } from '../testing/load-text.ts';
import { randomTrace, toJson, type Ev } from '../testing/random-kineto.ts';
import { diffTable, flattenOpTree, opTreeDiff, type OpTreeNode } from './compare.ts';

/** Per (category, name): count and summed duration, clipped to [w0, w1) µs from the trace start when given. */
function bruteTotals(evs: Ev[], origin: number, w?: [number, number]): Map<string, { count: number; total: number }> {
  const out = new Map<string, { count: number; total: number }>();
  for (const e of evs) {
    const s = e.ts - origin;
    let t = e.dur;
    if (w) {
      const inside = e.dur > 0 ? s < w[1] && s + e.dur > w[0] : s >= w[0] && s <= w[1];
      if (!inside) continue;
      t = Math.min(w[1], s + e.dur) - Math.max(w[0], s);
    }
    const k = `${e.cat}|${e.name}`;
    const r = out.get(k) ?? { count: 0, total: 0 };
    r.count++;
    r.total += t;
    out.set(k, r);
  }
  return out;
}

describe('the diff table against brute force on random trace pairs', () => {
  for (let seed = 1; seed <= 12; seed++) {
    it(`seed ${seed}`, async () => {
      const ea = randomTrace(seed);
      const eb = randomTrace(seed + 100);
      const a = (await loadEvents(toJson(ea))).model;
      const b = (await loadEvents(toJson(eb))).model;
      const originA = Math.min(...ea.map((e) => e.ts));
      const originB = Math.min(...eb.map((e) => e.ts));
      for (const w of [undefined, [40, 260] as [number, number]]) {
        const rows = diffTable(a, b, w && { start: w[0], end: w[1] }, w && { start: w[0] + 5, end: w[1] + 5 });
        const ba = bruteTotals(ea, originA, w);
        const bb = bruteTotals(eb, originB, w && [w[0] + 5, w[1] + 5]);
        const keys = new Set([...ba.keys(), ...bb.keys()]);
        expect(rows.length).toBe(keys.size);
        for (const r of rows) {
          const k = `${r.kind}|${r.name}`;
          expect(keys.has(k)).toBe(true);
          expect(r.countA).toBe(ba.get(k)?.count ?? 0);
          expect(r.countB).toBe(bb.get(k)?.count ?? 0);
          expect(r.totalUsA).toBeCloseTo(ba.get(k)?.total ?? 0, 9);
          expect(r.totalUsB).toBeCloseTo(bb.get(k)?.total ?? 0, 9);
          expect(r.only).toBe(!ba.has(k) ? 'B' : !bb.has(k) ? 'A' : null);
          expect(r.deltaUs).toBeCloseTo(r.totalUsB - r.totalUsA, 9);
        }
        for (let i = 1; i < rows.length; i++) expect(Math.abs(rows[i]!.deltaUs)).toBeLessThanOrEqual(Math.abs(rows[i - 1]!.deltaUs));
      }
    });
  }
});

const X = (name: string, cat: string, ts: number, dur: number, args?: Record<string, unknown>, tid = 1, pid = 1): unknown => ({ ph: 'X', name, cat, pid, tid, ts, dur, ...(args ? { args } : {}) });

/** A step with conv2d (addmm inside, one kernel of `k` µs) and `relus` relu calls, plus `extra` ops. */
function stepTrace(k: number, relus: number, extra: unknown[] = []): unknown[] {
  const evs: unknown[] = [
    X('ProfilerStep#3', 'user_annotation', 0, 1000),
    X('aten::conv2d', 'cpu_op', 10, 300),
    X('aten::addmm', 'cpu_op', 20, 100),
    X('cudaLaunchKernel', 'cuda_runtime', 30, 10, { correlation: 1 }),
    X('gemm', 'kernel', 50, k, { correlation: 1, device: 0, stream: 7 }, 7, 0),
    // an op after the step: not in its tree
    X('aten::conv2d', 'cpu_op', 1200, 50),
    ...extra,
  ];
  for (let r = 0; r < relus; r++) evs.push(X('aten::relu', 'cpu_op', 400 + r * 100, 40));
  return evs;
}

describe('the op-tree diff of two steps', () => {
  it('matches ops by name path, sums instances, and keeps the ones in one run only', async () => {
    const a = (await loadEvents(stepTrace(80, 3))).model;
    const b = (await loadEvents(stepTrace(30, 1, [X('aten::add', 'cpu_op', 900, 20)]))).model;
    const stepOf = (m: typeof a): number => m.slices.name.findIndex((n) => m.strings[n] === 'ProfilerStep#3');
    const root = opTreeDiff(a, stepOf(a), b, stepOf(b));
    const rows = flattenOpTree(root);
    const by = (path: string): OpTreeNode => rows.find((r) => r.path === path)!;
    expect(rows.map((r) => r.path)).toEqual([
      'ProfilerStep#3',
      'ProfilerStep#3 › aten::conv2d',
      'ProfilerStep#3 › aten::conv2d › aten::addmm',
      'ProfilerStep#3 › aten::relu',
      'ProfilerStep#3 › aten::add',
    ]);
    expect(by('ProfilerStep#3 › aten::conv2d')).toMatchObject({ countA: 1, countB: 1, hostUsA: 300, hostUsB: 300, deviceUsA: 80, deviceUsB: 30, depth: 1 });
    expect(by('ProfilerStep#3 › aten::conv2d › aten::addmm')).toMatchObject({ deviceUsA: 80, deviceUsB: 30, depth: 2 });
    expect(by('ProfilerStep#3 › aten::relu')).toMatchObject({ countA: 3, countB: 1, hostUsA: 120, hostUsB: 40 });
    expect(by('ProfilerStep#3 › aten::add')).toMatchObject({ countA: 0, countB: 1, hostUsB: 20, sliceA: -1 });
    expect(root).toMatchObject({ hostUsA: 1000, hostUsB: 1000, deviceUsA: 80, deviceUsB: 30 });
    const conv = by('ProfilerStep#3 › aten::conv2d');
    expect(a.slices.start[conv.sliceA]).toBe(10);
  });
});
