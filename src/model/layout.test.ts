// The radix sort used for big tracks orders exactly as the comparison it replaces.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutSlices, sortByStart } from './layout.ts';

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

describe('layoutSlices', () => {
  // random slices on a few tracks: nested chains, partial overlaps, equal starts, zero lengths
  const slice = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 60 }), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })));

  it('puts every slice in exactly one row, and the slices of a row in start order without overlap', () => {
    fc.assert(
      fc.property(fc.array(slice, { minLength: 1, maxLength: 400 }), (rows) => {
        const track = Uint32Array.from(rows, (r) => r[0]);
        const start = Float64Array.from(rows, (r) => r[1] / 4);
        const dur = Float64Array.from(rows, (r) => r[2] / 4);
        const { order, row, rowStarts } = layoutSlices(start, dur, track, 4);
        expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from(rows.keys()));
        const wrong: string[] = [];
        for (let t = 0; t < 4; t++) {
          const rs = rowStarts[t]!;
          for (let r = 0; r + 1 < rs.length; r++) {
            for (let k = rs[r]!; k < rs[r + 1]!; k++) {
              const i = order[k]!;
              if (track[i] !== t || row[k] !== r) wrong.push(`slice ${i} at ${k}: track ${track[i]}, row ${row[k]}`);
              const prev = k > rs[r]! ? order[k - 1]! : -1;
              if (prev >= 0 && start[i]! < start[prev]! + dur[prev]! - 1e-6) wrong.push(`slice ${i} overlaps ${prev} in row ${r}`);
            }
          }
        }
        expect(wrong).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('nests a chain of enclosing slices one row per level, whatever their file order', () => {
    const n = 50;
    // slice j spans [j, 2n - j]: each encloses the next; written in reverse
    const start = Float64Array.from({ length: n }, (_, i) => n - 1 - i);
    const dur = Float64Array.from({ length: n }, (_, i) => 2 * n - 2 * (n - 1 - i));
    const { order, row, rowStarts } = layoutSlices(start, dur, new Uint32Array(n), 1);
    expect(rowStarts[0]).toHaveLength(n + 1);
    for (let k = 0; k < n; k++) expect([row[k], start[order[k]!]]).toEqual([k, k]);
  });
});
