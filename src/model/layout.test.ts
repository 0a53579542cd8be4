// The radix sort used for big tracks orders exactly as the comparison it replaces.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortByStart } from './layout.ts';

const before = (start: Float64Array, dur: Float64Array) => (a: number, b: number): number =>
  start[a]! - start[b]! || dur[b]! - dur[a]! || a - b;

describe('sortByStart', () => {
  it('orders by start, longest first on ties, then index, like the comparison sort', () => {
    const time = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 1e12, noNaN: true }), fc.constant(-0));
    fc.assert(
      fc.property(fc.array(fc.tuple(time, fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 3000 }), (rows) => {
        const start = Float64Array.from(rows, (r) => r[0]);
        const dur = Float64Array.from(rows, (r) => r[1]);
        // a track's slices: a subset of indices in index order, as the layout passes them
        const seg = Uint32Array.from(rows.keys()).filter((i) => i % 3 !== 1);
        const expected = seg.slice().sort(before(start, dur));
        sortByStart(seg, start, dur);
        expect(Array.from(seg)).toEqual(Array.from(expected));
      }),
      { numRuns: 200 },
    );
  });

  it('sorts 10^5 slices with few distinct starts', () => {
    const n = 100_000;
    const start = Float64Array.from({ length: n }, (_, i) => (i * 7919) % 1000);
    const dur = Float64Array.from({ length: n }, (_, i) => i % 13);
    const seg = Uint32Array.from({ length: n }, (_, i) => i);
    const expected = seg.slice().sort(before(start, dur));
    sortByStart(seg, start, dur);
    expect(Array.from(seg)).toEqual(Array.from(expected));
  });
});
