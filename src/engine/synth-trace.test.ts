import { describe, expect, it } from 'vitest';
import { synthExpected, synthKernelNames, synthTraceBytes, synthTraceChunks, type SynthOptions } from './synth-trace.ts';

type Ev = {
  ph: string;
  cat?: string;
  name: string;
  pid: number | string;
  tid: number | string;
  ts: number;
  dur?: number;
  id?: number;
  bp?: string;
  s?: string;
  args?: Record<string, unknown>;
};
type Trace = { traceEvents: Ev[]; [k: string]: unknown };

const dec = new TextDecoder();
const cache = new Map<string, { text: string; trace: Trace }>();
function load(opts: SynthOptions): { text: string; trace: Trace } {
  const key = JSON.stringify(opts);
  let v = cache.get(key);
  if (!v) {
    const text = dec.decode(synthTraceBytes(opts));
    v = { text, trace: JSON.parse(text) as Trace };
    cache.set(key, v);
  }
  return v;
}

/** Integer ns from a µs value with 3 decimals (exact for these magnitudes). */
const ns = (us: number) => Math.round(us * 1000);

/** Stack check over [start, end, name] slices of one thread: no partial overlaps. */
function nesting(list: [number, number, string][]): { violations: string[]; maxDepth: number; roots: string[] } {
  const sorted = [...list].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const stack: [number, number, string][] = [];
  const violations: string[] = [];
  const roots: string[] = [];
  let maxDepth = 0;
  for (const x of sorted) {
    while (stack.length && stack[stack.length - 1][1] <= x[0]) stack.pop();
    const top = stack[stack.length - 1];
    if (!top) roots.push(x[2]);
    else if (x[1] > top[1]) violations.push(`${x[2]} crosses ${top[2]}`);
    stack.push(x);
    maxDepth = Math.max(maxDepth, stack.length);
  }
  return { violations, maxDepth, roots };
}

const KERNEL_ARGS = [
  'External id',
  'queued',
  'device',
  'context',
  'stream',
  'correlation',
  'registers per thread',
  'shared memory',
  'blocks per SM',
  'warps per SM',
  'grid',
  'block',
  'est. achieved occupancy %',
];

