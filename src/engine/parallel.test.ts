// The parallel parse must load exactly what one parser loads: every real trace, cut into
// small segments parsed by separate SegmentParsers (as separate workers would), gives the
// same model (compared as text: string ids differ between the two) as a single pass.

import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { TraceModel } from '../model/types.ts';
import { loadTrace } from './load.ts';
import { inlineRunners } from './parallel.ts';
import { TRACES_DIR } from '../testing/traces-dir.ts';

const dir = TRACES_DIR;
const files = readdirSync(dir).filter((f) => f !== 'SOURCES.md').sort();

/** The model with every string id replaced by its text, and the load's timings dropped. */
function canonical(m: TraceModel, offsets: Float64Array): unknown {
  const text = (ids: Uint32Array): string[] => Array.from(ids, (id) => m.strings[id]!);
  const { timing: _timing, loadMs: _loadMs, ...summary } = m.summary;
  return {
    summary,
    startUs: m.startUs,
    origin: m.origin,
    endUs: m.endUs,
    processes: m.processes,
    tracks: m.tracks,
    slices: {
      ...m.slices,
      name: text(m.slices.name),
      cat: text(m.slices.cat),
    },
    flows: m.flows,
    kernels: m.kernels,
    fields: m.fields,
    counters: m.counters,
    metadata: m.metadata,
    offsets,
  };
}

function decoded(file: string): Uint8Array<ArrayBuffer> {
  const raw = new Uint8Array(readFileSync(dir + file));
  return raw[0] === 0x1f && raw[1] === 0x8b ? new Uint8Array(gunzipSync(raw)) : raw;
}

