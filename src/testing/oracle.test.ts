// Tests of the independent oracle itself: small hand-written traces whose expected figures
// are worked out by hand in the comments, plus a run over the shared corpus checked against
// the figures that /work/shared/traces/SOURCES.md states (computed there by another tool).

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { oracleSummary } from './oracle.ts';
import { readTraceText } from './read-trace-node.ts';
import { TRACES_DIR } from './traces-dir.ts';

/** Object-form trace text. */
function trace(events: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ traceEvents: events, ...extra });
}

const X = (o: Record<string, unknown>) => ({ ph: 'X', pid: 1, tid: 1, ts: 0, dur: 1, name: 'x', ...o });
const ev = (ph: string, pid: number, tid: number) => ({ ph, pid, tid, ts: 1, name: 'n', id: 1, cat: 'c', args: {} });
const C = (o: Record<string, unknown>) => ({ ph: 'C', pid: 1, tid: 1, ts: 0, name: 'mem', ...o });
const F = (ph: string, id: unknown, o: Record<string, unknown> = {}) => ({ ph, cat: 'c', name: 'n', pid: 1, tid: 1, ts: 0, id, ...o });

describe('parsing', () => {
  it('object form: metadata keys in file order, traceEvents excluded', () => {
    const text = '{"schemaVersion":1,"traceEvents":[{"ph":"X","pid":1,"tid":1,"ts":0,"dur":5}],"deviceProperties":[],"displayTimeUnit":"ns"}';
    const s = oracleSummary(text);
    expect(s.metadata).toEqual(['schemaVersion', 'deviceProperties', 'displayTimeUnit']);
    expect(s.events.total).toBe(1);
    expect(s.spanUs).toBe(5);
  });

  it('object form without traceEvents has no events', () => {
    const s = oracleSummary('{"a":1}');
    expect(s.events).toEqual({ total: 0, byPhase: {} });
    expect(s.metadata).toEqual(['a']);
    expect(s.spanUs).toBe(0);
  });

  it('array form: no metadata', () => {
    const s = oracleSummary('[{"ph":"B","pid":1,"tid":1,"ts":1},{"ph":"E","pid":1,"tid":1,"ts":4}]');
    expect(s.metadata).toEqual([]);
    expect(s.events).toEqual({ total: 2, byPhase: { B: 1, E: 1 } });
    expect(s.spanUs).toBe(3);
  });

  it('truncated array: missing ] and trailing comma + whitespace are repaired', () => {
    const body = '[{"ph":"B","pid":1,"tid":1,"ts":1},\n{"ph":"E","pid":1,"tid":1,"ts":2}';
    for (const text of [body, body + ',', body + ',\n', body + ' , \r\n\t', body + ',\n,\n']) {
      const s = oracleSummary(text);
      expect(s.events.total).toBe(2);
      expect(s.threads).toBe(1);
    }
    // Leading whitespace before '[' and a UTF-8 BOM are fine too.
    expect(oracleSummary('\uFEFF \n[{"ph":"i","pid":1,"tid":1,"ts":0},').events.total).toBe(1);
  });

  it('counts only object elements; byPhase only string ph', () => {
    const text = trace([null, [1, 2], 3, 'x', true, { ph: 'X', ts: 0 }, { ph: 7, ts: 0 }, { ts: 0 }, { ph: 'M' }, { ph: 'X' }]);
    const s = oracleSummary(text);
    // Objects: {X}, {ph:7}, {ts}, {M}, {X} -> 5.
    expect(s.events.total).toBe(5);
    expect(s.events.byPhase).toEqual({ X: 2, M: 1 });
  });

  it('phase names that are Object.prototype properties are plain counts', () => {
    const s = oracleSummary(trace([{ ph: '__proto__' }, { ph: 'constructor' }, { ph: 'constructor' }]));
    expect(Object.entries(s.events.byPhase).sort()).toEqual([['__proto__', 1], ['constructor', 2]]);
  });
});

