// The `args["Input Dims"]` of many events, read back from the source in one sequential pass
// (the parse keeps no args: event-at.ts). The events are visited in offset order: a plain
// file is read a window at a time from each next event on, skipping the gaps; a gzip or
// streamed source is inflated once, and everything between the events is passed over.

import { NEED_MORE, Scanner } from '../parse/scanner.ts';
import { StringTable } from '../parse/string-table.ts';
import { gunzip } from './gunzip.ts';

export interface InputShapes {
  /** Per requested event, in the order asked: an index into `shapes`, -1 where it has no Input Dims. */
  ids: Int32Array;
  /** The distinct shape lists, as compact JSON (`[[1,3,224,224],[64,3,7,7],[]]`). */
  shapes: string[];
}

export interface InputShapesSource {
  /** The decoded stream from its start (inflated by the pass when `gzip`). */
  stream: () => ReadableStream<Uint8Array>;
  gzip: boolean;
  /** A plain (not gzip) file: read by ranges instead of as a whole. */
  blob?: Blob;
  /** Bytes read at once from `blob` (default 1 MiB). */
  windowBytes?: number;
}

const WINDOW = 1 << 20;
const MAX_EVENT_BYTES = 64 << 20;
const ARGS = new TextEncoder().encode('args');
const INPUT_DIMS = new TextEncoder().encode('Input Dims');
const LBRACE = 123, RBRACE = 125, COMMA = 44, COLON = 58;

/** Collects the shapes of events at sorted offsets from byte windows pushed in stream order. */
class ShapeReader {
  private readonly sc = new Scanner(new StringTable());
  private readonly byRaw = new Map<string, number>();
  private readonly byShape = new Map<string, number>();
  readonly shapes: string[] = [];
  /** Next event to read (index into `order`). */
  k = 0;
  private carry: Uint8Array | null = null;
  private carryAt = 0;

  constructor(
    private readonly offsets: Float64Array,
    private readonly order: Uint32Array,
    readonly ids: Int32Array,
  ) {}

  get done(): boolean {
    return this.k >= this.order.length;
  }

  /** Where the bytes pushed next must start: the end of a partly read event, or the next event. */
  nextAt(): number {
    return this.carry ? this.carryAt + this.carry.length : this.offsets[this.order[this.k]!]!;
  }

  push(at: number, chunk: Uint8Array): void {
    let buf = chunk;
    let bufAt = at;
    if (this.carry) {
      if (at !== this.carryAt + this.carry.length) throw new Error('input shapes: bytes out of order');
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry);
      buf.set(chunk, this.carry.length);
      bufAt = this.carryAt;
      this.carry = null;
    }
    const end = bufAt + buf.length;
    while (this.k < this.order.length) {
      const slot = this.order[this.k]!;
      const off = this.offsets[slot]!;
      if (off >= end) return;
      if (off < bufAt) throw new Error(`input shapes: offset ${off} was passed over`);
      const rel = off - bufAt;
      let raw: string | null;
      try {
        raw = this.inputDims(buf, rel);
      } catch (e) {
        if (e !== NEED_MORE) throw e;
        if (buf.length - rel > MAX_EVENT_BYTES) throw new Error(`input shapes: the event at ${off} is larger than ${MAX_EVENT_BYTES} bytes`, { cause: e });
        this.carry = buf.slice(rel);
        this.carryAt = off;
        return;
      }
      this.ids[slot] = raw === null ? -1 : this.idOf(raw);
      this.k++;
    }
  }

  /** The raw text of args["Input Dims"] of the event object at `rel`, or null; NEED_MORE if cut. */
  private inputDims(buf: Uint8Array, rel: number): string | null {
    const sc = this.sc;
    sc.setWindow(buf, rel, buf.length, 0);
    if (sc.skipWs() !== LBRACE) sc.fail('an event must be an object');
    sc.pos++;
    const inArgs = this.findKey(ARGS);
    if (!inArgs || sc.skipWs() !== LBRACE) return null;
    sc.pos++;
    if (!this.findKey(INPUT_DIMS)) return null;
    const s = sc.pos;
    sc.skipValue();
    let text = '';
    for (let p = s; p < sc.pos; p++) text += String.fromCharCode(buf[p]!);
    return text;
  }

  /** Walks the keys of the object whose '{' was just passed; true when at the value of `key`. */
  private findKey(key: Uint8Array): boolean {
    const sc = this.sc;
    let c = sc.skipWs();
    if (c === RBRACE) return false;
    for (;;) {
      const k0 = sc.pos + 1;
      sc.skipValue(); // the key
      const k1 = sc.pos - 1;
      if (sc.skipWs() !== COLON) sc.fail("expected ':'");
      sc.pos++;
      sc.skipWs();
      if (k1 - k0 === key.length && sameBytes(sc.buf, k0, key)) return true;
      sc.skipValue();
      c = sc.skipWs();
      if (c === RBRACE) return false;
      if (c !== COMMA) sc.fail("expected ',' or '}'");
      sc.pos++;
      sc.skipWs();
    }
  }

  private idOf(raw: string): number {
    let id = this.byRaw.get(raw);
    if (id !== undefined) return id;
    let shape: string;
    try {
      shape = JSON.stringify(JSON.parse(raw));
    } catch {
      shape = raw;
    }
    id = this.byShape.get(shape);
    if (id === undefined) {
      id = this.shapes.length;
      this.shapes.push(shape);
      this.byShape.set(shape, id);
    }
    this.byRaw.set(raw, id);
    return id;
  }
}

function sameBytes(buf: Uint8Array, at: number, key: Uint8Array): boolean {
  for (let i = 0; i < key.length; i++) if (buf[at + i] !== key[i]) return false;
  return true;
}

/**
 * The Input Dims of the events at `offsets` (decoded stream positions, any order), read in one
 * pass. `onProgress(done, total)` counts events read.
 */
export async function readInputShapes(
  src: InputShapesSource,
  offsets: Float64Array,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<InputShapes> {
  const n = offsets.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => offsets[a]! - offsets[b]!);
  const ids = new Int32Array(n).fill(-1);
  const r = new ShapeReader(offsets, order, ids);
  let reported = -1;
  const report = (): void => {
    if (!onProgress || r.k - reported < 4096) return;
    reported = r.k;
    onProgress(r.k, n);
  };
  if (!src.gzip && src.blob) {
    const blob = src.blob;
    const window = src.windowBytes ?? WINDOW;
    while (!r.done) {
      signal?.throwIfAborted();
      const at = r.nextAt();
      if (at >= blob.size) throw new Error(`input shapes: the event at ${at} is cut off by the end of the file`);
      r.push(at, new Uint8Array(await blob.slice(at, at + window).arrayBuffer()));
      report();
    }
  } else if (!r.done) {
    const reader = (src.gzip ? gunzip(src.stream()) : src.stream()).getReader();
    let at = 0;
    try {
      while (!r.done) {
        signal?.throwIfAborted();
        const c = await reader.read();
        if (c.done) throw new Error(`input shapes: the stream ended at ${at}, before the event at ${r.nextAt()}`);
        const chunk = c.value;
        const end = at + chunk.length;
        const need = r.nextAt();
        if (end > need) r.push(need, chunk.subarray(need - at));
        at = end;
        report();
      }
    } finally {
      void reader.cancel().catch(() => undefined);
    }
  }
  onProgress?.(n, n);
  return { ids, shapes: r.shapes };
}
