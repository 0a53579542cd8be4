// Aligning the compared run: at the start, by a step (the same name, or one in each run), by an
// offset; what compare() reports; the Diff tab's scopes; errors with one trace or a missing step.

import { describe, expect, it } from 'vitest';
import { loadEvents } from '../testing/load-text.ts';
import { createAppStore, type LoadedTrace } from '../store/app-store.ts';
import { setTraceOffsets } from '../store/actions.ts';
import { align, comparisonOf, scopeWindows, shiftCompared, stepOffset, stepPairOf } from './compare.ts';

/** A thread with ProfilerStep#1..3 of `len` µs each from `t0` (after an op at 0 that sets the trace start). */
async function run(id: string, t0: number, len: number): Promise<LoadedTrace> {
  const events: unknown[] = [{ ph: 'X', name: 'warm', cat: 'cpu_op', pid: 1, tid: 1, ts: 0, dur: 1 }];
  for (let k = 0; k < 3; k++) {
    events.push({ ph: 'X', name: `ProfilerStep#${k + 1}`, cat: 'user_annotation', pid: 1, tid: 1, ts: t0 + k * len, dur: len - 1 });
    events.push({ ph: 'X', name: 'aten::mm', cat: 'cpu_op', pid: 1, tid: 1, ts: t0 + k * len + 1, dur: 2 });
  }
  const { model } = await loadEvents(events);
  return { id, name: `${id}.json`, model, url: null };
}

describe('align', () => {
  it('shifts B so that the chosen steps start together, by name or one per run', async () => {
    const a = await run('a', 100, 50); // steps at 100, 150, 200
    const b = await run('b', 10, 80); // steps at 10, 90, 170
    const store = createAppStore({ traces: [a, b] });
    align(store, { step: 'ProfilerStep#2' });
    expect(comparisonOf(store.getState().traces, store.getState().compare)).toEqual({ aligned: 'step', offsetUs: 150 - 90 });
    expect(store.getState().compare).toMatchObject({ stepA: 'ProfilerStep#2', stepB: 'ProfilerStep#2' });
    align(store, { stepA: 'ProfilerStep#3', stepB: 'ProfilerStep#1' });
    expect(store.getState().traces[1]!.offsetUs).toBe(200 - 10);
    expect(store.getState().traces[0]!.offsetUs ?? 0).toBe(0); // A never moves
    align(store, { offsetUs: -12.5 });
    expect(comparisonOf(store.getState().traces, store.getState().compare)).toEqual({ aligned: 'manual', offsetUs: -12.5 });
    shiftCompared(store, 7);
    expect(store.getState().compare.aligned).toBe('manual');
    align(store, { start: true });
    expect(comparisonOf(store.getState().traces, store.getState().compare)).toEqual({ aligned: 'start', offsetUs: 0 });
  });

  it('counts A\'s own offset (B lines up where A is drawn)', async () => {
    const a = await run('a', 100, 50);
    const b = await run('b', 10, 80);
    const store = createAppStore({ traces: [a, b] });
    setTraceOffsets(store, { a: 1000 });
    const [sa, sb] = store.getState().traces;
    expect(stepOffset(sa!, 'ProfilerStep#1', sb!, 'ProfilerStep#1')).toBe(1000 + 100 - 10);
  });

  it('says what is wrong: one trace, a step one run lacks, an offset that is not a number', async () => {
    const a = await run('a', 100, 50);
    const b = await run('b', 10, 80);
    expect(() => align(createAppStore({ traces: [a] }), { start: true })).toThrow(/one trace is open/);
    const store = createAppStore({ traces: [a, b] });
    expect(() => align(store, { step: 'ProfilerStep#9' })).toThrow('no step "ProfilerStep#9" in a.json');
    expect(() => align(store, { offsetUs: Number.NaN })).toThrow(/finite/);
    expect(store.getState().compare.aligned).toBe('start');
    expect(comparisonOf([a], store.getState().compare)).toBeNull();
  });
});

describe('the Diff tab scopes', () => {
  it('gives each run its own window: the step pair, or the range less each run\'s offset', async () => {
    const a = await run('a', 100, 50);
    const b = { ...(await run('b', 10, 80)), offsetUs: 40 };
    const c = { aligned: 'step' as const, stepA: 'ProfilerStep#2', stepB: 'ProfilerStep#3', linked: true };
    const pair = stepPairOf(a, b, c)!;
    expect([pair.a.name, pair.b.name]).toEqual(['ProfilerStep#2', 'ProfilerStep#3']);
    expect(scopeWindows('step', a, b, c, null)).toEqual({ wa: { start: pair.a.start, end: pair.a.end }, wb: { start: pair.b.start, end: pair.b.end } });
    expect(scopeWindows('range', a, b, c, { start: 100, end: 200 })).toEqual({ wa: { start: 100, end: 200 }, wb: { start: 60, end: 160 } });
    expect(scopeWindows('range', a, b, c, null)).toMatch(/No range/);
    expect(scopeWindows('whole', a, b, c, null)).toEqual({});
  });
});
