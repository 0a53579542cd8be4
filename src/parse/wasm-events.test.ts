// The WebAssembly event reader against the JS scanner: every real trace, a synthetic Kineto
// trace and thousands of mutated ones are parsed both ways, and every field of every event,
// the string table and the loaded model must be the same.

import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Collector } from '../model/collector.ts';
import { loadTrace } from '../engine/load.ts';
import { mulberry32, synthTraceBytes } from '../engine/synth-trace.ts';
import { TRACES_DIR } from '../testing/traces-dir.ts';
import { Scanner, type EventFields } from './scanner.ts';
import { StreamParser, type EventSink, type ParseOutcome } from './stream-parser.ts';
import { StringTable } from './string-table.ts';
import { setWasmRuns, setWasmEvents, WasmEvents } from './wasm-events.ts';
import { Grow } from '../lib/grow.ts';
import { EVENT_SCANNER_WASM } from './wasm/event-scanner-wasm.ts';

const FIELDS = [
  'start', 'ph', 'phState', 'name', 'nameState', 'cat', 'pid', 'pidState', 'tid', 'tidState', 'ts', 'tsState',
  'tsAbs', 'dur', 'durState', 'id', 'idNum', 'id2', 'bp', 'scope', 'bindId', 'flowIn', 'flowOut', 'argsStart',
  'argsEnd', 'correlation', 'hasKernel', 'gridX', 'gridY', 'gridZ', 'blockX', 'blockY', 'blockZ', 'registers',
  'sharedMemory', 'blocksPerSm', 'warpsPerSm', 'occupancy', 'device', 'stream',
] as const;

/** Every field of every event (args bounds as absolute offsets), handed on to a real collector. */
class Recorder implements EventSink {
  readonly rows: unknown[][] = [];
  wasmReads = 0;
  constructor(readonly inner: Collector) {}
  argsWanted(cat: number): boolean {
    return this.inner.argsWanted(cat);
  }
  event(f: EventFields, sc: Scanner, index: number): void {
    const row: unknown[] = [index];
    for (const k of FIELDS) row.push(f[k]);
    // window-relative bounds: compare where they point in the stream
    if (f.argsStart >= 0) row.push(sc.base + f.argsStart, sc.base + f.argsEnd);
    this.rows.push(row);
    this.inner.event(f, sc, index);
  }
  metadata(key: string, value: unknown): void {
    this.inner.metadata(key, value);
  }
}

/** Feeds `bytes` in chunks of the sizes given, in turn, and finishes. */
function feedAll(p: StreamParser, bytes: Uint8Array, chunks: number[]): ParseOutcome {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = chunks[i % chunks.length]!;
    p.feed(bytes.subarray(at, at + n));
    at += n;
  }
  return p.finish();
}

function parse(bytes: Uint8Array, chunks: number[], wasm: boolean): { rec: Recorder; strings: string[]; outcome: ParseOutcome } {
  setWasmEvents(wasm);
  try {
    const strings = new StringTable();
    const rec = new Recorder(new Collector(strings));
    const outcome = feedAll(new StreamParser(rec, strings), bytes, chunks);
    return { rec, strings: strings.strings, outcome };
  } finally {
    setWasmEvents(true);
  }
}

/** A collector parsed with the module appending runs of events (no Recorder in the way). */
function parseInRuns(bytes: Uint8Array, chunks: number[]): { collector: Collector; strings: string[]; outcome: ParseOutcome } {
  const strings = new StringTable();
  const collector = new Collector(strings);
  const outcome = feedAll(new StreamParser(collector, strings), bytes, chunks);
  return { collector, strings: strings.strings, outcome };
}

/**
 * The first place where two collectors' contents differ (Object.is on every number: NaN
 * equals NaN, -0 differs from 0), as a path; null when they are the same. Every column,
 * map, set, count and warning is compared; the category cache is not (it is a cache).
 */
