import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../engine/synth-trace.ts';
import { kthLargest, orderByFloat, topIndices } from './sort.ts';

/** The order a plain stable comparison sort gives. */
function plainOrder(keys: Float64Array): number[] {
  return Array.from(keys, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
}

describe('orderByFloat', () => {
  it('orders as a stable comparison sort: negatives, ties, -0, fractions, huge and tiny values', () => {
    const rand = mulberry32(5);
    for (let round = 0; round < 40; round++) {
      const n = 1 + Math.floor(rand() * 3000);
      const pool = [0, -0, 1, -1, 0.5, -2.25, 1e15 + 0.125, 1e15 + 0.25, 1.7e15, -1e300, 1e300, 5e-324, -5e-324, Number.MAX_VALUE, -Infinity, Infinity];
      const keys = Float64Array.from({ length: n }, () => {
        const r = rand();
        if (r < 0.3) return pool[Math.floor(rand() * pool.length)]!;
        if (r < 0.6) return Math.floor(rand() * 20); // many ties
        return (rand() - 0.3) * 10 ** Math.floor(rand() * 18);
      });
      expect(Array.from(orderByFloat(keys))).toEqual(plainOrder(keys));
    }
  });

  it('keeps sorted input as it is, and orders keys that differ only in their lowest bits', () => {
    expect(Array.from(orderByFloat(Float64Array.from([1, 2, 2, 3])))).toEqual([0, 1, 2, 3]);
    const base = 1700000000000000;
    const keys = Float64Array.from([base + 0.5, base + 0.25, base, base + 0.25, base - 0.25]);
    expect(Array.from(orderByFloat(keys))).toEqual([4, 2, 1, 3, 0]);
    const neg = keys.map((k) => -k);
    expect(Array.from(orderByFloat(neg))).toEqual(plainOrder(neg));
    expect(Array.from(orderByFloat(new Float64Array(0)))).toEqual([]);
  });
});

describe('topIndices / kthLargest', () => {
  it('agree with a full sort: ties, duplicates, k past n, negatives', () => {
    const rand = mulberry32(11);
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(rand() * 400);
      const values = Float64Array.from({ length: n }, () => (rand() < 0.4 ? Math.floor(rand() * 5) : (rand() - 0.5) * 1e6));
      const tieKey = Float64Array.from({ length: n }, () => Math.floor(rand() * 3));
      const k = 1 + Math.floor(rand() * (n + 5));
      const plain = Array.from(values, (_, i) => i)
        .sort((x, y) => values[y]! - values[x]! || tieKey[x]! - tieKey[y]! || x - y);
      const got = topIndices(values, n, k, tieKey);
      // the same values in the same order; among ties at the cut, the earliest indices
      expect(got.map((i) => values[i])).toEqual(plain.slice(0, k).map((i) => values[i]));
      expect(got.length).toBe(Math.min(n, k));
      const cut = values[got[got.length - 1]!]!;
      const equalAtCut = got.filter((i) => values[i] === cut).sort((x, y) => x - y);
      const firstEqual = Array.from(values, (_, i) => i).filter((i) => values[i] === cut).slice(0, equalAtCut.length);
      expect(equalAtCut).toEqual(firstEqual);
      const kk = Math.min(k, n);
      expect(kthLargest(values.slice(), kk)).toBe(Float64Array.from(values).sort().reverse()[kk - 1]);
    }
  });
});
