// The memory analysis on hand-written traces whose answers are known exactly: totals and
// running sums, peaks, pairing by address (frees before allocations, reuse, unfreed, no
// address, addresses past 2^53), the allocating operator, and the counter tracks.

import { afterEach, describe, expect, it } from 'vitest';
import { loadTrace } from '../engine/load.ts';
import { inlineRunners } from '../engine/parallel.ts';
import { setWasmEvents } from '../parse/wasm-events.ts';
import { loadText, slicesNamed } from '../testing/load-text.ts';
import type { TraceModel } from '../model/types.ts';
import { addrText, allocationOperatorsWork, memoryAnalysis, memorySummaryRows } from './memory.ts';
import { runNow } from './sliced.ts';

/** A [memory] event as Kineto writes it; `addr` is raw JSON text (exact past 2^53). */
function mem(ts: number, bytes: number, o: { addr?: string; ta?: number; tr?: number; type?: number; id?: number; pid?: number; tid?: number } = {}): string {
  const args: string[] = [];
  if (o.type !== undefined) args.push(`"Device Type": ${o.type}`);
  if (o.id !== undefined) args.push(`"Device Id": ${o.id}`);
  if (o.addr !== undefined) args.push(`"Addr": ${o.addr}`);
  args.push(`"Bytes": ${bytes}`);
  if (o.ta !== undefined) args.push(`"Total Allocated": ${o.ta}`);
  if (o.tr !== undefined) args.push(`"Total Reserved": ${o.tr}`);
  return `{"ph": "i", "cat": "cpu_instant_event", "s": "t", "name": "[memory]", "pid": ${o.pid ?? 10}, "tid": ${o.tid ?? 11}, "ts": ${1000 + ts}, "args": {${args.join(', ')}}}`;
}
const op = (name: string, ts: number, dur: number, cat = 'cpu_op'): string =>
  `{"ph": "X", "cat": "${cat}", "name": "${name}", "pid": 10, "tid": 11, "ts": ${1000 + ts}, "dur": ${dur}, "args": {"External id": 1}}`;
const gpu = (ts: number): string => `{"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": ${1000 + ts}, "dur": 1, "args": {"device": 0, "stream": 7, "correlation": 5}}`;
const trace = (events: string[]): string => `{"traceEvents": [\n${events.join(',\n')}\n]}`;

const GPU = { type: 1, id: 0 };
const gpuTrace = trace([
  op('aten::zeros', 0, 100),
  op('aten::empty', 1, 10),
  mem(2, 100, { ...GPU, addr: '1', ta: 100, tr: 200 }),
  op('aten::add', 20, 10),
  '{"ph": "X", "cat": "user_annotation", "name": "## inner ##", "pid": 10, "tid": 11, "ts": 1021, "dur": 5}',
  mem(22, 50, { ...GPU, addr: '2', ta: 150, tr: 200 }),
  mem(40, -100, { ...GPU, addr: '1', ta: 50, tr: 200 }),
  mem(50, 30, { ...GPU, addr: '1', ta: 80, tr: 300 }), // the address reused
  mem(200, -10, { ...GPU, addr: '3', ta: 70, tr: 300 }), // allocated before the trace
  gpu(60),
]);

function rowsOf(m: TraceModel) {
  const mem = memoryAnalysis(m);
  const a = mem.allocations;
  return Array.from({ length: a.n }, (_, k) => ({
    device: mem.devices[a.device[k]!]!.device,
    size: a.size[k],
    at: a.allocAt[k],
    freed: Number.isNaN(a.freeAt[k]!) ? null : a.freeAt[k],
    addr: addrText(m, a.row[k]!),
  }));
}

afterEach(() => setWasmEvents(true));