function collectorDiff(a: unknown, b: unknown, path = 'collector'): string | null {
  if (a instanceof Grow && b instanceof Grow) return collectorDiff(a.view(), b.view(), path);
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) return collectorDiff(Array.from(a as Float64Array), Array.from(b as Float64Array), path);
  if (a instanceof Map && b instanceof Map) return collectorDiff([...a.entries()], [...b.entries()], path);
  if (a instanceof Set && b instanceof Set) return collectorDiff([...a], [...b], path);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length: ${a.length} against ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = collectorDiff(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    if (a instanceof StringTable) return null; // compared as the strings
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (k === 'catClassCache' || k === 'nameGroupCache' || k === 'fieldScratch') continue;
      const d = collectorDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : `${path}: ${String(a)} against ${String(b)}`;
}

/** The first event whose fields differ (Object.is: NaN equals NaN, -0 differs from 0), or -1. */
function firstDiff(a: unknown[][], b: unknown[][]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i], y = b[i];
    if (!x || !y || x.length !== y.length || !x.every((v, k) => Object.is(v, y[k]))) return i;
  }
  return -1;
}

let lastWasmShare = 0;

/**
 * Where the WebAssembly reader and the JS scanner part ways on these bytes, or null; the share
 * of the events the module read itself is left in lastWasmShare.
 */
function difference(bytes: Uint8Array, chunks: number[]): null | Record<string, unknown> {
  const js = parse(bytes, chunks, false);
  const wa = parse(bytes, chunks, true);
  lastWasmShare = wa.outcome.wasmEvents / Math.max(1, wa.outcome.events);
  const at = firstDiff(js.rec.rows, wa.rec.rows);
  if (at >= 0) return { event: at, js: js.rec.rows[at], wasm: wa.rec.rows[at] };
  if (JSON.stringify(wa.strings) !== JSON.stringify(js.strings)) return { strings: { js: js.strings, wasm: wa.strings } };
  if (JSON.stringify({ ...wa.outcome, wasmEvents: 0, wasmCollected: 0 }) !== JSON.stringify(js.outcome)) return { outcome: { js: js.outcome, wasm: wa.outcome } };
  // The same bytes again, with runs of slices collected in the module: the same collector.
  const inRuns = parseInRuns(bytes, chunks);
  const o = inRuns.outcome;
  if (!(o.wasmCollected <= o.wasmEvents && o.wasmEvents <= o.events)) return { counts: o };
  lastRunShare = inRuns.outcome.wasmCollected / Math.max(1, inRuns.outcome.events);
  const where = collectorDiff(js.rec.inner, inRuns.collector);
  if (where) return { inRuns: where };
  if (JSON.stringify(inRuns.strings) !== JSON.stringify(js.strings)) return { inRunsStrings: { js: js.strings, wasm: inRuns.strings } };
  if (JSON.stringify({ ...inRuns.outcome, wasmEvents: 0, wasmCollected: 0 }) !== JSON.stringify(js.outcome)) return { inRunsOutcome: { js: js.outcome, wasm: inRuns.outcome } };
  return null;
}

let lastRunShare = 0;

const files = readdirSync(TRACES_DIR).filter((f) => f !== 'SOURCES.md').sort();

function traceBytes(file: string): Uint8Array {
  const raw = readFileSync(TRACES_DIR + file);
  return new Uint8Array(raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw);
}

afterEach(() => setWasmEvents(true));