describe('parallel parse', () => {
  for (const file of files) {
    it(`${file}: the same model from segments as from one pass`, async () => {
      const bytes = decoded(file);
      const one = await loadTrace(bytes, { name: file });
      // about seven segments per file, never smaller than a few events
      const segmentBytes = Math.max(600, Math.floor(bytes.length / 7));
      const many = await loadTrace(bytes, { name: file, runners: inlineRunners(2), segmentBytes });
      expect(many.model.summary.timing.workers).toBe(2);
      expect(canonical(many.model, many.offsets)).toEqual(canonical(one.model, one.offsets));
      // a file: the workers read ranges from its end, while this thread reads from its start
      const ranges = await loadTrace(new Blob([bytes]), { name: file, runners: inlineRunners(3), segmentBytes });
      expect(canonical(ranges.model, ranges.offsets)).toEqual(canonical(one.model, one.offsets));
      // ... or this thread only merges what they parse
      const merged = await loadTrace(new Blob([bytes]), { name: file, runners: inlineRunners(2), segmentBytes, readsToo: false });
      expect(canonical(merged.model, merged.offsets)).toEqual(canonical(one.model, one.offsets));
    });
  }

  it('cuts a Kineto trace into many segments and proves each cut', async () => {
    const file = 'kineto__resnet50_profiler_api_num_workers_0_worker0.pt.trace.json.gz';
    const bytes = decoded(file);
    const one = await loadTrace(bytes, { name: file });
    const many = await loadTrace(bytes, { name: file, runners: inlineRunners(3), segmentBytes: 16384 });
    expect(many.model.summary.timing.segments).toBeGreaterThan(bytes.length / 32768);
    expect(many.model.summary.timing.recuts).toBe(0);
    expect(canonical(many.model, many.offsets)).toEqual(canonical(one.model, one.offsets));
    // a file, this thread reading from the start and one worker from the end: both read some
    const shared = await loadTrace(new Blob([bytes]), { name: file, runners: inlineRunners(1), segmentBytes: 16384 });
    const t = shared.model.summary.timing;
    expect(t.workerSegments).toBeGreaterThan(1);
    expect(t.workerSegments).toBeLessThan(t.segments);
    expect(t.recuts).toBe(0);
    expect(canonical(shared.model, shared.offsets)).toEqual(canonical(one.model, one.offsets));
  });

  it('looks for each cut of a file only up to the next one: a huge event is not searched again and again', async () => {
    // one event of ~600 KB in the middle (a long name): ~36 of the 16 KiB targets fall inside it
    const events: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const name = i === 2000 ? 'x'.repeat(600_000) : `op${i % 7}`;
      events.push(JSON.stringify({ ph: 'X', pid: 1, tid: 2, ts: 1000 + i * 10, dur: 5, name }));
    }
    const bytes = new TextEncoder().encode(`{"traceEvents":[${events.join(',\n')}]}`);
    let sliced = 0;
    class CountingBlob extends Blob {
      override slice(start?: number, end?: number, type?: string): Blob {
        sliced += Math.min(end ?? this.size, this.size) - (start ?? 0);
        return super.slice(start, end, type);
      }
    }
    const one = await loadTrace(bytes, { name: 't.json' });
    const shared = await loadTrace(new CountingBlob([bytes]), { name: 't.json', runners: inlineRunners(1), segmentBytes: 16384 });
    expect(canonical(shared.model, shared.offsets)).toEqual(canonical(one.model, one.offsets));
    expect(shared.model.summary.timing.workerSegments).toBeGreaterThan(0);
    // the file's bytes, the head, and a window around each target: not a scan of the event per target
    expect(sliced).toBeLessThan(bytes.length * 2 + 80 * 65536);
  });

  it('re-reads from a segment whose cut fell inside a string, and loads the same', async () => {
    // Inside a string a quote is escaped, so a cut can only be fooled by a string that ends
    // in '},{' followed by a key that starts with ':' (here: "x},{",": y":1).
    const events: string[] = [];
    for (let i = 0; i < 400; i++) {
      const e = { ph: 'X', pid: 1, tid: 2, ts: 1000 + i * 10, dur: 5, name: i % 3 === 0 ? 'x},{' : 'op', ': y': 1 };
      events.push(JSON.stringify(e));
    }
    const bytes = new TextEncoder().encode(`{"traceEvents":[${events.join(',')}],"traceName":"t"}`);
    const one = await loadTrace(bytes, { name: 't.json' });
    const many = await loadTrace(bytes, { name: 't.json', runners: inlineRunners(2), segmentBytes: 1000 });
    expect(many.model.summary.timing.recuts).toBeGreaterThan(0);
    expect(many.model.summary.events.total).toBe(400);
    expect(canonical(many.model, many.offsets)).toEqual(canonical(one.model, one.offsets));
    const ranges = await loadTrace(new Blob([bytes]), { name: 't.json', runners: inlineRunners(2), segmentBytes: 1000 });
    expect(ranges.model.summary.timing.recuts).toBeGreaterThan(0);
    expect(canonical(ranges.model, ranges.offsets)).toEqual(canonical(one.model, one.offsets));
    // where this thread and the workers meet may be such a cut too: wherever it falls, the same model
    let recuts = 0;
    for (let segmentBytes = 500; segmentBytes < 4000; segmentBytes += 250) {
      const shared = await loadTrace(new Blob([bytes]), { name: 't.json', runners: inlineRunners(1), segmentBytes });
      recuts += shared.model.summary.timing.recuts;
      expect(canonical(shared.model, shared.offsets)).toEqual(canonical(one.model, one.offsets));
    }
    expect(recuts).toBeGreaterThan(0);
  });

  it('keeps counts, examples and the cut of a truncated file with a syntax error', async () => {
    const events: string[] = [];
    for (let i = 0; i < 300; i++) {
      if (i === 150) events.push('{"ph":"X","pid":1,"tid":1,"ts":5,"dur":1,"name":"bad" "oops"}');
      else if (i % 50 === 7) events.push(`{"ph":"X","pid":1,"tid":1,"dur":1,"name":"no ts ${i}"}`);
      else events.push(`{"ph":"X","pid":1,"tid":${i % 4},"ts":${1e12 + i}.125,"dur":0.5,"name":"e${i % 9}"}`);
    }
    const text = `{"traceEvents":[${events.join(',\n')}]}`;
    const bytes = new TextEncoder().encode(text.slice(0, text.length - 40));
    const one = await loadTrace(bytes, { name: 'cut.json' });
    const many = await loadTrace(bytes, { name: 'cut.json', runners: inlineRunners(2), segmentBytes: 700 });
    expect(one.model.summary.truncated).not.toBeNull();
    expect(one.model.summary.syntaxError).not.toBeNull();
    expect(canonical(many.model, many.offsets)).toEqual(canonical(one.model, one.offsets));
    const ranges = await loadTrace(new Blob([bytes]), { name: 'cut.json', runners: inlineRunners(2), segmentBytes: 700 });
    expect(canonical(ranges.model, ranges.offsets)).toEqual(canonical(one.model, one.offsets));
  });
});

