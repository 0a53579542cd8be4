import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Fnv64 } from './fnv64.ts';

/** FNV-1a 64 as its definition reads, in BigInt: xor the byte, multiply by the prime mod 2^64. */
function reference(bytes: Uint8Array): string {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('Fnv64', () => {
  it('gives the published FNV-1a 64 test vectors', () => {
    expect(new Fnv64().hex()).toBe('cbf29ce484222325');
    expect(new Fnv64().update(text('a')).hex()).toBe('af63dc4c8601ec8c');
    expect(new Fnv64().update(text('foobar')).hex()).toBe('85944171f73967e8');
  });

  it('equals the BigInt definition on any bytes, however they are split into chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(600), { maxLength: 6 }), (bytes, cuts) => {
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const h = new Fnv64();
        let from = 0;
        for (const c of [...at, bytes.length]) {
          h.update(bytes.subarray(from, c));
          from = c;
        }
        expect(h.hex()).toBe(reference(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('tells apart files that differ in one byte in the middle, or only in length', () => {
    const a = new Uint8Array(1 << 16).fill(0x20);
    const b = a.slice();
    b[1 << 15] = 0x21;
    expect(new Fnv64().update(a).hex()).not.toBe(new Fnv64().update(b).hex());
    expect(new Fnv64().update(a).hex()).not.toBe(new Fnv64().update(a.subarray(1)).hex());
    expect(new Fnv64().update(a).hex()).toMatch(/^[0-9a-f]{16}$/);
  });
});
