// A map from non-negative integers below 2^53 to non-negative int32 values, open addressing
// on typed arrays. The collector keys flows by numbers past 2^31 (pair * 2^40 + id): a Map
// boxes each such key in a heap number, one per flow endpoint to look up, and hashes it
// slowly; this map allocates nothing per key.

const EMPTY = -1;

export class IntMap {
  private keys: Float64Array;
  private values: Int32Array;
  /** 32 - log2(capacity): the hash's top bits pick the slot (multiplicative hashing). */
  private shift: number;
  private count = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.values = new Int32Array(cap).fill(EMPTY);
    this.shift = 32 - Math.log2(cap);
  }

  get size(): number {
    return this.count;
  }

  /** The value of `key`, or -1. */
  get(key: number): number {
    const keys = this.keys, values = this.values, mask = keys.length - 1;
    for (let i = this.slot(key); ; i = (i + 1) & mask) {
      const v = values[i]!;
      if (v === EMPTY || keys[i] === key) return v;
    }
  }

  /** The value of `key`, replaced by `value` (an int32 >= 0); -1, and nothing set, when absent. */
  replace(key: number, value: number): number {
    const keys = this.keys, values = this.values, mask = keys.length - 1;
    for (let i = this.slot(key); ; i = (i + 1) & mask) {
      const v = values[i]!;
      if (v === EMPTY) return EMPTY;
      if (keys[i] === key) {
        values[i] = value;
        return v;
      }
    }
  }

  /** Sets `key` to `value` (an int32 >= 0: a negative one would read as a free slot). */
  set(key: number, value: number): void {
    if (!(value >= 0 && value <= 0x7fffffff)) throw new RangeError(`IntMap value out of range: ${value}`);
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys, values = this.values, mask = keys.length - 1;
    for (let i = this.slot(key); ; i = (i + 1) & mask) {
      if (values[i] === EMPTY) {
        keys[i] = key;
        values[i] = value;
        this.count++;
        return;
      }
      if (keys[i] === key) {
        values[i] = value;
        return;
      }
    }
  }

  private slot(key: number): number {
    // key >>> 0 is key mod 2^32 for any integer below 2^53; the division gives the rest.
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    return Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) >>> this.shift;
  }

  private grow(): void {
    const keys = this.keys, values = this.values;
    const cap = keys.length * 2;
    this.keys = new Float64Array(cap);
    this.values = new Int32Array(cap).fill(EMPTY);
    this.shift--;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (values[i] !== EMPTY) this.set(keys[i]!, values[i]!);
  }
}