describe('parallel parse, cases a review found', () => {
  const X = (i: number, extra = {}) => JSON.stringify({ ph: 'X', pid: 1, tid: 1, ts: 1000 + i, dur: 1, name: `e${i % 7}`, ...extra });

  it('a worker given two Blob ranges at once reports their strings in order', async () => {
    // Every event has a name of its own, so each segment adds strings; the first range is
    // slow to read, so without queueing the second would finish (and report) first.
    const events = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ ph: 'X', pid: 1, tid: 1, ts: 1000 + i, dur: 1, name: `op ${i}` }));
    const bytes = new TextEncoder().encode(`{"traceEvents":[${events.join(',')}]}`);
    class SlowFirstRange extends Blob {
      override slice(start?: number, end?: number): Blob {
        const part = super.slice(start, end);
        if (start !== 0) return part; // only the first range's stream is slow
        const slow = new Blob([part]);
        slow.stream = () => {
          const inner = part.stream().getReader();
          return new ReadableStream({
            async pull(c) {
              await new Promise((r) => setTimeout(r, 30));
              const r = await inner.read();
              if (r.done) c.close();
              else c.enqueue(r.value);
            },
          });
        };
        return slow;
      }
    }
    const one = await loadTrace(bytes, { name: 't.json' });
    const many = await loadTrace(new SlowFirstRange([bytes]), { name: 't.json', runners: inlineRunners(1), segmentBytes: 20_000, readsToo: false });
    expect(many.model.summary.timing.segments).toBeGreaterThan(2);
    expect(canonical(many.model, many.offsets)).toEqual(canonical(one.model, one.offsets));
  });

  it('flow keys match across segments even past 8192 (cat, name) pairs in one of them', async () => {
    // The f for (c, x, 7) shares a segment with 8300 other flow names, so there (c, x) is
    // pair 8300; in the merged collector it is pair 0. A first key longer than the cut
    // check reads keeps the cutter out of that block, so it stays one segment.
    const uncuttable = 'k'.repeat(70);
    const late = (e: object) => JSON.stringify({ [uncuttable]: 1, ...e });
    const events = [X(0), JSON.stringify({ ph: 's', id: 7, cat: 'c', name: 'x', ts: 1000, pid: 1, tid: 1 })];
    for (let i = 1; i < 100; i++) events.push(X(i));
    for (let i = 0; i < 8300; i++) events.push(late({ ph: 's', id: i, cat: 'c', name: `n${i}`, ts: 1001, pid: 1, tid: 1 }));
    events.push(late({ ph: 'X', pid: 1, tid: 1, ts: 1500, dur: 1, name: 'target' }));
    events.push(late({ ph: 'f', id: 7, cat: 'c', name: 'x', ts: 1500, pid: 1, tid: 1, bp: 'e' }));
    const bytes = new TextEncoder().encode(`{"traceEvents":[${events.join(',\n')}]}`);
    const one = await loadTrace(bytes, { name: 'f.json' });
    expect(one.model.summary.flows.matched).toBe(1);
    const many = await loadTrace(bytes, { name: 'f.json', runners: inlineRunners(2), segmentBytes: 2000 });
    expect(many.model.summary.timing.segments).toBeGreaterThan(2);
    expect(canonical(many.model, many.offsets)).toEqual(canonical(one.model, one.offsets));
  });

  it('an empty process_labels later in the file wins, and a form far after the first byte is found', async () => {
    const events = [
      JSON.stringify({ ph: 'M', name: 'process_labels', pid: 1, args: { labels: 'GPU-ish' } }),
      ...Array.from({ length: 200 }, (_, i) => X(i)),
      JSON.stringify({ ph: 'M', name: 'process_labels', pid: 1, args: { labels: '' } }),
    ];
    const bytes = new TextEncoder().encode(`${' '.repeat(5000)}{"traceEvents":[${events.join(',')}],"traceName":"t"}`);
    const one = await loadTrace(bytes, { name: 'l.json' });
    expect(one.model.processes[0]!.labels).toBe('');
    const many = await loadTrace(bytes, { name: 'l.json', runners: inlineRunners(2), segmentBytes: 600 });
    expect(many.model.summary.timing.segments).toBeGreaterThan(2);
    expect(canonical(many.model, many.offsets)).toEqual(canonical(one.model, one.offsets));
  });
});