describe('synthetic Kineto trace', () => {
  const opts = { events: 2000, seed: 1 };

  it('parses, has the exact reported event count and phases', () => {
    const { trace } = load(opts);
    const exp = synthExpected(opts);
    const evs = trace.traceEvents;
    expect(evs.length).toBe(2000);
    expect(exp.events).toBe(2000);
    const byPhase: Record<string, number> = {};
    for (const e of evs) byPhase[e.ph] = (byPhase[e.ph] ?? 0) + 1;
    expect(byPhase).toEqual(exp.byPhase);
    expect(evs.filter((e) => e.cat === 'kernel').length).toBe(exp.kernels);
    expect(evs.filter((e) => e.cat === 'gpu_memcpy').length).toBe(exp.memcpy);
    expect(evs.filter((e) => e.cat === 'gpu_memset').length).toBe(exp.memset);
    expect(evs.filter((e) => e.ph === 's').length).toBe(exp.flowsS);
    expect(evs.filter((e) => e.ph === 'f').length).toBe(exp.flowsF);
    expect(exp.kernels).toBeGreaterThan(100);
    expect(exp.memcpy + exp.memset).toBeGreaterThan(0);
  });

  it('is exact for other sizes and options', () => {
    for (const n of [100, 999, 5000, 12345]) expect(synthExpected({ events: n, seed: n }).events).toBe(n);
    const o = { events: 3000, seed: 7, threads: 3, streams: 3, devices: 2 };
    const { trace } = load(o);
    expect(trace.traceEvents.length).toBe(3000);
    expect(synthExpected(o).events).toBe(3000);
  });

  it('has the Kineto top level', () => {
    const { trace, text } = load(opts);
    expect(trace.schemaVersion).toBe(1);
    expect(trace.traceName).toBe('synthetic.pt.trace.json');
    expect(trace.displayTimeUnit).toBe('ms');
    expect(text).toContain('"baseTimeNanoseconds": 1700000000000000000');
    expect(trace.distributedInfo).toEqual({ backend: 'nccl', rank: 0, world_size: 1 });
    const dp = trace.deviceProperties as Record<string, unknown>[];
    expect(dp).toHaveLength(1);
    for (const k of [
      'id',
      'name',
      'totalGlobalMem',
      'computeMajor',
      'computeMinor',
      'maxThreadsPerBlock',
      'maxThreadsPerMultiprocessor',
      'regsPerBlock',
      'warpSize',
      'sharedMemPerBlock',
      'numSms',
    ]) {
      expect(dp[0]).toHaveProperty(k);
    }
    expect(dp[0].numSms).toBe(108);
  });

  it('kernels carry the real argument set', () => {
    const { trace } = load(opts);
    const ks = trace.traceEvents.filter((e) => e.cat === 'kernel');
    for (const k of ks) {
      expect(k.ph).toBe('X');
      expect(KERNEL_ARGS.filter((a) => !(a in k.args!))).toEqual([]);
      expect(k.args!.stream).toBe(k.tid);
      expect(k.args!.device).toBe(k.pid);
      expect((k.args!.grid as number[]).length).toBe(3);
      expect((k.args!.block as number[]).length).toBe(3);
      expect(k.name.length).toBeGreaterThanOrEqual(100);
      expect(k.name.length).toBeLessThanOrEqual(800);
    }
    for (const m of trace.traceEvents.filter((e) => e.cat === 'gpu_memcpy' || e.cat === 'gpu_memset')) {
      expect(m.args).toHaveProperty(['bytes']);
      expect(m.args).toHaveProperty(['memory bandwidth (GB/s)']);
    }
    const pool = synthKernelNames();
    expect(pool.length).toBeGreaterThan(180);
    expect(pool.every((n) => n.length >= 100 && n.length <= 800)).toBe(true);
  });

  it('every ac2g s has a matching f (and back), bound to launch and GPU activity', () => {
    const { trace } = load(opts);
    const evs = trace.traceEvents;
    const s = new Map<number, Ev>();
    const f = new Map<number, Ev>();
    for (const e of evs) {
      if (e.ph === 's') s.set(e.id!, e);
      else if (e.ph === 'f') f.set(e.id!, e);
    }
    // ids are unique per end
    expect(s.size).toBe(evs.filter((e) => e.ph === 's').length);
    expect(f.size).toBe(evs.filter((e) => e.ph === 'f').length);
    expect([...f.values()].every((e) => e.bp === 'e' && e.cat === 'ac2g' && e.name === 'ac2g')).toBe(true);
    expect(s.size).toBeGreaterThan(0);
    expect([...s.keys()].sort()).toEqual([...f.keys()].sort());
    const launch = new Map<unknown, Ev>();
    const gpu = new Map<unknown, Ev>();
    for (const e of evs) {
      if (e.cat === 'cuda_runtime') launch.set(e.args!.correlation, e);
      if (e.cat === 'kernel' || e.cat === 'gpu_memcpy' || e.cat === 'gpu_memset') gpu.set(e.args!.correlation, e);
    }
    for (const [id, se] of s) {
      const l = launch.get(id)!;
      const g = gpu.get(id)!;
      const fe = f.get(id)!;
      expect(se.cat).toBe('ac2g');
      expect([se.pid, se.tid, ns(se.ts)]).toEqual([l.pid, l.tid, ns(l.ts)]);
      expect([fe.pid, fe.tid, ns(fe.ts)]).toEqual([g.pid, g.tid, ns(g.ts)]);
      expect(g.args!['External id']).toBe(l.args!['External id']);
      expect(ns(g.ts)).toBeGreaterThan(ns(l.ts));
    }
  });

  it('X events on each CPU thread nest properly, 3-6 deep under ProfilerStep', () => {
    const { trace } = load(opts);
    const cpuPid = trace.traceEvents.find((e) => e.cat === 'cpu_op')!.pid;
    const byThread = new Map<unknown, [number, number, string][]>();
    for (const e of trace.traceEvents) {
      if (e.ph !== 'X' || e.pid !== cpuPid) continue;
      let l = byThread.get(e.tid);
      if (!l) byThread.set(e.tid, (l = []));
      l.push([ns(e.ts), ns(e.ts) + ns(e.dur!), e.name]);
    }
    expect(byThread.size).toBe(2);
    for (const list of byThread.values()) {
      const { violations, maxDepth, roots } = nesting(list);
      expect(violations).toEqual([]);
      expect(roots.every((n) => /^ProfilerStep#\d+$/.test(n))).toBe(true);
      expect(maxDepth).toBeGreaterThanOrEqual(4);
      expect(maxDepth).toBeLessThanOrEqual(8);
    }
  });

  it('with variety: B/E, async, counters and python frames seen once, exactly counted, and long gaps', () => {
    const v = { events: 6000, seed: 2, variety: true, roundGapNs: 100_000_000 };
    const { trace } = load(v);
    const evs = trace.traceEvents;
    expect(evs.length).toBe(6000);
    const byPhase: Record<string, number> = {};
    for (const e of evs) byPhase[e.ph] = (byPhase[e.ph] ?? 0) + 1;
    expect(byPhase).toEqual(synthExpected(v).byPhase);
    for (const ph of ['B', 'E', 'b', 'e', 'C']) expect(byPhase[ph]).toBeGreaterThan(3);
    expect(byPhase.B).toBe(byPhase.E);
    expect(byPhase.b).toBe(byPhase.e);
    const py = evs.filter((e) => e.cat === 'python_function');
    expect(py.length).toBeGreaterThan(byPhase.B! * 100);
    expect(new Set(py.map((e) => e.name)).size).toBe(py.length);
    const r = nesting(py.map((e) => [ns(e.ts), ns(e.ts) + ns(e.dur!), e.name]));
    expect(r.violations).toEqual([]);
    expect(r.maxDepth).toBe(3);
    // rounds at least 100 ms apart: the B/E pairs span over (rounds - 1) × 100 ms
    const bs = evs.filter((e) => e.ph === 'B').map((e) => e.ts);
    expect(Math.max(...bs) - Math.min(...bs)).toBeGreaterThan((bs.length - 1) * 100_000);
    // without it, none of these
    const plain = load({ events: 6000, seed: 2 }).trace.traceEvents;
    expect(plain.filter((e) => ['B', 'E', 'b', 'e', 'C'].includes(e.ph) || e.cat === 'python_function')).toEqual([]);
  });

  it('the nesting check itself catches partial overlaps', () => {
    expect(nesting([[0, 10, 'a'], [2, 5, 'b'], [5, 5, 'z'], [5, 9, 'c']]).violations).toEqual([]);
    expect(nesting([[0, 10, 'a'], [2, 5, 'b'], [4, 9, 'c']]).violations).toEqual(['c crosses b']);
  });

  it('GPU streams: mostly sequential, a few intended overlaps', () => {
    const { trace } = load({ events: 40000, seed: 3 });
    let n = 0;
    let ov = 0;
    const byStream = new Map<string, [number, number][]>();
    for (const e of trace.traceEvents) {
      if (e.cat !== 'kernel' && e.cat !== 'gpu_memcpy' && e.cat !== 'gpu_memset') continue;
      const k = `${e.pid}/${e.tid}`;
      let l = byStream.get(k);
      if (!l) byStream.set(k, (l = []));
      l.push([ns(e.ts), ns(e.ts) + ns(e.dur!)]);
    }
    const bad: string[] = [];
    for (const l of byStream.values()) {
      l.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < l.length; i++) {
        n++;
        if (l[i][0] >= l[i - 1][1]) continue;
        ov++;
        // partial overlap with one neighbour only, never nested
        if (l[i][1] <= l[i - 1][1]) bad.push(`nested at ${i}`);
        if (i > 1 && l[i][0] < l[i - 2][1]) bad.push(`triple at ${i}`);
      }
    }
    expect(bad).toEqual([]);
    expect(ov).toBeGreaterThan(0);
    expect(ov / n).toBeLessThan(0.03);
  });

  it('has the metadata, annotations, memory and pseudo events', () => {
    const { trace } = load({ events: 3000, seed: 7, threads: 3, streams: 3, devices: 2 });
    const evs = trace.traceEvents;
    const m = evs.filter((e) => e.ph === 'M');
    const firstM = evs.findIndex((e) => e.ph === 'M');
    expect(evs.slice(firstM).filter((e) => e.ph === 'X').map((e) => e.cat)).toEqual(['Trace']);
    expect(m.filter((e) => e.name === 'process_labels').map((e) => e.args!.labels)).toEqual(['CPU', 'GPU 0', 'GPU 1']);
    expect(
      m.filter((e) => e.name === 'process_sort_index' && (e.pid === 0 || e.pid === 1)).map((e) => e.args!.sort_index),
    ).toEqual([16777216, 16777217]);
    const streams = m.filter((e) => e.name === 'thread_name' && e.pid === 1).map((e) => e.args!.name);
    expect(streams).toEqual(['stream 7 ', 'stream 20 ', 'stream 24 ']);
    const threads = m.filter((e) => e.name === 'thread_name' && typeof e.pid === 'number' && e.pid > 1);
    expect(threads).toHaveLength(3);
    for (const t of threads) expect(t.args!.name).toBe(`thread ${t.tid} (python)`);
    expect(m.filter((e) => e.name === 'thread_sort_index')).toHaveLength(3 + 2 * 3);

    const tr = evs.filter((e) => e.cat === 'Trace');
    expect(tr).toHaveLength(1);
    expect(tr[0]).toMatchObject({ ph: 'X', name: 'PyTorch Profiler (0)', pid: 'Spans', tid: 'PyTorch Profiler' });

    expect(evs.filter((e) => e.cat === 'gpu_user_annotation').length).toBeGreaterThan(0);
    expect(evs.filter((e) => e.cat === 'user_annotation' && /^ProfilerStep#\d+$/.test(e.name)).length).toBeGreaterThan(2);

    const mem = evs.filter((e) => e.name === '[memory]');
    expect(mem.length).toBeGreaterThan(10);
    for (const e of mem) {
      expect(e).toMatchObject({ ph: 'i', s: 't', cat: 'cpu_instant_event' });
      for (const a of ['Device Type', 'Device Id', 'Addr', 'Bytes', 'Total Allocated', 'Total Reserved']) {
        expect(e.args).toHaveProperty([a]);
      }
    }
    expect(mem.some((e) => (e.args!.Bytes as number) < 0)).toBe(true);
    expect(mem.some((e) => (e.args!.Bytes as number) > 0)).toBe(true);
  });

  it('writes every ts and dur with exactly 3 decimals', () => {
    const { text, trace } = load(opts);
    const ts = text.match(/"ts": [^,\n}]*/g)!;
    expect(ts.length).toBe(trace.traceEvents.length);
    for (const t of ts) expect(t).toMatch(/^"ts": 1700\d{9}\.\d{3}$/);
    const durs = text.match(/"dur": [^,\n}]*/g)!;
    expect(durs.length).toBe(trace.traceEvents.filter((e) => e.ph === 'X').length);
    for (const d of durs) expect(d).toMatch(/^"dur": \d+\.\d{3}$/);
  });

  it('is deterministic for a seed and streams in ~1 MiB chunks', () => {
    const a = synthTraceBytes({ events: 1500, seed: 42 });
    const b = synthTraceBytes({ events: 1500, seed: 42 });
    const c = synthTraceBytes({ events: 1500, seed: 43 });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);

    const o = { events: 12000, seed: 5 };
    const gen = synthTraceChunks(o);
    const chunks: Uint8Array[] = [];
    let r = gen.next();
    while (!r.done) {
      chunks.push(r.value);
      r = gen.next();
    }
    expect(r.value).toEqual(synthExpected(o));
    expect(chunks.length).toBeGreaterThan(2);
    for (const ch of chunks.slice(0, -1)) {
      expect(ch.length).toBeGreaterThanOrEqual(1 << 20);
      expect(ch.length).toBeLessThan((1 << 20) + 64 * 1024);
    }
    expect(Buffer.concat(chunks).equals(Buffer.from(synthTraceBytes(o)))).toBe(true);
    const perEvent = Buffer.concat(chunks).length / o.events;
    expect(perEvent).toBeGreaterThan(250);
    expect(perEvent).toBeLessThan(350);
  });
});
