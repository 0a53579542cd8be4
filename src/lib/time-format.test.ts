import { describe, expect, it } from 'vitest';
import { formatMicros } from './format.ts';
import { formatDuration, formatIn, formatTick, formatTimestamp, unitForStep, unitForValue } from './time-format.ts';

describe('time formatting', () => {
  it('chooses the unit for a tick step and for a value', () => {
    expect([2e5, 500, 0.5, 0.05].map(unitForStep)).toEqual(['s', 'ms', 'µs', 'ns']);
    expect([2e6, 118828, 12, 0, 0.5, -1500].map(unitForValue)).toEqual(['s', 'ms', 'µs', 'µs', 'ns', 'ms']);
  });

  it('formats in a unit with trimmed decimals', () => {
    expect(formatIn(1250, 'ms', 2)).toBe('1.25 ms');
    expect(formatIn(1000, 'ms', 2)).toBe('1 ms');
    expect(formatIn(-0.0001, 'µs', 2)).toBe('0 µs');
  });

  it('formats durations with about three significant digits', () => {
    expect(formatDuration(12.345)).toBe('12.3 µs');
    expect(formatDuration(1250)).toBe('1.25 ms');
    expect(formatDuration(0.85)).toBe('850 ns');
    expect(formatDuration(2.5e6)).toBe('2.5 s');
    expect(formatDuration(0)).toBe('0 µs');
    expect(formatDuration(-1250)).toBe('-1.25 ms');
  });

  it('formats timestamps to the nanosecond', () => {
    expect(formatTimestamp(1_234_567.891)).toBe('1.234567891 s');
    expect(formatTimestamp(118_828.111)).toBe('118.828111 ms');
    expect(formatTimestamp(12_500)).toBe('12.5 ms');
    expect(formatTimestamp(0.85)).toBe('850 ns');
  });

  it('labels ticks in the unit of their value with the decimals of the step', () => {
    expect([118_800, 118_900].map((t) => formatTick(t, 100))).toEqual(['118.8 ms', '118.9 ms']);
    expect(formatTick(118_825.5, 0.5)).toBe('118.8255 ms');
    expect(formatTick(0, 200_000)).toBe('0 ms');
    expect(formatTick(0, 2e6)).toBe('0 s');
    expect(formatTick(0, 0.002)).toBe('0 ns');
    expect(formatTick(1.5e6, 1e5)).toBe('1.5 s');
  });

  it('the load report formats durations the same way', () => {
    for (const us of [1.5e6, 12300, 4.56, 0.12, 118_828.111]) expect(formatMicros(us)).toBe(formatDuration(us));
  });
});
