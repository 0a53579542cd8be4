// FNV-1a, 64-bit, streamed: the content key of a trace kept in the browser's library.
// Not cryptographic: it tells apart files, it does not resist someone forging a collision.
// Two different files collide with probability about n²/2^65 among n kept files.

const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;

export class Fnv64 {
  private hi = OFFSET_HI;
  private lo = OFFSET_LO;

  /** Feeds bytes; any split of a file into chunks gives the same hash. */
  update(bytes: Uint8Array): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < bytes.length; i++) {
      lo ^= bytes[i]!;
      // (hi, lo) × 0x100000001b3 mod 2^64, in 16-bit pieces so no product passes 2^53.
      const t0 = (lo & 0xffff) * 0x1b3;
      const t1 = (lo >>> 16) * 0x1b3 + (t0 >>> 16);
      hi = (Math.imul(hi, 0x1b3) + (t1 >>> 16) + (lo << 8)) >>> 0;
      lo = (((t1 & 0xffff) << 16) | (t0 & 0xffff)) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  /** 16 lowercase hex digits. */
  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}
