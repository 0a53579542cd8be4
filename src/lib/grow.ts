// Append-only typed arrays that double their capacity: the parser's temporary columns.

type TypedArray = Float64Array | Float32Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;
type Ctor<T extends TypedArray> = new (n: number) => T;

export class Grow<T extends TypedArray> {
  data: T;
  length = 0;
  private readonly ctor: Ctor<T>;

  constructor(ctor: Ctor<T>, capacity = 1024) {
    this.ctor = ctor;
    this.data = new ctor(capacity);
  }

  push(v: number): void {
    if (this.length === this.data.length) this.ensure(1);
    this.data[this.length++] = v;
  }

  /** Makes room for `extra` more values; write them at data[length..] and add to length. */
  ensure(extra: number): T {
    if (this.length + extra > this.data.length) {
      let cap = Math.max(16, this.data.length * 2);
      while (cap < this.length + extra) cap *= 2;
      const next = new this.ctor(cap);
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    return this.data;
  }

  /** The content, without a copy: valid until the next push; the caller may change it. */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }

  /** A right-sized copy of the content. */
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export const growF64 = (n?: number): Grow<Float64Array> => new Grow(Float64Array, n);
export const growU32 = (n?: number): Grow<Uint32Array> => new Grow(Uint32Array, n);
export const growU8 = (n?: number): Grow<Uint8Array> => new Grow(Uint8Array, n);
