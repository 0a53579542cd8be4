// Input shapes and damage: gzip, chunking, truncation at any byte, syntax errors, the
// bare array form, and files that cannot be read at all.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { oracleSummary } from '../testing/oracle.ts';
import { loadText } from '../testing/load-text.ts';
import { synthTraceBytes } from './synth-trace.ts';
import { loadTrace } from './load.ts';

const small = JSON.stringify({
  traceEvents: [
    { ph: 'X', name: 'a', ts: 1, dur: 5, pid: 1, tid: 1, args: { note: 'x,y}{"' } },
    { ph: 'X', name: 'b', ts: 2, dur: 1, pid: 1, tid: 1 },
    { ph: 'B', name: 'c', ts: 10, pid: 1, tid: 2 },
    { ph: 'E', ts: 12, pid: 1, tid: 2 },
    { ph: 'i', name: 'm', ts: 11, pid: 1, tid: 2, s: 't' },
  ],
  displayTimeUnit: 'ns',
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('input', () => {
  it('gzip is detected by magic bytes, not by name', async () => {
    const gz = gzipSync(Buffer.from(small));
    const plain = await loadText(small, 'x.json');
    const zipped = await loadTrace(new Uint8Array(gz), { name: 'no-extension' });
    expect(zipped.gzip).toBe(true);
    expect(zipped.model.summary.events).toEqual(plain.model.summary.events);
    expect(zipped.model.summary.slices).toBe(plain.model.summary.slices);
    expect(zipped.model.summary.bytes).toBe(gz.length);
  });

  it('timing.readWaitMs counts the time spent waiting for bytes, not parsing them', async () => {
    const bytes = synthTraceBytes({ events: 20_000, seed: 5 });
    const half = bytes.length >> 1;
    // Each piece comes 60 ms after it is asked for.
    const pieces = [bytes.slice(0, half), bytes.slice(half)];
    const slow = new ReadableStream<Uint8Array>(
      {
        async pull(c) {
          const piece = pieces.shift();
          if (!piece) return c.close();
          await pause(60);
          c.enqueue(piece);
        },
      },
      { highWaterMark: 0 },
    );
    const waited = (await loadTrace(slow, { name: 'slow.json' })).model.summary.timing;
    expect(waited.readWaitMs).toBeGreaterThanOrEqual(100);
    // The same bytes at hand: parsing them is most of the time, waiting next to none.
    const atHand = (await loadTrace(bytes, { name: 'at-hand.json' })).model.summary.timing;
    expect(atHand.parseMs).toBeGreaterThan(10);
    expect(atHand.readWaitMs).toBeLessThan(atHand.parseMs * 0.3);
    expect(waited.readWaitMs).toBeLessThan(waited.parseMs - atHand.parseMs * 0.5);
  });

  it('gives the same result whatever the chunk size (1 byte to whole)', async () => {
    const whole = (await loadText(small)).model;
    for (const chunk of [1, 2, 3, 7, 64]) {
      const m = (await loadText(small, 't.json', chunk)).model;
      expect(m.summary.events).toEqual(whole.summary.events);
      expect(Array.from(m.slices.start)).toEqual(Array.from(whole.slices.start));
      expect(m.strings.length).toBe(whole.strings.length);
    }
  });

  it('a synthetic Kineto trace streamed in odd chunk sizes matches the plain scan', async () => {
    const bytes = synthTraceBytes({ events: 3000, seed: 3 });
    const text = new TextDecoder().decode(bytes);
    const o = oracleSummary(text);
    for (const chunk of [997, 65536]) {
      const s = (await loadText(text, 'synth.json', chunk)).model.summary;
      expect(s.events).toEqual(o.events);
      expect(s.gpu.kernels).toBe(o.gpu.kernels);
      expect(s.gpu.launchLinked).toBe(o.gpu.launchLinked);
      expect(s.flows).toEqual(o.flows);
    }
  });

  it('a file cut at any byte loads exactly the events complete before the cut and says where', async () => {
    const starts: number[] = [];
    for (let i = small.indexOf('{"ph"'); i >= 0; i = small.indexOf('{"ph"', i + 1)) starts.push(i);
    const ends = starts.map((s) => {
      // the event object ends at the matching brace
      let depth = 0;
      let inStr = false;
      for (let i = s; i < small.length; i++) {
        const ch = small[i];
        if (inStr) {
          if (ch === '\\') i++;
          else if (ch === '"') inStr = false;
        } else if (ch === '"') inStr = true;
        else if (ch === '{') depth++;
        else if (ch === '}' && --depth === 0) return i + 1;
      }
      return small.length;
    });
    for (let cut = starts[0]!; cut < small.length - 1; cut++) {
      const text = small.slice(0, cut);
      const complete = ends.filter((e) => e <= cut).length;
      const s = (await loadText(text)).model.summary;
      expect(s.events.total, `cut at ${cut}`).toBe(complete);
      expect(s.truncated, `cut at ${cut}`).toEqual({ atByte: cut, afterEvents: complete });
      expect(Object.keys(s.warnings).some((w) => w.startsWith(`file truncated at byte ${cut}`))).toBe(true);
    }
  });

  it('a bare array may end without ] or with a trailing comma: no warning', async () => {
    for (const text of ['[{"ph":"X","name":"a","ts":1,"dur":1,"pid":1,"tid":1},\n', '[{"ph":"X","name":"a","ts":1,"dur":1,"pid":1,"tid":1}']) {
      const s = (await loadText(text)).model.summary;
      expect(s.events.total).toBe(1);
      expect(s.truncated).toBeNull();
      expect(s.warnings).toEqual({});
    }
  });

  it('a syntax error names its byte offset and context, and later events still load', async () => {
    const text = '[{"ph":"X","name":"a","ts":1,"dur":1,"pid":1,"tid":1},\n{"ph":"X","name":"bad","ts":2,"dur":1,"pid":1 "tid":1},\n{"ph":"X","name":"c","ts":3,"dur":1,"pid":1,"tid":1}]';
    const s = (await loadText(text)).model.summary;
    const at = text.indexOf(' "tid":1}');
    expect(s.syntaxError?.atByte).toBe(at + 1);
    expect(s.syntaxError?.context).toContain('"pid":1 "tid"');
    expect(s.events.total).toBe(2);
    expect(s.slices).toBe(2);
  });

  it('invalid events are skipped and counted by reason; valid ones all load', async () => {
    const r = await loadText(JSON.stringify([
      { ph: 'X', name: 'ok', ts: 1, dur: 1, pid: 1, tid: 1 },
      { ph: 'X', name: 'no ts', dur: 1, pid: 1, tid: 1 },
      { ph: 'X', name: 'string ts', ts: '5', dur: 1, pid: 1, tid: 1 },
      { ph: 'X', name: 'negative', ts: 1, dur: -1, pid: 1, tid: 1 },
      { ph: 'X', name: 'object pid', ts: 1, dur: 1, pid: { a: 1 }, tid: 1 },
      { name: 'no ph', ts: 1 },
      { ph: 'X', name: 'ok2', ts: 2, dur: 1, pid: '1', tid: '1' },
    ]));
    const s = r.model.summary;
    expect(s.slices).toBe(2);
    expect(s.threads).toBe(1); // "1" and 1 are the same thread
    expect(s.warnings).toEqual({ 'missing ts': 1, 'non-numeric ts': 1, 'negative dur': 1, 'invalid pid or tid': 1, 'missing ph': 1 });
    expect(s.examples.find((e) => e.reason === 'negative dur')).toMatchObject({ index: 3 });
  });

  it('input that cannot be read at all rejects with a clear message', async () => {
    await expect(loadText('')).rejects.toThrow(/is empty/);
    await expect(loadText('   \n')).rejects.toThrow(/only whitespace/);
    await expect(loadText('hello world')).rejects.toThrow(/not a JSON trace/);
    await expect(loadText('{}')).rejects.toThrow(/no traceEvents array/);
    await expect(loadTrace(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), { name: 'x.png' })).rejects.toThrow(/not a JSON trace/);
    await expect(loadTrace(new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5]), { name: 'bad.gz' })).rejects.toThrow(/not a valid gzip/);
    expect((await loadText('[]')).model.summary.events.total).toBe(0);
  });
});

describe('limits', () => {
  it('a trace past the slice limit stops with a clear message', async () => {
    const events = Array.from({ length: 50 }, (_, i) => ({ ph: 'X', name: 'a', ts: i, dur: 1, pid: 1, tid: 1 }));
    const bytes = new TextEncoder().encode(JSON.stringify(events));
    await expect(loadTrace(bytes, { name: 'big.json', maxSlices: 10 })).rejects.toThrow(/big\.json is too large: the trace has more than 10 slices/);
  });

  it('absurd timestamps are skipped with a reason instead of stretching the timeline', async () => {
    const s = (await loadText('[{"ph":"X","name":"a","ts":1,"dur":1,"pid":1,"tid":1},{"ph":"X","name":"b","ts":1e308,"dur":1,"pid":1,"tid":1},{"ph":"X","name":"c","ts":2,"dur":1e300,"pid":1,"tid":1}]')).model;
    expect(s.summary.slices).toBe(1);
    expect(s.summary.warnings['ts or dur out of range']).toBe(2);
    expect(s.endUs).toBe(1);
  });

  it('cancelling stops the load with a message', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(loadTrace(new TextEncoder().encode(small), { name: 'x.json', signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});
