// The parallel parse must load exactly what one parser loads: every real trace, cut into
// small segments parsed by separate SegmentParsers (as separate workers would), gives the
// same model (compared as text: string ids differ between the two) as a single pass.

import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TraceModel } from '../model/types.ts';
import { loadTrace } from './load.ts';
import { inlineRunners } from './parallel.ts';

const dir = fileURLToPath(new URL('../../../shared/traces/', import.meta.url));
const files = readdirSync(dir).filter((f) => f !== 'SOURCES.md').sort();

/** The model with every string id replaced by its text, and the load's timings dropped. */
function canonical(m: TraceModel, offsets: Float64Array): unknown {
  const text = (ids: Uint32Array): string[] => Array.from(ids, (id) => m.strings[id]!);
  const { timing: _timing, loadMs: _loadMs, ...summary } = m.summary;
  return {
    summary,
    startUs: m.startUs,
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
      // a file: each worker reads its own ranges of it
      const ranges = await loadTrace(new Blob([bytes]), { name: file, runners: inlineRunners(3), segmentBytes });
      expect(canonical(ranges.model, ranges.offsets)).toEqual(canonical(one.model, one.offsets));
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
