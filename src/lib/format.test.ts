import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatBytes, formatCount, formatMicros } from './format.ts';

describe('formatCount', () => {
  it('groups digits by three', () => {
    expect([0, 7, 999, 1000, 12345, 1234567, -4200].map(formatCount)).toEqual(['0', '7', '999', '1,000', '12,345', '1,234,567', '-4,200']);
  });
  it('reads back as the integer it shows', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), (n) => {
        const s = formatCount(n);
        expect(s).toMatch(/^-?\d{1,3}(,\d{3})*$/);
        expect(Number(s.replaceAll(',', ''))).toBe(n);
      }),
    );
  });
});

describe('formatBytes and formatMicros', () => {
  it('pick a unit that fits', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(300 * 2 ** 20)]).toEqual(['512 B', '1.5 KB', '300 MB']);
    expect([formatMicros(1.5e6), formatMicros(12300), formatMicros(4.56), formatMicros(0.12)]).toEqual(['1.5 s', '12.3 ms', '4.56 µs', '120 ns']);
  });
});