describe('validity, processes and threads', () => {
  it('numeric and numeric-string pid/tid are the same key', () => {
    const s = oracleSummary(
      trace([
        X({ pid: 1234, tid: 7 }),
        X({ pid: '1234', tid: '7' }),
        X({ pid: 1234, tid: '7' }),
        X({ pid: '1234', tid: 8 }), // second thread
      ]),
    );
    expect(s.processes).toBe(1);
    expect(s.threads).toBe(2);
  });

  it('missing pid/tid is the key ""', () => {
    const s = oracleSummary(trace([{ ph: 'X', ts: 0, dur: 1 }, { ph: 'i', ts: 2, pid: '' }]));
    expect(s.processes).toBe(1);
    expect(s.threads).toBe(1);
  });

  it('object/array/boolean pid or tid makes the event invalid (but it still counts in total and span)', () => {
    const s = oracleSummary(
      trace([
        X({ pid: 1, tid: 1 }),
        X({ pid: { a: 1 }, tid: 2, ts: 100 }),
        X({ pid: [2], tid: 3 }),
        X({ pid: true, tid: 4 }),
        X({ pid: 5, tid: false }),
      ]),
    );
    expect(s.events.total).toBe(5);
    expect(s.processes).toBe(1);
    expect(s.threads).toBe(1);
    expect(s.spanUs).toBe(101); // the invalid event at ts 100 (+dur 1) still sets the span
  });

  it('valid timed: finite numeric ts, dur absent or finite >= 0', () => {
    const s = oracleSummary(
      trace([
        X({ tid: 1, ts: 0, dur: 0 }), // valid (zero duration)
        { ph: 'X', pid: 1, tid: 2, ts: 0 }, // valid (no dur)
        X({ tid: 3, dur: -1 }), // negative dur
        X({ tid: 4, dur: '5' }), // string dur
        X({ tid: 5, ts: '0' }), // string ts
        { ph: 'X', pid: 1, tid: 6 }, // no ts
        X({ tid: 7, dur: null }), // dur present but not a number
      ]),
    );
    expect(s.threads).toBe(2);
  });

  it('phase sets: processes include C/async/legacy async, threads only X B E i I R', () => {
    const s = oracleSummary(
      trace([
        ev('X', 1, 1),
        ev('B', 1, 2),
        ev('E', 1, 2),
        ev('i', 1, 3),
        ev('I', 1, 4),
        ev('R', 1, 5),
        ev('C', 2, 1), // process only
        ev('b', 3, 1), // process only
        ev('e', 3, 1),
        ev('n', 3, 1),
        ev('S', 4, 1),
        ev('T', 4, 1),
        ev('F', 4, 1),
        ev('s', 5, 1), // flows: neither
        ev('t', 5, 1),
        ev('f', 5, 1),
        ev('M', 6, 1), // metadata: neither
        ev('O', 7, 1), // object snapshot: neither
        ev('P', 8, 1), // sample: neither
      ]),
    );
    expect(s.processes).toBe(4);
    expect(s.threads).toBe(5);
  });
});

describe('counters', () => {
  it('one series per pid + name + id + numeric args key', () => {
    const s = oracleSummary(
      trace([
        C({ args: { a: 1, b: '2.5', c: 'abc', d: '', e: null, f: [1], g: true } }), // a, b
        C({ ts: 5, args: { a: 3 } }), // same series as above
        C({ pid: '1', args: { b: 7 } }), // same pid key: same series
        C({ pid: 2, args: { a: 1 } }), // other pid: +1
        C({ name: 'cpu', args: { a: 1 } }), // other name: +1
        C({ id: 'x', args: { a: 1 } }), // with id: +1
        C({ id: 'y', args: { a: 1, b: 2 } }), // other id: +2
        C({ ts: 'bad', args: { z: 1 } }), // invalid event: none
        C({ args: 'nope' }), // args not an object: none
        { ph: 'X', pid: 1, tid: 1, ts: 0, name: 'mem', args: { q: 1 } }, // not C
      ]),
    );
    expect(s.counters).toBe(2 + 1 + 1 + 1 + 2);
  });
});

const M = (name: string, pid: number, args: object) => ({ ph: 'M', name, pid, tid: 0, args });

