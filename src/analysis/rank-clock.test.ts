import { describe, expect, it } from 'vitest';
import { loadText } from '../testing/load-text.ts';
import { baseTimeNs, rankClock } from './rank-clock.ts';

const trace = (ts: string, extra = ''): string =>
  `{"traceEvents":[{"ph":"X","name":"a","pid":1,"tid":1,"ts":${ts},"dur":1},{"ph":"X","name":"b","pid":1,"tid":1,"ts":${ts}5,"dur":1}]${extra}}`;

describe('ranks on one clock', () => {
  it('offsets of epoch-scale starts are exact to the ns (startUs alone is not)', async () => {
    // 1694128201426556.123 and 1694128201421058.456: 5497.667 µs apart.
    const a = (await loadText(trace('1694128201426556.123'))).model;
    const b = (await loadText(trace('1694128201421058.456'))).model;
    const c = rankClock([a, b]);
    expect(c.kind).toBe('kineto');
    expect(c.offsetsUs[1]).toBe(0);
    expect(c.offsetsUs[0]).toBeCloseTo(5497.667, 9);
    // The lossy sum would be off by up to a quarter µs: this test must be able to tell.
    expect(Math.abs(a.startUs - b.startUs - 5497.667)).toBeGreaterThan(1e-6);
  });

  it('adds baseTimeNanoseconds when every rank has it, exactly (beyond 2^53)', async () => {
    const a = (await loadText(trace('1000.5', ',"baseTimeNanoseconds":1711964646000000000'))).model;
    const b = (await loadText(trace('1000.5', ',"baseTimeNanoseconds":1711964646000000777'))).model;
    expect(a.metadata.baseTimeNanoseconds).toBe('1711964646000000000');
    expect(baseTimeNs(b.metadata)).toBe(1711964646000000777n);
    const c = rankClock([a, b]);
    expect(c.kind).toBe('base');
    expect(c.description).toContain('baseTimeNanoseconds');
    expect(c.offsetsUs[0]).toBe(0);
    expect(c.offsetsUs[1]).toBeCloseTo(0.777, 12);
  });

  it('ignores baseTimeNanoseconds when only some ranks have it', async () => {
    const a = (await loadText(trace('1000', ',"baseTimeNanoseconds":1711964646000000000'))).model;
    const b = (await loadText(trace('1250'))).model;
    const c = rankClock([a, b]);
    expect(c.kind).toBe('kineto');
    expect(c.description).toContain('some rank files only');
    expect(c.offsetsUs).toEqual([0, 250]);
  });

  it('a small integer base stays a number', async () => {
    const a = (await loadText(trace('10', ',"baseTimeNanoseconds":5000'))).model;
    expect(a.metadata.baseTimeNanoseconds).toBe(5000);
    expect(baseTimeNs(a.metadata)).toBe(5000n);
  });
});
