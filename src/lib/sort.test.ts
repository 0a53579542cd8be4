import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../engine/synth-trace.ts';
import { orderByFloat } from './sort.ts';

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
