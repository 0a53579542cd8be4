import { describe, expect, it } from 'vitest';
import { IntMap } from './int-map.ts';

describe('IntMap', () => {
  it('agrees with a Map on random keys up to 2^53, through growth and overwrites', () => {
    let seed = 7;
    const rand = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const map = new IntMap(4);
    const ref = new Map<number, number>();
    for (let i = 0; i < 50_000; i++) {
      // small ids, ids past 2^32, and keys that share their low 32 bits
      const kind = i % 3;
      const key = kind === 0 ? Math.floor(rand() * 5000) : kind === 1 ? Math.floor(rand() * 2 ** 53) : Math.floor(rand() * 8) * 2 ** 32 + 5;
      const value = Math.floor(rand() * 2 ** 31);
      if (rand() < 0.5) {
        map.set(key, value);
        ref.set(key, value);
      }
      expect(map.get(key)).toBe(ref.get(key) ?? -1);
    }
    expect(map.size).toBe(ref.size);
    for (const [k, v] of ref) expect(map.get(k)).toBe(v);
    expect(map.get(2 ** 53 - 1)).toBe(ref.get(2 ** 53 - 1) ?? -1);
  });

  it('keys 0 and sequential ids (launch correlations) all stay distinct', () => {
    const map = new IntMap();
    for (let i = 0; i < 100_000; i++) map.set(i * 2 ** 40 + (i % 7), i);
    for (let i = 0; i < 100_000; i++) expect(map.get(i * 2 ** 40 + (i % 7))).toBe(i);
    expect(map.get(1)).toBe(-1);
    expect(map.size).toBe(100_000);
  });
});
