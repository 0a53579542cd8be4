// Broken and hostile inputs: each case states what the user is told and what still loads.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadText, slicesNamed } from '../testing/load-text.ts';
import { loadTrace, TraceLoadError } from './load.ts';

const X = (name: unknown, ts: unknown = 1, extra: object = {}) => ({ ph: 'X', name, ts, dur: 1, pid: 1, tid: 1, ...extra });
const json = (events: unknown[]) => JSON.stringify({ traceEvents: events });
const bytes = (s: string) => new TextEncoder().encode(s);

describe('inputs that cannot be read at all', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['an empty file', new Uint8Array(0), /empty \(0 bytes\)/],
    ['whitespace only', bytes('  \n\t '), /only whitespace/],
    ['an object without traceEvents', bytes('{}'), /no traceEvents array/],
    ['an object whose traceEvents is not an array', bytes('{"traceEvents": 5}'), /no traceEvents array/],
    ['plain text', bytes('this is not json'), /not a JSON trace: it must start with \{ or \[/],
    ['a PNG image', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /not a JSON trace/],
    ['random binary', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251), /not a JSON trace/],
    ['bad gzip', new Uint8Array([0x1f, 0x8b, 8, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]), /not a valid gzip file/],
    ['gzip of garbage', new Uint8Array(gzipSync(Buffer.from('garbage, not a trace'))), /not a JSON trace/],
    ['a syntax error before any event', bytes('{"traceEvents": [{"ph": x}]'), /syntax error at byte \d+/],
  ];
  for (const [what, input, message] of cases) {
    it(`${what}: rejects with a message`, async () => {
      const p = loadTrace(input, { name: 'bad.json' });
      await expect(p).rejects.toBeInstanceOf(TraceLoadError);
      await expect(p).rejects.toThrow(message);
    });
  }

  it('an empty event array loads, with nothing in it', async () => {
    const s = (await loadText('[]')).model.summary;
    expect([s.events.total, s.slices, s.tracks]).toEqual([0, 0, 0]);
  });
});

describe('invalid events are skipped by reason, valid ones all load', () => {
  it('wrong types for every field', async () => {
    const r = await loadText(json([
      X('ok'),
      X('ts string', '12'),
      X('ts null', null),
      X('dur negative', 1, { dur: -5 }),
      X('dur string', 1, { dur: '5' }),
      X('pid object', 1, { pid: { a: 1 } }),
      X('tid array', 1, { tid: [1] }),
      X('pid bool', 1, { pid: true }),
      X(42), // a number as name: kept, as text
      X({ html: 1 }), // an object as name: kept, unnamed, reported
      X('cat object', 1, { cat: { x: 1 } }),
      X('args string', 1, { args: 'nope' }),
      { ph: 7, name: 'ph number', ts: 1, pid: 1, tid: 1 },
      { ph: 'XX', name: 'ph long', ts: 1, pid: 1, tid: 1 },
      X('ok2', 2),
    ]));
    const s = r.model.summary;
    expect(s.warnings).toMatchObject({
      'non-numeric ts': 2,
      'negative dur': 1,
      'non-numeric dur': 1,
      'invalid pid or tid': 3,
      'invalid name': 1,
      'invalid ph': 2,
    });
    expect(slicesNamed(r, 'ok')).toHaveLength(1);
    expect(slicesNamed(r, 'ok2')).toHaveLength(1);
    expect(slicesNamed(r, '42')).toHaveLength(1);
    expect(slicesNamed(r, 'cat object')).toHaveLength(1);
    expect(slicesNamed(r, 'args string')).toHaveLength(1);
    expect(s.slices).toBe(6);
    expect(s.events.total).toBe(15);
    for (const e of s.examples) expect(e.atByte).toBeGreaterThan(0);
  });

  it('NaN and Infinity (not JSON) are syntax errors; reading resumes at the next event', async () => {
    const text = '[{"ph":"X","name":"a","ts":1,"dur":1,"pid":1,"tid":1},{"ph":"X","name":"nan","ts":NaN,"dur":1,"pid":1,"tid":1},{"ph":"X","name":"inf","ts":1,"dur":Infinity,"pid":1,"tid":1},{"ph":"X","name":"b","ts":2,"dur":1,"pid":1,"tid":1}]';
    const r = await loadText(text);
    expect(slicesNamed(r, 'a')).toHaveLength(1);
    expect(slicesNamed(r, 'b')).toHaveLength(1);
    expect(r.model.summary.slices).toBe(2);
    expect(Object.keys(r.model.summary.warnings).some((w) => w.startsWith('non-numeric') || w.startsWith('syntax error'))).toBe(true);
  });

  it('huge timestamps are skipped with a reason', async () => {
    const r = await loadText(json([X('a', 1), X('far', 1e308), X('b', 3)]));
    expect(r.model.summary.warnings['ts or dur out of range']).toBe(1);
    expect(r.model.endUs).toBe(3);
  });
});

