import { scaleLinear } from 'd3-scale';
import { describe, expect, it } from 'vitest';
import { TimeScale } from './time-scale.ts';

describe('TimeScale', () => {
  it('maps time to px like d3 scaleLinear, and back', () => {
    const ts = new TimeScale(100, 300, 800);
    const d3 = scaleLinear().domain([100, 300]).range([0, 800]);
    for (const t of [100, 150, 299.5, 300, 42, 1000]) {
      expect(ts.timeToPx(t)).toBeCloseTo(d3(t), 9);
      expect(ts.pxToTime(ts.timeToPx(t))).toBeCloseTo(t, 9);
    }
    expect(ts.pxPerUs).toBe(4);
    expect(ts.usPerPx).toBe(0.25);
  });

  it('keeps nanoseconds apart at deep zoom far into a trace', () => {
    // 10 ns across 1000 px, 2 s into the trace: 1 px = 0.01 ns.
    const start = 2_000_000.123;
    const ts = new TimeScale(start, start + 0.01, 1000);
    expect(ts.timeToPx(start + 0.001)).toBeCloseTo(100, 3); // 1 ns = 100 px
    expect(ts.timeToPx(start + 0.002) - ts.timeToPx(start + 0.001)).toBeCloseTo(100, 3);
  });

  it('never divides by zero on an empty view', () => {
    const ts = new TimeScale(5, 5, 0);
    expect(Number.isFinite(ts.timeToPx(6))).toBe(true);
  });
});

describe('ticks', () => {
  it('picks a 1-2-5 step and labels in the unit of the step', () => {
    const t = new TimeScale(0, 10_000, 1000).ticks(90); // 10 ms over 1000 px → ~11 ticks
    expect(t.step).toBe(1000);
    expect(t.unit).toBe('ms');
    expect(t.labels.slice(0, 3)).toEqual(['0 ms', '1 ms', '2 ms']);
    expect(t.origin).toBeNull();
  });

  it('labels fractional steps like "1.25 ms"', () => {
    const t = new TimeScale(1000, 1500, 1000).ticks(40);
    expect(t.step).toBe(20);
    expect(t.labels).toContain('1.02 ms');
    const q = new TimeScale(1000, 1500, 1000).ticks(100); // step 50 µs
    expect(q.labels).toContain('1.25 ms');
  });

  it('adapts the unit from seconds down to nanoseconds', () => {
    expect(new TimeScale(0, 20e6, 1000).ticks().unit).toBe('s');
    expect(new TimeScale(0, 20, 1000).ticks().unit).toBe('µs');
    expect(new TimeScale(0, 0.02, 1000).ticks().unit).toBe('ns');
    expect(new TimeScale(0, 0.02, 1000).ticks().labels[1]).toBe('2 ns');
  });

  it('ticks lie inside the view, in order, one step apart', () => {
    const ts = new TimeScale(123.456, 789.012, 1200);
    const t = ts.ticks();
    expect(t.times.length).toBeGreaterThan(3);
    expect(Math.min(...t.times)).toBeGreaterThanOrEqual(123.456);
    expect(Math.max(...t.times)).toBeLessThanOrEqual(789.012);
    for (let i = 1; i < t.times.length; i++) expect(t.times[i]! - t.times[i - 1]!).toBeCloseTo(t.step, 9);
  });

  it('labels every tick in the unit a timestamp there is written in', () => {
    // 100 µs steps 118 ms in: "118.8 ms", as the details panel writes 118.828111 ms.
    const t = new TimeScale(118_000, 119_000, 1000).ticks(90);
    expect(t.step).toBe(100);
    expect(t.labels).toContain('118.8 ms');
    expect(t.labels).toContain('118.9 ms');
    // Half-µs steps stay in ms (not "118825.5 µs").
    const deep = new TimeScale(118_825, 118_830, 1000).ticks(90);
    expect(deep.step).toBe(0.5);
    expect(deep.origin).toBeNull();
    expect(deep.labels).toContain('118.8255 ms');
    // A view across 1 s: each tick in its own magnitude, like timestamps.
    expect(new TimeScale(800_000, 1_200_000, 1000).ticks(200).labels).toEqual(['800 ms', '900 ms', '1 s', '1.1 s', '1.2 s']);
  });

  it('switches to offsets from an origin when absolute labels would be too long', () => {
    const start = 2_000_000.1234; // 2 s in, 20 ns wide
    const t = new TimeScale(start, start + 0.02, 1000).ticks();
    expect(t.origin).not.toBeNull();
    expect(t.originLabel).toMatch(/^2\.0000001\d* s$/);
    expect(t.labels[0]).toBe('+0');
    expect(t.labels[1]).toBe('+2 ns');
    expect(t.labels[5]).toBe('+10 ns');
  });
});