describe('GPU', () => {
  it('kernels, memcpy, memset by lower-cased cat; devices and streams', () => {
    const s = oracleSummary(
      trace([
        X({ cat: 'kernel', pid: 0, tid: 7 }),
        X({ cat: 'Kernel', pid: 0, tid: '7' }),
        X({ cat: 'gpu_memcpy', pid: 0, tid: 8 }),
        X({ cat: 'Memcpy', pid: 1, tid: 7 }),
        X({ cat: 'gpu_memset', pid: 1, tid: 7 }),
        X({ cat: 'MEMSET', pid: 1, tid: 9 }),
        { ph: 'B', cat: 'kernel', pid: 5, tid: 5, ts: 0 }, // not X
        X({ cat: 'kernel', pid: 6, tid: 6, dur: -2 }), // invalid
        X({ cat: 'gpu_user_annotation', pid: 7, tid: 7 }), // not GPU activity
      ]),
    );
    expect(s.gpu.kernels).toBe(2);
    expect(s.gpu.memcpy).toBe(2);
    expect(s.gpu.memset).toBe(2);
    expect(s.gpu.devices).toBe(2); // pids 0, 1
    expect(s.gpu.streams).toBe(4); // 0/7, 0/8, 1/7, 1/9
  });

  it('non-CUDA devices: a process labelled or named as one, its own categories but not its runtime', () => {
    const s = oracleSummary(
      trace([
        M('process_labels', 9, { labels: 'MTIA 9' }),
        X({ cat: 'mtia_ccp_events', pid: 9, tid: 4, ts: 0, dur: 5 }),
        X({ cat: 'MTIA_ccp_events', pid: 9, tid: 5, ts: 3, dur: 5 }),
        X({ cat: 'mtia_runtime', pid: 9, tid: 6, ts: 20, dur: 5 }), // host-side API
        X({ cat: 'cpu_op', pid: 9, tid: 7, ts: 20, dur: 5 }), // not the device's category
        M('process_name', 4, { name: 'TPU 4 ' }),
        X({ cat: 'tpu_op', pid: 4, tid: 1, ts: 0, dur: 2 }),
        M('process_name', 5, { name: 'GPU Process' }), // Chrome's: no number, not a device
        X({ cat: 'gpu_x', pid: 5, tid: 1, ts: 0, dur: 2 }),
        M('process_labels', 6, { labels: 'MTIAX' }), // not the word
        X({ cat: 'mtiax_y', pid: 6, tid: 1, ts: 0, dur: 2 }),
        M('process_labels', 0, { labels: 'GPU 0' }), // GPUs: only kernel, memcpy, memset
        X({ cat: 'gpu_user_annotation', pid: 0, tid: 7, ts: 0, dur: 2 }),
      ]),
    );
    expect(s.gpu).toMatchObject({ devices: 2, streams: 3, kernels: 0, busyUs: 8 + 2 });
  });

  it('launchLinked: correlation of GPU events found among runtime/driver X events', () => {
    const s = oracleSummary(
      trace([
        X({ cat: 'cuda_runtime', args: { correlation: 1 } }),
        X({ cat: 'Cuda_Driver', args: { correlation: '2' } }),
        X({ cat: 'runtime', args: { correlation: 3 } }),
        X({ cat: 'cpu_op', args: { correlation: 4 } }), // not a runtime cat
        { ph: 'i', cat: 'cuda_runtime', pid: 1, tid: 1, ts: 0, args: { correlation: 5 } }, // not X
        X({ cat: 'cuda_runtime', dur: -1, args: { correlation: 6 } }), // invalid
        X({ cat: 'cuda_runtime', args: {} }), // no correlation
        X({ cat: 'kernel', pid: 0, tid: 7, args: { correlation: '1' } }), // linked (String match)
        X({ cat: 'kernel', pid: 0, tid: 7, args: { correlation: 1 } }), // linked (same launch, counted again)
        X({ cat: 'gpu_memcpy', pid: 0, tid: 7, args: { correlation: 2 } }), // linked
        X({ cat: 'gpu_memset', pid: 0, tid: 7, args: { correlation: 3 } }), // linked
        X({ cat: 'kernel', pid: 0, tid: 7, args: { correlation: 4 } }),
        X({ cat: 'kernel', pid: 0, tid: 7, args: { correlation: 5 } }),
        X({ cat: 'kernel', pid: 0, tid: 7, args: { correlation: 6 } }),
        X({ cat: 'kernel', pid: 0, tid: 7, args: {} }), // no correlation: not linked to the one without
        X({ cat: 'kernel', pid: 0, tid: 7 }),
      ]),
    );
    expect(s.gpu.kernels).toBe(7);
    expect(s.gpu.launchLinked).toBe(4);
  });

  it('busyUs: union of overlapping intervals on one device', () => {
    const K = (ts: number, dur: number, tid = 7) => X({ cat: 'kernel', pid: 0, tid, ts, dur });
    const s = oracleSummary(
      trace([
        K(0, 10), // [0,10]
        K(5, 10, 8), // [5,15] other stream, same device: overlaps
        K(2, 3), // [2,5] nested
        K(15, 5), // [15,20] touches
        K(30, 5), // [30,35] separate
        X({ cat: 'gpu_memcpy', pid: 0, tid: 9, ts: 34, dur: 4 }), // [34,38]
        K(50, 0), // zero length
        { ph: 'X', cat: 'kernel', pid: 0, tid: 7, ts: 60 }, // no dur: zero length
      ]),
    );
    // [0,20] + [30,38] = 20 + 8
    expect(s.gpu.busyUs).toBe(28);
    expect(s.gpu.devices).toBe(1);
  });

  it('busyUs: devices are summed separately (overlap across devices counts twice)', () => {
    const s = oracleSummary(
      trace([
        X({ cat: 'kernel', pid: 0, tid: 7, ts: 0, dur: 10 }),
        X({ cat: 'kernel', pid: 0, tid: 7, ts: 5, dur: 10 }), // device 0: [0,15] = 15
        X({ cat: 'kernel', pid: 1, tid: 7, ts: 0, dur: 10 }), // device 1: [0,10]
        X({ cat: 'gpu_memset', pid: '1', tid: 8, ts: 20, dur: 2.5 }), // device 1: +2.5
      ]),
    );
    expect(s.gpu.devices).toBe(2);
    expect(s.gpu.streams).toBe(3);
    expect(s.gpu.busyUs).toBe(15 + 12.5);
  });
});

