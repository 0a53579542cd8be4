// Each phase of the Trace Event Format, through the real engine.

import { describe, expect, it } from 'vitest';
import { FLAG_ASYNC, FLAG_INSTANT, FLAG_UNFINISHED } from '../model/types.ts';
import { loadEvents, loadText, slicesNamed } from '../testing/load-text.ts';

const X = (name: string, ts: number, dur: number, tid = 1, extra: object = {}) => ({ ph: 'X', name, ts, dur, pid: 1, tid, ...extra });
const kernel = (name: string, ts: number, dur: number) => ({ ...X(name, ts, dur, 7, { cat: 'kernel' }), pid: 0 });
const asyncB = (name: string, ts: number) => ({ ph: 'b', cat: 'net', name, id: 7, ts, pid: 1 });
const asyncE = (name: string | undefined, ts: number) => ({ ph: 'e', cat: 'net', ...(name === undefined ? {} : { name }), id: 7, ts, pid: 1 });

describe('phases', () => {
  it('X slices nest by time: depth comes from containment, not file order', async () => {
    const r = await loadEvents([X('child', 20, 10), X('parent', 10, 50), X('grandchild', 22, 2), X('sibling', 40, 5)]);
    const m = r.model;
    const depth = (n: string) => m.slices.depth[slicesNamed(r, n)[0]!];
    expect([depth('parent'), depth('child'), depth('grandchild'), depth('sibling')]).toEqual([0, 1, 2, 1]);
    expect(m.summary.slices).toBe(4);
  });

  it('B/E match per thread in time order, with unmatched ones reported', async () => {
    const r = await loadEvents([
      { ph: 'E', ts: 30, pid: 1, tid: 1 },
      { ph: 'B', name: 'outer', ts: 10, pid: 1, tid: 1 },
      { ph: 'B', name: 'inner', ts: 15, pid: 1, tid: 1 },
      { ph: 'E', ts: 20, pid: 1, tid: 1 },
      { ph: 'E', ts: 5, pid: 1, tid: 2 }, // E without B
      { ph: 'B', name: 'open', ts: 40, pid: 1, tid: 1 }, // never ends
      X('late', 100, 1, 3),
    ]);
    const m = r.model;
    const [outer] = slicesNamed(r, 'outer');
    const [inner] = slicesNamed(r, 'inner');
    const [open] = slicesNamed(r, 'open');
    expect([m.slices.start[outer!], m.slices.dur[outer!]]).toEqual([5, 20]);
    expect([m.slices.start[inner!], m.slices.dur[inner!], m.slices.depth[inner!]]).toEqual([10, 5, 1]);
    // Closed at the end of the trace (101 µs after... relative to the start at 5).
    expect(m.slices.start[open!]! + m.slices.dur[open!]!).toBe(96);
    expect(m.slices.flags[open!]! & FLAG_UNFINISHED).toBeTruthy();
    expect(m.summary.warnings['E without B (ignored)']).toBe(1);
    expect(m.summary.warnings['B without E (closed at the end of the trace)']).toBe(1);
  });

  it('instants i/I/R and async instants n become zero-length marked slices', async () => {
    const r = await loadEvents([
      { ph: 'i', name: 'mark', ts: 1, pid: 1, tid: 1, s: 't' },
      { ph: 'I', name: 'old', ts: 2, pid: 1, tid: 1 },
      { ph: 'R', name: 'nav', ts: 3, pid: 1, tid: 1 },
      { ph: 'n', name: 'step', cat: 'c', id: 5, ts: 4, pid: 1 },
    ]);
    for (const n of ['mark', 'old', 'nav', 'step']) {
      const [i] = slicesNamed(r, n);
      expect(r.model.slices.dur[i!]).toBe(0);
      expect(r.model.slices.flags[i!]! & FLAG_INSTANT).toBeTruthy();
    }
  });

  it('C counters: one series per args key (and per id)', async () => {
    const r = await loadEvents([
      { ph: 'C', name: 'mem', ts: 1, pid: 1, args: { used: 10, free: 5 } },
      { ph: 'C', name: 'mem', ts: 2, pid: 1, args: { used: 12, free: 3 } },
      { ph: 'C', name: 'q', id: 'a', ts: 1, pid: 1, args: { depth: 1 } },
      { ph: 'C', name: 'q', id: 'b', ts: 1, pid: 1, args: { depth: '7' } },
    ]);
    const m = r.model;
    expect(m.counters.map((c) => c.name).sort()).toEqual(['mem free', 'mem used', 'q[a] depth', 'q[b] depth']);
    const used = m.counters.find((c) => c.name === 'mem used')!;
    expect(Array.from(used.times)).toEqual([0, 1]);
    expect(Array.from(used.values)).toEqual([10, 12]);
    expect(m.counters.find((c) => c.name === 'q[b] depth')!.values[0]).toBe(7);
    expect(m.summary.counters).toBe(4);
  });

  it('M metadata names and orders processes and threads; defaults otherwise', async () => {
    const r = await loadEvents([
      { ph: 'M', name: 'process_name', pid: 9, args: { name: 'trainer' } },
      { ph: 'M', name: 'thread_name', pid: 9, tid: 2, args: { name: 'loader ' } },
      { ph: 'M', name: 'process_sort_index', pid: 9, args: { sort_index: -1 } },
      { ph: 'M', name: 'process_labels', pid: 0, args: { labels: 'GPU 0' } },
      { ph: 'M', name: 'thread_name', pid: 0, tid: 7, args: { name: 'stream 7 ' } },
      { ...X('k', 5, 1), pid: 0, tid: 7, cat: 'kernel' },
      { ...X('k2', 5, 1), pid: 0, tid: 13, cat: 'kernel' },
      { ...X('a', 5, 1), pid: 9, tid: 2 },
      { ...X('b', 5, 1), pid: 9, tid: 1 },
      { ...X('c', 5, 1), pid: 3, tid: 3 },
    ]);
    const m = r.model;
    expect(m.processes.map((p) => p.name)).toEqual(['trainer (9)', 'Process 3', 'GPU 0']);
    const names = (pi: number) => m.processes[pi]!.tracks.map((t) => m.tracks[t]!.name);
    expect(names(0)).toEqual(['thread 1 (trainer)', 'loader']);
    expect(names(2)).toEqual(['stream 7', 'stream 13']);
    expect(m.tracks[m.processes[2]!.tracks[0]!]!.kind).toBe('gpu');
  });

  it('v1 flows: s binds to the enclosing slice, f with bp=e to the enclosing one, f without to the next slice', async () => {
    const r = await loadEvents([
      X('op', 0, 100, 1), X('launch', 10, 5, 1),
      X('target', 50, 10, 2), X('after', 70, 10, 3),
      { ph: 's', id: 1, cat: 'c', name: 'n', ts: 12, pid: 1, tid: 1 },
      { ph: 'f', id: 1, cat: 'c', name: 'n', ts: 55, pid: 1, tid: 2, bp: 'e' },
      { ph: 's', id: 2, cat: 'c', name: 'n', ts: 12, pid: 1, tid: 1 },
      { ph: 'f', id: 2, cat: 'c', name: 'n', ts: 65, pid: 1, tid: 3 },
      { ph: 'f', id: 3, cat: 'c', name: 'n', ts: 65, pid: 1, tid: 3 }, // no s
    ]);
    const m = r.model;
    const [launch] = slicesNamed(r, 'launch');
    const [target] = slicesNamed(r, 'target');
    const [after] = slicesNamed(r, 'after');
    const pairs = Array.from(m.flows.from, (f, k) => [f, m.flows.to[k]]);
    expect(pairs).toContainEqual([launch, target]);
    expect(pairs).toContainEqual([launch, after]);
    expect(m.summary.flows).toEqual({ matched: 2, unmatched: 1 });
  });

  it('pids and tids: 7, "7" and 7.0 are one thread, "07", -7 and 7x others, in any order and any chunking', async () => {
    // raw tokens: JSON.stringify cannot write 7.0
    const spellings = ['7', '"7"', '7', '"07"', '7.0', '"7"', '-7', '1700000000123', '"1700000000123"', '7x', '7'];
    const events = spellings.map((id, i) => `{"ph": "X", "name": "e${i}", "ts": ${i * 10}, "dur": 5, "pid": ${id}, "tid": ${id}}`);
    const text = `{"traceEvents": [${events.join(',')}]}`;
    for (const chunk of [undefined, 1, 2, 3, 5, 7]) {
      const r = await loadText(text, 'test.json', chunk);
      const m = r.model;
      const trackOf = (i: number) => m.slices.track[slicesNamed(r, `e${i}`)[0]!]!;
      const same = (i: number, j: number) => trackOf(i) === trackOf(j);
      expect([same(0, 1), same(0, 2), same(0, 4), same(0, 5), same(0, 10), same(7, 8)]).toEqual([true, true, true, true, true, true]);
      expect([same(0, 3), same(0, 6), same(3, 4), same(0, 7), same(0, 9)]).toEqual([false, false, false, false, false]);
      expect([m.tracks[trackOf(7)]!.tid, m.tracks[trackOf(9)]!.tid]).toEqual(['1700000000123', '7x']);
    }
  });

  it('flow ids: 7 and "7" are one id, "07" is another, ids past 2^40 still match', async () => {
    const big = 2 ** 45;
    const r = await loadEvents([
      X('a', 0, 10, 1), X('b', 20, 10, 2), X('c', 40, 10, 3), X('d', 60, 10, 4), X('e', 80, 10, 5),
      { ph: 's', id: 7, cat: 'c', name: 'n', ts: 1, pid: 1, tid: 1 },
      { ph: 'f', id: '7', cat: 'c', name: 'n', ts: 21, pid: 1, tid: 2, bp: 'e' },
      { ph: 's', id: big, cat: 'c', name: 'n', ts: 41, pid: 1, tid: 3 },
      { ph: 'f', id: String(big), cat: 'c', name: 'n', ts: 61, pid: 1, tid: 4, bp: 'e' },
      { ph: 'f', id: '07', cat: 'c', name: 'n', ts: 81, pid: 1, tid: 5, bp: 'e' }, // not 7: no s
      { ph: 's', id: 7, cat: 'other', name: 'n', ts: 81, pid: 1, tid: 5 }, // another category: no f
    ]);
    const m = r.model;
    const [a] = slicesNamed(r, 'a'), [b] = slicesNamed(r, 'b'), [c] = slicesNamed(r, 'c'), [d] = slicesNamed(r, 'd');
    const pairs = Array.from(m.flows.from, (f, k) => [f, m.flows.to[k]]);
    expect(pairs).toEqual([[a, b], [c, d]]);
    expect(m.summary.flows).toEqual({ matched: 2, unmatched: 2 }); // matched counts the f ends
  });

  it('v1 flow chains s → t → f link step by step; fan-out links each f to the s', async () => {
    const r = await loadEvents([
      X('a', 0, 10, 1), X('b', 20, 10, 2), X('c', 40, 10, 3), X('d', 40, 10, 4),
      { ph: 's', id: '0x1', cat: 'ipc', name: 'm', ts: 1, pid: 1, tid: 1 },
      { ph: 't', id: '0x1', cat: 'ipc', name: 'm', ts: 21, pid: 1, tid: 2 },
      { ph: 'f', id: '0x1', cat: 'ipc', name: 'm', ts: 41, pid: 1, tid: 3, bp: 'e' },
      { ph: 'f', id: '0x1', cat: 'ipc', name: 'm', ts: 41, pid: 1, tid: 4, bp: 'e' },
    ]);
    const m = r.model;
    const [a] = slicesNamed(r, 'a'), [b] = slicesNamed(r, 'b'), [c] = slicesNamed(r, 'c'), [d] = slicesNamed(r, 'd');
    const pairs = Array.from(m.flows.from, (f, k) => [f, m.flows.to[k]]);
    expect(pairs).toEqual(expect.arrayContaining([[a, b], [b, c], [b, d]]));
    expect(pairs).toHaveLength(3);
  });

  it('v2 flows (bind_id, flow_out, flow_in) link slices directly', async () => {
    const r = await loadEvents([
      X('src', 0, 10, 1, { bind_id: 7, flow_out: true }),
      X('dst', 20, 10, 2, { bind_id: 7, flow_in: true }),
      X('orphan', 30, 1, 2, { bind_id: 8, flow_in: true }),
    ]);
    const [src] = slicesNamed(r, 'src'), [dst] = slicesNamed(r, 'dst');
    expect(Array.from(r.model.flows.from)).toEqual([src]);
    expect(Array.from(r.model.flows.to)).toEqual([dst]);
    expect(r.model.summary.flows).toEqual({ matched: 1, unmatched: 1 });
  });

  it('Kineto launches link to kernels by args.correlation even without flow events', async () => {
    const r = await loadEvents([
      X('cudaLaunchKernel', 10, 5, 1, { cat: 'cuda_runtime', args: { correlation: 42 } }),
      { ...X('gemm', 30, 8, 7, { cat: 'kernel', args: { correlation: 42, grid: [4, 2, 1], block: [128, 1, 1], 'registers per thread': 32, 'shared memory': 1024, 'blocks per SM': 0.5, 'warps per SM': 2, 'est. achieved occupancy %': 12 } }), pid: 0 },
      { ...X('unlinked', 50, 8, 7, { cat: 'kernel', args: { correlation: 99 } }), pid: 0 },
    ]);
    const m = r.model;
    const [launch] = slicesNamed(r, 'cudaLaunchKernel');
    const [gemm] = slicesNamed(r, 'gemm');
    expect(Array.from(m.flows.from)).toEqual([launch]);
    expect(Array.from(m.flows.to)).toEqual([gemm]);
    expect(m.flows.kind[0]).toBe(2);
    expect(m.summary.gpu).toMatchObject({ kernels: 2, launchLinked: 1, devices: 1, streams: 1, busyUs: 16 });
    const k = Array.from(m.kernels.slice).indexOf(gemm!);
    expect([m.kernels.gridX[k], m.kernels.gridY[k], m.kernels.blockX[k], m.kernels.registers[k], m.kernels.sharedMemory[k]]).toEqual([4, 2, 128, 32, 1024]);
    expect(m.kernels.occupancy[k]).toBe(12);
    expect(m.kernels.correlation[k]).toBe(42);
  });

  it('an ac2g flow and a correlation for the same pair draw one arrow', async () => {
    const r = await loadEvents([
      X('cudaLaunchKernel', 10, 5, 1, { cat: 'cuda_runtime', args: { correlation: 42 } }),
      { ...X('gemm', 30, 8, 7, { cat: 'kernel', args: { correlation: 42 } }), pid: 0 },
      { ph: 's', id: 42, cat: 'ac2g', name: 'ac2g', ts: 10, pid: 1, tid: 1 },
      { ph: 'f', id: 42, cat: 'ac2g', name: 'ac2g', ts: 30, pid: 0, tid: 7, bp: 'e' },
    ]);
    expect(r.model.flows.from.length).toBe(1);
    expect(r.model.flows.kind[0]).toBe(2); // kept as the correlation link
  });

  it('async b/e nest by id, S/F pair up, and each goes to an async track', async () => {
    const r = await loadEvents([
      { ph: 'b', cat: 'net', name: 'request', id: 1, ts: 0, pid: 1 },
      { ph: 'b', cat: 'net', name: 'dns', id: 1, ts: 1, pid: 1 },
      { ph: 'e', cat: 'net', name: 'dns', id: 1, ts: 3, pid: 1 },
      { ph: 'e', cat: 'net', name: 'request', id: 1, ts: 9, pid: 1 },
      { ph: 'S', cat: 'old', name: 'legacy', id: '0xa', ts: 2, pid: 1 },
      { ph: 'T', cat: 'old', name: 'legacy', id: '0xa', ts: 3, pid: 1 },
      { ph: 'F', cat: 'old', name: 'legacy', id: '0xa', ts: 6, pid: 1 },
    ]);
    const m = r.model;
    const [req] = slicesNamed(r, 'request'), [dns] = slicesNamed(r, 'dns'), [legacy] = slicesNamed(r, 'legacy');
    expect([m.slices.dur[req!], m.slices.dur[dns!], m.slices.depth[dns!], m.slices.dur[legacy!]]).toEqual([9, 2, 1, 4]);
    expect(m.slices.flags[req!]! & FLAG_ASYNC).toBeTruthy();
    expect(m.tracks[m.slices.track[req!]!]!.kind).toBe('async');
  });

  it('nestable async e closes the innermost open b of the same name; an e without a name the innermost', async () => {
    const r = await loadEvents([
      asyncB('load', 0), asyncB('parse', 2), asyncE('load', 5), asyncE('parse', 8), // interleaved, not nested
      asyncB('outer', 10), asyncB('inner', 11), asyncE(undefined, 12), asyncE(undefined, 15), // no names: innermost first
      asyncB('solo', 20), asyncE('other', 21), asyncE('solo', 25), // an e whose name never began
      { ph: 'b', cat: 'disk', name: 'load', id: 7, ts: 30, pid: 1 }, asyncE('load', 31), // another category: no match
    ]);
    const m = r.model;
    const span = (n: string) => slicesNamed(r, n).map((i) => [m.slices.start[i]!, m.slices.dur[i]!, m.slices.flags[i]! & FLAG_UNFINISHED]);
    expect(span('load')).toEqual([[0, 5, 0], [30, 1, FLAG_UNFINISHED]]);
    expect(span('parse')).toEqual([[2, 6, 0]]);
    expect(span('inner')).toEqual([[11, 1, 0]]);
    expect(span('outer')).toEqual([[10, 5, 0]]);
    expect(span('solo')).toEqual([[20, 5, 0]]);
    expect(m.summary.warnings['async end without begin (ignored)']).toBe(2); // 'other', and 'load' in cat net at 31
    expect(m.summary.warnings['async span without end (closed at the end of the trace)']).toBe(1); // 'load' in cat disk
  });

  it('O/N/D, P and unknown phases are counted and skipped, never fatal', async () => {
    const r = await loadEvents([
      { ph: 'O', name: 'obj', id: 1, ts: 1, pid: 1 }, { ph: 'N', name: 'obj', id: 1, ts: 1, pid: 1 },
      { ph: 'D', name: 'obj', id: 1, ts: 2, pid: 1 }, { ph: 'P', name: 'sample', ts: 2, pid: 1, tid: 1 },
      { ph: 'Z', name: 'future', ts: 3, pid: 1, tid: 1 }, X('kept', 1, 1),
    ]);
    expect(r.model.summary.events.byPhase).toEqual({ O: 1, N: 1, D: 1, P: 1, Z: 1, X: 1 });
    expect(r.model.summary.slices).toBe(1);
    expect(r.model.summary.warnings["phase 'Z' not shown"]).toBe(1);
  });

  it('GPU kernels that overlap without nesting go on extra rows, never dropped or stacked', async () => {
    const r = await loadEvents([kernel('a', 0, 10), kernel('b', 5, 10), kernel('c', 12, 10), kernel('d', 30, 1)]);
    const m = r.model;
    const row = (n: string) => m.slices.depth[slicesNamed(r, n)[0]!];
    expect([row('a'), row('b'), row('c'), row('d')]).toEqual([0, 1, 0, 0]);
    expect(m.summary.slices).toBe(4);
  });

  it('keeps fractional nanoseconds of epoch-scale microsecond timestamps exactly', async () => {
    const r = await loadText('{"traceEvents":[{"ph":"X","name":"a","ts":1700000000123.456,"dur":0.001,"pid":1,"tid":1},{"ph":"X","name":"b","ts":1700000000123.457,"dur":1,"pid":1,"tid":1}]}');
    const m = r.model;
    const [b] = slicesNamed(r, 'b');
    // A plain double at 1.7e12 µs has a 0.24 ns step; relative to the start we keep far better.
    expect(Math.abs(m.slices.start[b!]! - 0.001)).toBeLessThan(1e-9);
    expect(Math.abs(1700000000123.457 - 1700000000123.456 - 0.001)).toBeGreaterThan(1e-6);
    expect(m.startUs).toBeCloseTo(1700000000123.456, 2);
  });

  it('keeps top-level keys as metadata', async () => {
    const r = await loadText('{"schemaVersion":1,"traceEvents":[],"deviceProperties":[{"id":0,"numSms":108}],"displayTimeUnit":"ns","baseTimeNanoseconds":1700000000000000000}');
    expect(r.model.summary.metadata).toEqual(['schemaVersion', 'deviceProperties', 'displayTimeUnit', 'baseTimeNanoseconds']);
    expect(r.model.metadata.deviceProperties).toEqual([{ id: 0, numSms: 108 }]);
  });
});
