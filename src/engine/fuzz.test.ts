// Property-based tests: random valid traces round-trip with counts and times preserved;
// random damage to a real trace never throws anything but the engine's own error, and
// never hangs.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadTrace, TraceLoadError } from './load.ts';
import { tracePath } from '../testing/traces-dir.ts';

const names = fc.constantFrom('aten::mm', 'cudaLaunchKernel', 'ProfilerStep#1', '<b>x</b>', 'ünï', '🚀', 'a"b\\c');
const micros = fc.integer({ min: 0, max: 10_000_000 }).map((n) => n / 1000); // 3 decimals, as Kineto writes
const pid = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom('0', '1', 'Spans'));
const event = fc.oneof(
  fc.record({ ph: fc.constant('X'), name: names, ts: micros, dur: micros, pid, tid: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ ph: fc.constant('i'), name: names, ts: micros, pid, tid: fc.integer({ min: 0, max: 3 }), s: fc.constant('t') }),
  fc.record({ ph: fc.constant('C'), name: names, ts: micros, pid, args: fc.record({ v: fc.integer() }) }),
);

describe('property: valid traces round-trip', () => {
  it('keeps every event, its phase, and each X slice start and duration', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 60 }), fc.boolean(), async (events, bare) => {
        const text = bare ? JSON.stringify(events) : JSON.stringify({ traceEvents: events, schemaVersion: 1 });
        const { model } = await loadTrace(new TextEncoder().encode(text), { name: 'p.json' });
        const s = model.summary;
        expect(s.events.total).toBe(events.length);
        const byPhase: Record<string, number> = {};
        for (const e of events) byPhase[e.ph] = (byPhase[e.ph] ?? 0) + 1;
        expect(s.events.byPhase).toEqual(byPhase);
        const xs = events.filter((e) => e.ph === 'X') as { ts: number; dur: number }[];
        const first = Math.min(...events.map((e) => e.ts));
        const want = xs.map((e) => `${(e.ts - first).toFixed(3)}+${e.dur.toFixed(3)}`).sort();
        const got: string[] = [];
        for (let i = 0; i < model.slices.start.length; i++) {
          if (model.slices.flags[i] === 0) got.push(`${model.slices.start[i]!.toFixed(3)}+${model.slices.dur[i]!.toFixed(3)}`);
        }
        expect(got.sort()).toEqual(want);
        expect(s.warnings).toEqual({});
      }),
      { numRuns: 150 },
    );
  });
});

const realTrace = gunzipSync(readFileSync(tracePath('hta__step_based_trace_2543932.json.gz')));

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', 'null', '1e999', '{"ph":"B"', '\u0000', '\ud800') }),
);

function mutate(src: Uint8Array, ms: { kind: string; at: number; byte?: number; len?: number; text?: string }[]): Uint8Array {
  let b = src;
  for (const m of ms) {
    const at = m.at % Math.max(1, b.length);
    if (m.kind === 'cut') b = b.subarray(0, at);
    else if (m.kind === 'flip') {
      b = b.slice();
      b[at] = m.byte!;
    } else if (m.kind === 'delete') b = new Uint8Array([...b.subarray(0, at), ...b.subarray(at + m.len!)]);
    else b = new Uint8Array([...b.subarray(0, at), ...new TextEncoder().encode(m.text!), ...b.subarray(at)]);
  }
  return b;
}

describe('property: damaged traces', () => {
  it('load what is valid or reject with a TraceLoadError, and always finish', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (ms) => {
        const input = mutate(realTrace, ms);
        const t0 = performance.now();
        const outcome = await loadTrace(input, { name: 'damaged.json' }).then(
          ({ model }) => (model.slices.start.length === model.summary.slices ? 'loaded' : 'inconsistent'),
          (e: unknown) => (e instanceof TraceLoadError ? 'rejected' : `threw ${String(e)}`),
        );
        expect(['loaded', 'rejected']).toContain(outcome);
        expect(performance.now() - t0).toBeLessThan(5000);
      }),
      { numRuns: 120 },
    );
  }, 120_000);
});