describe('flows', () => {
  it('v1: fan-out (one s, several f) and steps are each one arrow', () => {
    const s = oracleSummary(trace([F('s', 1), F('t', 1), F('f', 1), F('f', 1), F('f', '1')]));
    expect(s.flows).toEqual({ matched: 4, unmatched: 0 });
  });

  it('v1: groups without s, s without t/f, missing id', () => {
    const s = oracleSummary(
      trace([
        F('s', 1),
        F('f', 1), // matched
        F('f', 2),
        F('t', 2), // group 2 has no s: 2 unmatched
        F('s', 3),
        F('s', 3), // group 3 has no t/f: 2 unmatched
        F('f', 1, { cat: 'other' }), // different cat: own group without s: unmatched
        F('f', 1, { name: 'other' }), // different name: unmatched
        { ph: 'f', cat: 'c', name: 'n', pid: 1, tid: 1, ts: 0 }, // no id: unmatched
        { ph: 's', cat: 'c', name: 'n', pid: 1, tid: 1, ts: 0 }, // no id: unmatched
        F('s', 4),
        F('s', 4),
        F('f', 4), // two s, one f: one arrow
        F('f', 5, { ts: 'x' }), // invalid: ignored
      ]),
    );
    expect(s.flows).toEqual({ matched: 1 + 1, unmatched: 2 + 2 + 1 + 1 + 2 });
  });

  it('v2: bind_id with flow_out/flow_in, chains and strays', () => {
    const V = (bind_id: unknown, o: Record<string, unknown>) => X({ bind_id, ...o });
    const s = oracleSummary(
      trace([
        V('0x1', { flow_out: true }),
        V('0x1', { flow_in: true, flow_out: true }), // sink of A and source of the next
        V('0x1', { flow_in: true }), // 2 arrows for 0x1
        V(2, { flow_out: true }),
        V('2', { flow_in: true }), // numeric/string bind_id: same key, 1 arrow
        V(3, { flow_in: true }), // sink without source: unmatched
        V(4, { flow_out: true }), // source without sink: unmatched
        V(4, { flow_out: true }), // another: unmatched
        V(5, { flow_out: false, flow_in: false }), // neither
        V(6, { flow_out: 'true' }), // not the boolean true: neither
        X({ flow_out: true }), // no bind_id: neither
        V(7, { flow_in: true, ts: 'x' }), // invalid event: ignored
      ]),
    );
    expect(s.flows).toEqual({ matched: 3, unmatched: 3 });
  });

  it('v1 and v2 add up', () => {
    const s = oracleSummary(
      trace([F('s', 1), F('f', 1), F('f', 9), X({ bind_id: 1, flow_out: true }), X({ bind_id: 1, flow_in: true })]),
    );
    expect(s.flows).toEqual({ matched: 2, unmatched: 1 });
  });
});