describe('odd but valid content', () => {
  it('duplicate metadata: the first name wins, nothing breaks', async () => {
    const r = await loadText(json([
      { ph: 'M', name: 'thread_name', pid: 1, tid: 1, args: { name: 'first' } },
      { ph: 'M', name: 'thread_name', pid: 1, tid: 1, args: { name: 'second' } },
      { ph: 'M', name: 'process_name', pid: 1, args: { name: 'p1' } },
      { ph: 'M', name: 'process_name', pid: 1, args: { name: 'p2' } },
      X('a'),
    ]));
    expect(r.model.tracks[0]!.name).toBe('first');
    expect(r.model.processes[0]!.name).toMatch(/^p[12] \(1\)$/);
  });

  it('flows to nowhere and flow cycles neither hang nor invent arrows', async () => {
    const r = await loadText(json([
      X('a', 0, { dur: 10, bind_id: 1, flow_out: true, flow_in: true }),
      X('b', 20, { dur: 10, bind_id: 1, flow_out: true, flow_in: true }),
      { ph: 'f', id: 99, cat: 'c', name: 'n', ts: 5, pid: 1, tid: 1, bp: 'e' },
      { ph: 's', id: 98, cat: 'c', name: 'n', ts: 5, pid: 1, tid: 1 },
      { ph: 's', id: 97, cat: 'c', name: 'n', ts: 5, pid: 1, tid: 1 },
      { ph: 'f', id: 97, cat: 'c', name: 'n', ts: 500, pid: 5, tid: 5, bp: 'e' }, // thread with no slices
    ]));
    const s = r.model.summary;
    expect(s.flows.unmatched).toBe(2);
    expect(s.warnings['flow endpoints with no slice to attach to']).toBe(1);
    expect(r.model.flows.from.length).toBeLessThanOrEqual(2);
  });

  it('a name of a million characters loads whole', async () => {
    const long = 'k'.repeat(1_000_000);
    const r = await loadText(json([X(long), X(long, 5)]));
    expect(slicesNamed(r, long)).toHaveLength(2);
  });

  it('args nested 100,000 levels deep load (the scanner never recurses)', async () => {
    const deep = '{"ph":"X","name":"deep","ts":1,"dur":1,"pid":1,"tid":1,"cat":"cpu_op","args":' + '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000) + '}';
    const r = await loadText(`[${deep},{"ph":"X","name":"next","ts":2,"dur":1,"pid":1,"tid":1}]`);
    expect(r.model.summary.slices).toBe(2);
    const r2 = await loadText(`[${deep.replace('"cat":"cpu_op",', '')}]`);
    expect(r2.model.summary.slices).toBe(1);
  });

  it('HTML and script in names stay plain text', async () => {
    const evil = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
    const r = await loadText(json([X(evil, 1, { args: { note: evil } })]));
    expect(slicesNamed(r, evil)).toHaveLength(1);
  });

  it('Unicode: RTL, emoji, escaped lone surrogates and invalid UTF-8 bytes', async () => {
    const rtl = 'عملية ‏الضرب';
    const emoji = 'kernel 🚀🔥';
    const r = await loadText(json([X(rtl), X(emoji)]));
    expect(slicesNamed(r, rtl)).toHaveLength(1);
    expect(slicesNamed(r, emoji)).toHaveLength(1);
    const lone = await loadText('[{"ph":"X","name":"a\\ud800b","ts":1,"dur":1,"pid":1,"tid":1}]');
    expect(lone.model.strings).toContain('a\ud800b');
    const raw = new Uint8Array([...bytes('[{"ph":"X","name":"x'), 0xff, 0xfe, ...bytes('y","ts":1,"dur":1,"pid":1,"tid":1}]')]);
    const bad = await loadTrace(raw, { name: 'raw.json' });
    expect(bad.model.summary.slices).toBe(1);
    expect(bad.model.strings).toContain('x\ufffd\ufffdy');
  });

  it('raw control characters inside strings are tolerated', async () => {
    const r = await loadText('[{"ph":"X","name":"tab\there\nnewline","ts":1,"dur":1,"pid":1,"tid":1}]');
    expect(r.model.summary.slices).toBe(1);
    expect(r.model.summary.syntaxError).toBeNull();
  });

  it('100,000 threads load, each its own track', async () => {
    const events = Array.from({ length: 100_000 }, (_, i) => X('t', i, { tid: i }));
    const t0 = performance.now();
    const r = await loadText(json(events));
    expect(r.model.summary.threads).toBe(100_000);
    expect(r.model.tracks).toHaveLength(100_000);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });
});