describe('the WebAssembly event reader', () => {
  it('is what its source compiles to', () => {
    // scripts/build-wasm.mjs --check compiles event-scanner.as.ts and compares
    expect(() => execFileSync('node', ['scripts/build-wasm.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
    expect(EVENT_SCANNER_WASM.length).toBeGreaterThan(1000);
  }, 60_000);

  it('is available in Node, and reads most events of a Kineto trace itself', () => {
    const strings = new StringTable();
    expect(WasmEvents.create(strings, new Collector(strings))).not.toBeNull();
    const bytes = synthTraceBytes({ events: 3000, seed: 3 });
    const { rec, outcome } = parse(bytes, [1 << 16], true);
    expect(rec.rows.length).toBe(3000);
    // all but the first timestamped event, the metadata events cut by a chunk's end, and so on
    expect(outcome.wasmEvents).toBeGreaterThan(0.95 * 3000);
    expect(parse(bytes, [1 << 16], false).outcome.wasmEvents).toBe(0);
    // a collector takes runs of slices and flows from it, unless that is turned off
    expect(parseInRuns(bytes, [1 << 16]).outcome.wasmCollected).toBeGreaterThan(0.95 * 3000);
    setWasmRuns(false);
    try {
      const o = parseInRuns(bytes, [1 << 16]).outcome;
      expect([o.wasmCollected, o.wasmEvents]).toEqual([0, outcome.wasmEvents]);
    } finally {
      setWasmRuns(true);
    }
  });

  it("hashes a pid's digits as it hashes a string of the same bytes: one cache entry, one call to the JS table", () => {
    const seen: string[] = [];
    const original = StringTable.prototype.internRaw;
    StringTable.prototype.internRaw = function (buf: Uint8Array, start: number, end: number, hash: number, escaped: boolean) {
      seen.push(new TextDecoder().decode(buf.subarray(start, end)));
      return original.call(this, buf, start, end, hash, escaped);
    };
    try {
      const text = '{"traceEvents":[{"ph":"X","ts":1},{"ph":"X","name":"123456789012","ts":2},{"ph":"X","pid":123456789012,"ts":3}]}';
      const { outcome, strings } = parse(new TextEncoder().encode(text), [1 << 16], true);
      expect(outcome.wasmEvents).toBe(2);
      expect(strings).toContain('123456789012');
      expect(seen.filter((t) => t === '123456789012')).toHaveLength(1);
    } finally {
      StringTable.prototype.internRaw = original;
    }
  });

  it('refuses a window past 2 GiB (its size would wrap in 32 bits) instead of allocating it', () => {
    const strings = new StringTable();
    const w = WasmEvents.create(strings, new Collector(strings))!;
    expect(() => w.ensureWindow(2 ** 31 + 1, 0)).toThrow(RangeError);
    expect(w.ensureWindow(1 << 20, 0).length).toBeGreaterThan(1 << 20);
  });

  it('when its memory cannot grow, the parser reads on with the JS scanner and loses nothing', () => {
    const bytes = synthTraceBytes({ events: 3000, seed: 4 });
    const original = WasmEvents.prototype.ensureWindow;
    WasmEvents.prototype.ensureWindow = function (n: number, keep: number) {
      if (n > 200_000) throw new WebAssembly.RuntimeError('unreachable'); // what a failed memory.grow gives
      return original.call(this, n, keep);
    };
    try {
      const js = parse(bytes, [50_000, 300_000], false);
      const wa = parse(bytes, [50_000, 300_000], true);
      expect(wa.outcome.wasmEvents).toBeGreaterThan(0);
      expect(wa.outcome.wasmEvents).toBeLessThan(0.5 * 3000);
      expect(firstDiff(js.rec.rows, wa.rec.rows)).toBe(-1);
      expect(wa.rec.rows.length).toBe(3000);
      expect({ ...wa.outcome, wasmEvents: 0, wasmCollected: 0 }).toEqual(js.outcome);
    } finally {
      WasmEvents.prototype.ensureWindow = original;
    }
  });

  for (const file of files) {
    it(`${file}: the same events, strings and outcome as the JS scanner`, () => {
      const bytes = traceBytes(file);
      expect(difference(bytes, [1 << 16])).toBeNull();
      // the module reads nearly all events of any real file of size (a module that declined
      // everything would pass the comparison)
      expect(bytes.length < 300_000 || lastWasmShare > 0.98).toBe(true);
      // and appends nearly all events of a Kineto file itself, in runs
      expect(!/^(kineto|param)__/.test(file) || bytes.length < 1e6 || lastRunShare > 0.99).toBe(true);
      // small, uneven chunks: events cut everywhere
      expect(difference(bytes.subarray(0, Math.min(bytes.length, 400_000)), [97, 1000, 13, 4096, 1])).toBeNull();
    });
  }

  it('a synthetic Kineto trace: the same loaded model with and without it', async () => {
    const bytes = synthTraceBytes({ events: 20_000, seed: 11, devices: 2 });
    expect(difference(bytes, [1 << 16, 333, 70_001])).toBeNull();
    setWasmEvents(false);
    const js = await loadTrace(bytes, { name: 'x' });
    setWasmEvents(true);
    const wa = await loadTrace(bytes, { name: 'x' });
    const { timing: _t1, loadMs: _l1, ...jsSummary } = js.model.summary;
    const { timing: _t2, loadMs: _l2, ...waSummary } = wa.model.summary;
    expect(waSummary).toEqual(jsSummary);
    expect(wa.model.strings).toEqual(js.model.strings);
    const { summary: _s1, ...jsRest } = js.model;
    const { summary: _s2, ...waRest } = wa.model;
    expect(waRest).toEqual(jsRest); // every column, track, flow, kernel and counter
    expect(wa.offsets).toEqual(js.offsets);
  });

  it('args full of brackets inside strings, escapes and nesting, at every offset of a 16-byte block', () => {
    const rand = mulberry32(7);
    const pieces = ['"a{b"', '"]]"', '"}"', '"[{"', '"\\"', '"x\\"y"', '[]', '{}', '[[1,[2]],{"k":[3]}]', '{"a":{"b":"}"}}', '"é{"', '12', 'true', 'null'];
    const events: string[] = [];
    for (let i = 0; i < 600; i++) {
      const pad = ' '.repeat(i % 17);
      const vals: string[] = [];
      for (let k = 0; k < 1 + (i % 5); k++) vals.push(`"k${k}":${pad}${pieces[Math.floor(rand() * pieces.length)]}`);
      events.push(`{"ph":"X","cat":"${i % 3 ? 'cpu_op' : 'kernel'}","name":"n${i % 7}","pid":1,"tid":${i % 3},"ts":${1000 + i}.5,"dur":1,"args":{${vals.join(',')}}}`);
    }
    const bytes = new TextEncoder().encode(`{"traceEvents":[${events.join(',\n')}]}`);
    expect(difference(bytes, [1 << 16])).toBeNull();
    expect(difference(bytes, [41, 7, 300])).toBeNull();
  });

  it('valid but unusual events (key order, duplicates, whitespace, odd numbers and ids): the same as the JS scanner', () => {
    const rand = mulberry32(99);
    const pick = <T,>(a: T[]): T => a[Math.floor(rand() * a.length)]!;
    const ws = (): string => pick(['', '', ' ', '\n', ' \t ', '\r\n  ']);
    const num = (): string => pick(['0', '-0', '7', '12.5', '-3.25', '0.000001', '123456789012345678', '9007199254740991', '9007199254740992', '1e3', '5E-1', String(Math.floor(rand() * 1e6)), String(rand() * 1e4)]);
    const ts = (): string => pick(['1000', '1000.5', '-1.5', '-0', '1700000000000000.125', '1700000000000000.123456789', '1700000000000000.1234567891', '1000.123456789000', '12345678901234567', String(1000 + rand() * 1000)]);
    const id = (): string => pick(['1', '7', '"7"', '0', '"07"', '"x"', '1099511627775', '1099511627776', '"123456789012"', '""', '12.0', `"${Math.floor(rand() * 5)}"`]);
    const name = (): string => pick(['a', '', 'abcdefgh', 'abcdefghi', 'a_kernel_name_long_enough_for_several_words', 'é', '日本語', 'x}y]z{', 'kernel', '[memory]', '[memory]']);
    // uint64 fields (Addr): exact past 2^53, quoted digits, too long, not integers
    const u64 = (): string => pick(['0', '140245817360384', '18446744073709551615', '18446744073709551614', '9007199254740993', '1234567890123456789', '12345678901234567890', '123456789012345678901', '"140245817360384"', '"x"', '12.5', '-1', '1e3', '00012']);
    const value = (d = 0): string => {
      const r = rand();
      if (d > 2 || r < 0.4) return pick([num(), `"${name()}"`, 'true', 'false', 'null']);
      if (r < 0.7) return `[${Array.from({ length: Math.floor(rand() * 4) }, () => ws() + value(d + 1) + ws()).join(',')}]`;
      return `{${Array.from({ length: Math.floor(rand() * 4) }, () => `${ws()}"${name()}"${ws()}:${ws()}${value(d + 1)}`).join(',')}}`;
    };
    const argKeys = ['correlation', 'grid', 'block', 'registers per thread', 'shared memory', 'blocks per SM', 'warps per SM', 'est. achieved occupancy %', 'device', 'stream', 'External id',
      'Bytes', 'Total Allocated', 'Total Reserved', 'Addr', 'Addr', 'Device Type', 'Device Id', 'Device\\u0020Id'];
    const args = (): string => `{${Array.from({ length: Math.floor(rand() * 7) }, () => {
      const k = pick(argKeys);
      const v = k === 'grid' || k === 'block' ? `[${Array.from({ length: Math.floor(rand() * 5) }, () => (rand() < 0.8 ? num() : value(2))).join(',')}]` : k === 'Addr' && rand() < 0.7 ? u64() : rand() < 0.8 ? num() : value();
      return `${ws()}"${k}"${ws()}:${ws()}${v}`;
    }).join(',')}${ws()}}`;
    const event = (): string => {
      const f: string[] = [];
      const add = (k: string, v: string): number => f.push(`${ws()}"${k}"${ws()}:${ws()}${v}${ws()}`);
      if (rand() < 0.95) add('ph', `"${pick(['X', 'X', 'X', 'i', 'I', 'R', 'M', 'C', 'f', 's', 't', 'B', 'E', '', 'XY'])}"`);
      if (rand() < 0.9) add('cat', `"${pick(['kernel', 'cpu_op', 'cuda_runtime', 'gpu_memcpy', 'ac2g', 'other'])}"`);
      if (rand() < 0.9) add('name', `"${name()}"`);
      if (rand() < 0.9) add('pid', id());
      if (rand() < 0.9) add('tid', id());
      if (rand() < 0.9) add('ts', ts());
      if (rand() < 0.7) add('dur', num());
      if (rand() < 0.2) add('id', id());
      if (rand() < 0.1) add('bp', `"${pick(['e', '', 'ee'])}"`);
      if (rand() < 0.1) add('s', `"${pick(['g', 'p', ''])}"`);
      if (rand() < 0.7) add('args', args());
      if (rand() < 0.2) add('extra', value());
      for (let i = 0; i < 2; i++) if (rand() < 0.15 && f.length > 0) f.push(pick(f)); // duplicate keys
      for (let i = f.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [f[i], f[j]] = [f[j]!, f[i]!];
      }
      return `{${f.join(',')}${ws()}}`;
    };
    let read = 0, total = 0;
    for (let round = 0; round < 150; round++) {
      const events = [`{"ph":"X","ts":${ts()}}`, ...Array.from({ length: 60 }, event)];
      const bytes = new TextEncoder().encode(`{"traceEvents":[${events.join(`,${ws()}`)}]}`);
      const diff = difference(bytes, rand() < 0.5 ? [1 << 20] : [1 + Math.floor(rand() * 300), 1 + Math.floor(rand() * 3000)]);
      expect(diff && { round, ...diff }).toBeNull();
      read += lastWasmShare * events.length;
      total += events.length;
    }
    expect(read / total).toBeGreaterThan(0.2); // the module read a good part of them itself
  });

  it('[memory] fields: the module reads plain ones itself, exactly (uint64 addresses past 2^53), and hands the others to JS', () => {
    const addrs = ['1', '140245817360385', '9007199254740993', '18446744073709551614', '12345678901234567890', '1234567890123456789', '4294967295', '4294967296'];
    const odd = ['"140245817360385"', '18446744073709551616', '1.5', 'null'];
    const ev = (k: number, addr: string): string =>
      `{"ph":"i","cat":"cpu_instant_event","s":"t","name":"[memory]","pid":1,"tid":2,"ts":${1000 + k},"args":{"Total Reserved": ${k * 4096}, "Device Id": ${k % 3}, "Addr": ${addr}, "Bytes": ${k % 2 ? -512 : 512}, "Total Allocated": ${k * 512.5}, "Device Type": 1, "Ev Idx": ${k}}}`;
    const events = [...addrs.map((a, k) => ev(k, a)), ...odd.map((a, k) => ev(addrs.length + k, a)), '{"ph":"i","name":"[memory]","pid":1,"tid":2,"ts":5000}'];
    const bytes = new TextEncoder().encode(`{"traceEvents":[{"ph":"X","ts":1},${events.join(',')}]}`);
    const original = Scanner.prototype.readListedArgs;
    let jsReads = 0;
    Scanner.prototype.readListedArgs = function (...a: Parameters<Scanner['readListedArgs']>) {
      jsReads++;
      return original.apply(this, a);
    };
    let inRuns: ReturnType<typeof parseInRuns>;
    try {
      inRuns = parseInRuns(bytes, [1 << 16]);
    } finally {
      Scanner.prototype.readListedArgs = original;
    }
    expect(inRuns.outcome.wasmCollected).toBe(events.length); // (the first event, which sets the time base, is read in JS)
    expect(jsReads).toBe(odd.length); // the rest the module read
    expect(difference(bytes, [1 << 16])).toBeNull();
    expect(difference(bytes, [37, 90])).toBeNull();
    // and the values, from the test's own reading of the text
    const d = inRuns.collector.fieldDrafts[0]!;
    const col = (k: number): number[] => Array.from(d.cols[k]!.view());
    const hi = col(3), lo = col(4);
    addrs.forEach((a, k) => expect(BigInt(hi[k]!) * 4294967296n + BigInt(lo[k]!)).toBe(BigInt(a)));
    expect([hi[addrs.length], lo[addrs.length]]).toEqual([32653, 2250244097]); // "140245817360385", quoted: read by JS, the same
    expect(col(1).slice(0, addrs.length)).toEqual(addrs.map((_, k) => k * 512.5));
    expect(col(0).slice(0, 3)).toEqual([512, -512, 512]);
    expect(col(5).at(-1)).toBeNaN(); // the last event has no args
  });

  it('flows of more than 8192 (cat, name) pairs with numeric ids: the same strings, in the same order', () => {
    // Past 8192 pairs the collector interns a numeric flow id as a string: a run must not
    // take such flows, or that string would come after the strings of the events after it.
    const events = ['{"ph":"X","name":"first","pid":1,"tid":1,"ts":1,"dur":1}'];
    for (let i = 0; i < 8300; i++) events.push(`{"ph":"${i % 2 ? 'f' : 's'}","cat":"c","name":"f${i >> 1}x${i % 5000}","pid":1,"tid":1,"ts":${2 + i},"id":${900000 + i}}`);
    events.push('{"ph":"X","name":"after","pid":1,"tid":2,"ts":99999,"dur":1}');
    const bytes = new TextEncoder().encode(`{"traceEvents":[${events.join(',\n')}]}`);
    expect(difference(bytes, [1 << 16])).toBeNull();
    expect(difference(bytes, [4099, 777])).toBeNull();
    expect(lastRunShare).toBeGreaterThan(0.4); // the runs took those below the limit
  });

  it('3000 threads (past what the module caches) and categories past id 65536: the same collector', () => {
    const names = Array.from({ length: 66_000 }, (_, i) => `{"ph":"i","name":"n${i}","pid":9,"tid":9,"ts":${i}}`);
    const events = [...names];
    for (let i = 0; i < 9000; i++) {
      events.push(`{"ph":"X","cat":"${i % 3 ? `c${i % 7}` : 'kernel'}","name":"k","pid":${i % 11},"tid":${i % 3000},"ts":${70_000 + i},"dur":2,"args":{"correlation":${i},"grid":[${i % 4},1,1]}}`);
    }
    const bytes = new TextEncoder().encode(`[${events.join(',')}]`);
    expect(difference(bytes, [1 << 16, 5000])).toBeNull();
    expect(lastRunShare).toBeGreaterThan(0.99);
  });

  it('a kernel without device or stream does not take them from the event before it', async () => {
    const text = `{"traceEvents":[
      {"ph":"X","cat":"gpu_memcpy","name":"m","pid":0,"tid":7,"ts":1,"dur":1,"args":{"device":3,"stream":7}},
      {"ph":"X","cat":"kernel","name":"k","pid":0,"tid":7,"ts":3,"dur":1,"args":{"grid":[2,1,1]}}]}`;
    for (const on of [false, true]) {
      setWasmEvents(on);
      const { model } = await loadTrace(new TextEncoder().encode(text), { name: 'x' });
      expect(model.kernels.slice).toHaveLength(1);
      expect([model.kernels.gridX[0], model.kernels.device[0], model.kernels.stream[0]]).toEqual([2, NaN, NaN]);
    }
  });

  it('mutated traces (escapes, exponents, odd types, NULs, cuts): the same events as the JS scanner', () => {
    const base = new TextDecoder().decode(synthTraceBytes({ events: 400, seed: 5 }));
    const rand = mulberry32(42);
    const edits = [
      '\\"', '\\u00e9', '1e3', '-0', '0.0000000001', '12345678901234567890', '9007199254740993', '123456789012345678',
      '1099511627776', '-1700000000000.5', '0.1234567891', '00', '"1e3"', '"7"', '"07"', 'null', 'true', 'false',
      '{}', '[]', '[1,2]', '\u0000', '"', ',', '}', ']', ':', ' ', '\n', '-', '.', 'x', '"ph":"B"', '"id":"0x1"',
      '"bp":"e"', '"s":"g"', '"id2":{"local":"0x2"}', '"bind_id":3', '"flow_in":true', '"grid":[1]', '"grid":[1,2,3,4]',
      '"correlation":1e2', '"device":-1', '"pid":7x', '"tid":"a\\nb"', '"ts":"1"', '"dur":-3', '"args":[1]', '"name":5',
    ];
    for (let round = 0; round < 300; round++) {
      let text = base;
      const n = 1 + Math.floor(rand() * 6);
      for (let k = 0; k < n; k++) {
        const at = Math.floor(rand() * text.length);
        const edit = edits[Math.floor(rand() * edits.length)]!;
        const cut = rand() < 0.5 ? Math.floor(rand() * 4) : 0;
        text = text.slice(0, at) + edit + text.slice(at + cut);
      }
      if (rand() < 0.2) text = text.slice(0, Math.floor(rand() * text.length));
      const bytes = new TextEncoder().encode(text);
      const chunk = 1 + Math.floor(rand() * 5000);
      const diff = difference(bytes, [chunk, 7, chunk * 3]);
      expect(diff && { round, text, ...diff }).toBeNull();
    }
  });
});