describe('spanUs', () => {
  it('max(ts + dur) - min(ts) over non-M events with numeric ts, valid or not', () => {
    const s = oracleSummary(
      trace([
        { ph: 'M', ts: -1000, pid: 1, tid: 1, name: 'process_name' }, // M: ignored
        { ph: 'B', ts: 10, pid: 1, tid: 1 },
        { ph: 'X', ts: 20, dur: 30, pid: 1, tid: 1 }, // end 50
        { ph: 'X', ts: 5, dur: '100', pid: 1, tid: 1 }, // string dur counts as 0; min ts 5
        { ts: 60 }, // no ph: still not M, counts
        { ph: 'E', ts: '1', pid: 1, tid: 1 }, // string ts: ignored
      ]),
    );
    expect(s.spanUs).toBe(60 - 5);
  });

  it('0 when there is no timed event', () => {
    expect(oracleSummary(trace([{ ph: 'M', ts: 5 }, { ph: 'X' }])).spanUs).toBe(0);
    expect(oracleSummary('[]').spanUs).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------
// The shared corpus, against the figures SOURCES.md states (produced by a separate tool).

const TRACES = TRACES_DIR;
const traceFiles = readdirSync(TRACES)
  .filter((f) => f !== 'SOURCES.md')
  .sort();

interface SourceRow {
  events: number;
  /** undefined: the row gives no per-phase counts (see readSources). */
  byPhase: Record<string, number> | undefined;
  kernels: number;
}

/** The cells of one markdown table row, without the outer pipes. */
function cellsOf(line: string): string[] {
  return line.replace(/^\|\s*/, '').replace(/\s*\|\s*$/, '').split(' | ');
}

/**
 * The rows of the SOURCES.md table, in file order (a file listed twice appears twice). The
 * Description cell states the figures in one of two formats, and every row must be in one of
 * them (a row in neither fails the test rather than being skipped):
 *
 * - older rows: "...; object form; 35 events; ph S:11,F:10,B:3; 4 pids/6 threads; 1 GPU kernels
 *   on 1 streams; ...". "N GPU kernels on M streams" is left out when the file has no kernel
 *   events (e.g. the CUPTI range-profiler trace, "no kernel events"), so there absent means 0.
 * - rows added with the 49 -> 72 growth end in "... 7604 events; 0 kernels (0 NCCL/RCCL);
 *   0 [memory]; 0 python_function; 5 ProfilerStep", with no per-phase counts: byPhase is
 *   undefined for them and only that check is skipped; total and kernels are still checked.
 *   Their "kernels" is the same figure as the oracle's gpu.kernels (X events with cat "kernel"):
 *   a separate python scan of all 23 files agreed on every total and kernel count.
 */
function readSources(): { file: string; row: SourceRow }[] {
  const lines = readFileSync(TRACES + 'SOURCES.md', 'utf8').split('\n');
  const header = lines.findIndex((l) => l.startsWith('| File |'));
  if (header < 0) throw new Error('SOURCES.md: no table header "| File | ..."');
  const columns = cellsOf(lines[header]);
  const fileCol = columns.indexOf('File');
  const descCol = columns.indexOf('Description');
  if (fileCol !== 0 || descCol !== columns.length - 1) throw new Error(`SOURCES.md: unexpected columns ${columns.join(', ')}`);

  const oldFormat = /; (\d+) events; ph ([^;]+);/;
  const oldKernels = /; (\d+) GPU kernels on \d+ streams(?:;|$)/;
  const newFormat = /(?:^|\. )(\d+) events; (\d+) kernels \(\d+ NCCL\/RCCL\); \d+ \[memory\]; \d+ python_function; \d+ ProfilerStep$/;

  const rows: { file: string; row: SourceRow }[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) continue;
    const cells = cellsOf(line);
    const file = cells[fileCol];
    // The description is the last column; re-join in case it ever holds " | " itself.
    const desc = cells.slice(descCol).join(' | ');
    const old = oldFormat.exec(desc);
    const now = newFormat.exec(desc);
    if (old && !now) {
      const byPhase: Record<string, number> = {};
      for (const pair of old[2].split(',')) {
        const [ph, n] = pair.split(':');
        byPhase[ph] = Number(n);
      }
      const kernels = oldKernels.exec(desc);
      rows.push({ file, row: { events: Number(old[1]), byPhase, kernels: kernels ? Number(kernels[1]) : 0 } });
    } else if (now && !old) {
      rows.push({ file, row: { events: Number(now[1]), byPhase: undefined, kernels: Number(now[2]) } });
    } else {
      throw new Error(`SOURCES.md: the row of ${file} states its figures in no known format: ${desc}`);
    }
  }
  return rows;
}

describe('shared corpus', () => {
  const rows = readSources();
  const sources = new Map(rows.map(({ file, row }) => [file, row]));

  it('SOURCES.md describes every file', () => {
    // Sanity floor: the corpus only grows (49 files, then 72); far fewer means a wrong folder.
    expect(traceFiles.length).toBeGreaterThanOrEqual(40);
    // Every file has a row, every row names an existing file, and no file has two rows.
    expect(rows.map((r) => r.file).sort()).toEqual(traceFiles);
  });

  it.each(traceFiles)('%s: totals, phases and kernels match SOURCES.md', async (file) => {
    const s = oracleSummary(await readTraceText(TRACES + file));
    const row = sources.get(file);
    if (!row) throw new Error(`no SOURCES.md row for ${file}`);
    // Rows in the newer format give no per-phase counts (byPhase undefined on both sides):
    // only that field is skipped for them; the total and the kernels are still compared.
    expect({ total: s.events.total, byPhase: row.byPhase && s.events.byPhase, kernels: s.gpu.kernels }).toEqual({
      total: row.events,
      byPhase: row.byPhase,
      kernels: row.kernels,
    });
  });

  it('figures quoted from SOURCES.md', async () => {
    const flow = oracleSummary(await readTraceText(TRACES + 'catapult__flow.json'));
    expect(flow.events.total).toBe(5017);
    expect(flow.events.byPhase.B).toBe(1625);
    expect(flow.events.byPhase.s).toBe(866);
    expect(flow.events.byPhase.f).toBe(886);
    expect(flow.metadata).toEqual(['clientInfo']);

    const df = oracleSummary(await readTraceText(TRACES + 'hta__df_index_resolver.json.gz'));
    expect(df.events.total).toBe(216092);
    expect(df.gpu.kernels).toBe(19370);
    expect(df.metadata).toContain('distributedInfo');

    const fuchsia = oracleSummary(await readTraceText(TRACES + 'catapult__fuchsia_trace.json.gz'));
    expect(fuchsia.events.total).toBe(137093);
    expect(fuchsia.metadata).toContain('displayTimeUnit');

    // Truncated array forms repair to the same 6 events as their complete sibling.
    for (const f of ['speedscope__simple-partial.json', 'speedscope__simple-partial-trailing-comma.json']) {
      const s = oracleSummary(await readTraceText(TRACES + f));
      expect(s.events).toEqual({ total: 6, byPhase: { B: 2, X: 2, E: 2 } });
      expect(s.metadata).toEqual([]);
    }

    // Array form, gzip detected by magic bytes (the name ends in .gz, not .json.gz).
    const gz = oracleSummary(await readTraceText(TRACES + 'catapult__simple_trace_gz.gz'));
    expect(gz.events.total).toBe(35);

    // Plain JSON with 223 numeric-string tids (e.g. "1234") mixed with int tids.
    const metrics = oracleSummary(await readTraceText(TRACES + 'kineto__gpu_metrics_input.json'));
    expect(metrics.events.total).toBe(340);
    expect(metrics.gpu.kernels).toBe(30);
  });
});
