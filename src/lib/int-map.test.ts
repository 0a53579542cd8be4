import { describe, expect, it } from 'vitest';
import { IntMap } from './int-map.ts';

/** A numeric flow key as the collector makes it: (cat, name) pair · 2^40 + id. */
const key = (pair: number, id: number): number => pair * 2 ** 40 + id;

describe('IntMap', () => {
  it('agrees with a Map on random keys below 2^53, through growth and overwrites', () => {
    let seed = 7;
    const rand32 = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    // 53 random bits from two draws (one draw scaled up would leave the low bits zero)
    const key53 = (): number => (rand32() >>> 11) * 2 ** 32 + rand32();
    const map = new IntMap(4);
    const ref = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      // small ids, any key, and keys that share their low 32 bits
      const kind = i % 3;
      const key = kind === 0 ? rand32() % 5000 : kind === 1 ? key53() : (rand32() % 8) * 2 ** 32 + 5;
      const value = rand32() >>> 1;
      if (rand32() & 1) {
        map.set(key, value);
        ref.set(key, value);
      }
      expect(map.get(key)).toBe(ref.get(key) ?? -1);
    }
    expect(map.size).toBe(ref.size);
    for (const [k, v] of ref) expect(map.get(k)).toBe(v);
  });

  it('replace gives the old value and sets the new one only where the key is present', () => {
    let seed = 3;
    const rand32 = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const map = new IntMap(4);
    const ref = new Map<number, number>();
    for (let i = 0; i < 30_000; i++) {
      const key = (rand32() % 3000) * 512; // addresses, as the memory pairing uses it
      const value = rand32() % 100;
      const replace = (rand32() & 1) === 0;
      const got = replace ? map.replace(key, 7) : (map.set(key, value), -2);
      const want = replace ? (ref.get(key) ?? -1) : -2;
      if (replace && ref.has(key)) ref.set(key, 7);
      if (!replace) ref.set(key, value);
      expect(got).toBe(want);
    }
    expect(map.size).toBe(ref.size);
    for (const [k, v] of ref) expect(map.get(k)).toBe(v);
  });

  it('keys as the collector makes them: a few (cat, name) pairs with sequential ids, up to 2^53 - 1', () => {
    const map = new IntMap();
    let value = 0;
    for (const pair of [0, 1, 2, 8191]) for (let id = 0; id < 30_000; id++) map.set(key(pair, id), value++);
    map.set(2 ** 53 - 1, value++); // pair 8191, id 2^40 - 1: the largest key
    value = 0;
    for (const pair of [0, 1, 2, 8191]) for (let id = 0; id < 30_000; id++) expect(map.get(key(pair, id))).toBe(value++);
    expect(map.get(2 ** 53 - 1)).toBe(value);
    expect(map.get(key(3, 0))).toBe(-1);
    expect(map.get(key(0, 30_000))).toBe(-1);
    expect(map.size).toBe(4 * 30_000 + 1);
  });

  it('refuses values that would read as a free slot', () => {
    const map = new IntMap();
    expect(() => map.set(1, -1)).toThrow(RangeError);
    expect(map.get(1)).toBe(-1);
  });
});