describe('memory', () => {
  it('a GPU with totals: peaks, pairing by address, reuse, a free of memory from before the trace', async () => {
    const { model } = await loadText(gpuTrace);
    const mem = memoryAnalysis(model);
    expect(memorySummaryRows(mem)).toEqual([{ device: 'GPU 0', peakAllocatedBytes: 150, peakReservedBytes: 300, allocations: 3, unfreed: 2 }]);
    const d = mem.devices[0]!;
    expect([d.peakAllocatedAt, d.peakReservedAt, d.events]).toEqual([22, 50, 5]);
    expect(Array.from(d.curve.allocated)).toEqual([100, 150, 50, 80, 70]);
    expect(rowsOf(model)).toEqual([
      { device: 'GPU 0', size: 100, at: 2, freed: 40, addr: '1' },
      { device: 'GPU 0', size: 50, at: 22, freed: null, addr: '2' },
      { device: 'GPU 0', size: 30, at: 50, freed: null, addr: '1' },
    ]);
  });

  it('the allocating operator is the innermost enclosing cpu_op, past other slices; none outside ops', async () => {
    const { model } = await loadText(gpuTrace);
    const analysis = memoryAnalysis(model);
    const ops = runNow(allocationOperatorsWork(model, analysis.allocations));
    const names = Array.from(ops, (s) => (s < 0 ? null : model.strings[model.slices.name[s]!]));
    expect(names).toEqual(['aten::empty', 'aten::add', 'aten::zeros']);
    const outside = await loadText(trace([op('aten::mm', 0, 5), mem(10, 8, { ...GPU, addr: '4' })]));
    expect(Array.from(runNow(allocationOperatorsWork(outside.model, memoryAnalysis(outside.model).allocations)))).toEqual([-1]);
  });

  it('without totals: the running sum of Bytes from 0, no reserved curve; no Addr: allocations that cannot be unfreed', async () => {
    const cpu = { type: 0, id: -1 };
    const { model } = await loadText(trace([mem(0, 4, cpu), mem(1, 16, cpu), mem(2, -16, cpu), mem(3, -8, cpu)]));
    const mem0 = memoryAnalysis(model);
    expect(memorySummaryRows(mem0)).toEqual([{ device: 'CPU', peakAllocatedBytes: 20, peakReservedBytes: null, allocations: 2, unfreed: 0 }]);
    expect(Array.from(mem0.devices[0]!.curve.allocated)).toEqual([4, 20, 4, -4]);
    expect(rowsOf(model).map((r) => r.freed)).toEqual([null, null]);
  });

  it('a free before its allocation pairs with nothing; devices apart; ties in time keep file order', async () => {
    const { model } = await loadText(trace([
      mem(5, -64, { ...GPU, addr: '9', ta: 0 }),
      mem(6, 64, { ...GPU, addr: '9', ta: 64 }),
      mem(6, 64, { type: 1, id: 1, addr: '9', ta: 64 }), // another device, same address
      mem(7, -64, { type: 1, id: 1, addr: '9', ta: 0 }),
      mem(8, 32, { ...GPU, addr: '10', ta: 96 }),
      mem(8, -32, { ...GPU, addr: '10', ta: 64 }), // same time, after it in the file
    ]));
    expect(memorySummaryRows(memoryAnalysis(model))).toEqual([
      { device: 'GPU 0', peakAllocatedBytes: 96, peakReservedBytes: null, allocations: 2, unfreed: 1 },
      { device: 'GPU 1', peakAllocatedBytes: 64, peakReservedBytes: null, allocations: 1, unfreed: 0 },
    ]);
    // (times from the trace's first event, at 5)
    expect(rowsOf(model).map((r) => [r.device, r.at, r.freed])).toEqual([['GPU 0', 1, null], ['GPU 0', 3, 3], ['GPU 1', 1, 2]]);
  });

  it('addresses past 2^53 stay exact: neighbours do not pair; as numbers or strings of digits', async () => {
    const text = trace([
      mem(0, 8, { ...GPU, addr: '9007199254740993' }),
      mem(1, -8, { ...GPU, addr: '9007199254740992' }), // a double cannot tell these apart
      mem(2, 16, { ...GPU, addr: '"18446744073709551610"' }),
      mem(3, -16, { ...GPU, addr: '18446744073709551610' }),
    ]);
    for (const wasm of [true, false]) {
      setWasmEvents(wasm);
      const { model } = await loadText(text);
      expect(rowsOf(model).map((r) => [r.addr, r.freed])).toEqual([['9007199254740993', null], ['18446744073709551610', 3]]);
      expect(addrText(model, 1)).toBe('9007199254740992');
    }
  });

  it('odd args: missing Bytes, a non-numeric Addr, args before the name, no args, other keys around', async () => {
    const { model } = await loadText(trace([
      '{"ph": "i", "args": {"Device Type": 1, "Device Id": 0, "Addr": 5, "Bytes": 10, "Total Allocated": 10}, "name": "[memory]", "pid": 1, "tid": 1, "ts": 1}',
      '{"ph": "i", "name": "[memory]", "pid": 1, "tid": 1, "ts": 2, "args": {"Device Type": 1, "Device Id": 0, "Addr": "0x10", "Bytes": 4, "x": [1, {"Bytes": 99}]}}',
      '{"ph": "i", "name": "[memory]", "pid": 1, "tid": 1, "ts": 3}',
      '{"ph": "i", "name": "[memory]", "pid": 1, "tid": 1, "ts": 4, "args": {"Device Type": 1, "Device Id": 0, "Addr": 5, "Bytes": "-10"}}',
    ]));
    const f = model.fields.memory;
    expect(f.slice.length).toBe(4);
    expect(Array.from(f.bytes)).toEqual([10, 4, NaN, NaN]);
    expect([addrText(model, 0), addrText(model, 1), addrText(model, 2), addrText(model, 3)]).toEqual(['5', '', '', '5']);
    const mem = memoryAnalysis(model);
    expect(memorySummaryRows(mem)).toEqual([
      { device: 'GPU 0', peakAllocatedBytes: 14, peakReservedBytes: null, allocations: 2, unfreed: 1 },
      { device: 'unknown device', peakAllocatedBytes: 0, peakReservedBytes: null, allocations: 0, unfreed: 0 },
    ]);
  });

  it('the same fields through the JS scanner, in small chunks and from parse workers', async () => {
    const base = (await loadText(gpuTrace)).model;
    setWasmEvents(false);
    const js = (await loadText(gpuTrace)).model;
    setWasmEvents(true);
    const chunked = (await loadText(gpuTrace, 't.json', 7)).model;
    const bytes = new TextEncoder().encode(gpuTrace);
    const parallel = (await loadTrace(bytes, { name: 't', runners: inlineRunners(2), segmentBytes: 300 })).model;
    expect(parallel.summary.timing.workers).toBe(2);
    for (const m of [js, chunked, parallel]) expect(m.fields.memory).toEqual(base.fields.memory);
  });

  it('allocated and reserved counter tracks per device, in the GPU process for a GPU', async () => {
    const { model } = await loadText(gpuTrace);
    const names = model.counters.map((c) => c.name);
    expect(names).toEqual(['GPU 0 memory allocated (bytes)', 'GPU 0 memory reserved (bytes)']);
    const alloc = model.counters[0]!;
    expect(alloc.unit).toBe('bytes');
    expect(Array.from(alloc.values)).toEqual([100, 150, 50, 80, 70]);
    expect(Array.from(alloc.times)).toEqual([2, 22, 40, 50, 200]);
    const proc = model.processes[model.tracks[alloc.track]!.process]!;
    expect(proc.pid).toBe('0');
    expect(slicesNamed({ model } as never, 'k')).toHaveLength(1);
  });

  it('no [memory] events: no devices, no counters', async () => {
    const { model } = await loadText(trace([op('aten::mm', 0, 5)]));
    expect(memoryAnalysis(model).devices).toEqual([]);
    expect(model.counters).toEqual([]);
  });
});
