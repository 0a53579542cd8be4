// The >512 MiB path: a generated Kineto-shaped trace larger than V8's maximum string
// length streams through the engine without ever being one string (nothing is written
// to disk: the generator's chunks feed the loader directly).

import { describe, expect, it } from 'vitest';
import { synthExpected, synthTraceChunks } from './synth-trace.ts';
import { loadTrace } from './load.ts';

const V8_MAX_STRING = 536_870_888;

describe('a trace larger than the maximum string length', () => {
  it('loads every event', async () => {
    const opts = { events: 1_900_000, seed: 7 };
    const expected = synthExpected(opts);
    const chunks = synthTraceChunks(opts);
    let bytes = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        const r = chunks.next();
        if (r.done) c.close();
        else {
          bytes += r.value.length;
          c.enqueue(r.value);
        }
      },
    });
    const progress: number[] = [];
    const { model } = await loadTrace(stream, { name: 'huge.json', onProgress: (p) => progress.push(p.bytesRead) });
    expect(bytes).toBeGreaterThan(V8_MAX_STRING);
    const s = model.summary;
    expect(s.events.total).toBe(expected.events);
    expect(s.events.byPhase).toEqual(expected.byPhase);
    expect(s.gpu.kernels).toBe(expected.kernels);
    expect(s.gpu.memcpy).toBe(expected.memcpy);
    expect(s.warnings).toEqual({});
    // The columns every event pays for stay within 48 bytes an event; the [memory] events
    // (13.6 % of this trace) also pay for their parsed fields and the two memory curves drawn
    // from them, within 88 bytes each (52 for the fields, 32 for the curves' samples).
    const bytesOf = (o: object): number => Object.values(o).reduce((a: number, v) => a + (ArrayBuffer.isView(v) ? v.byteLength : 0), 0);
    const memFields = bytesOf(model.fields.memory);
    const memCurves = model.counters.filter((c) => c.unit === 'bytes').reduce((a, c) => a + c.times.byteLength + c.values.byteLength, 0);
    const memEvents = model.fields.memory.slice.length;
    expect(memEvents).toBeGreaterThan(0);
    expect((s.bytesPerEvent * s.events.total - memFields - memCurves) / s.events.total).toBeLessThanOrEqual(48);
    expect((memFields + memCurves) / memEvents).toBeLessThanOrEqual(88);
    expect(progress.length).toBeGreaterThan(5);
    expect(progress[progress.length - 1]).toBe(bytes);
  }, 180_000);
});
