// Streams a Trace Event Format file through the scanner: the top level (object or bare
// array form), the traceEvents array event by event, other top-level keys as metadata.
// Bytes arrive in chunks of any size; the whole file is never one string, so files past
// V8's 512 MiB string limit load too.

import { EventFields, JsonSyntaxError, NEED_MORE, Scanner, type ArgsFilter } from './scanner.ts';
import { StringTable } from './string-table.ts';
import { STOP_JS, STOP_READ, WasmEvents, type RunSink } from './wasm-events.ts';

/** Where the events go; it also says which categories' args it reads (the rest are skipped). */
export interface EventSink extends ArgsFilter {
  /** One event object of the traceEvents array; `index` counts objects from 0. */
  event(f: EventFields, sc: Scanner, index: number): void;
  metadata(key: string, value: unknown): void;
}

export interface ParseOutcome {
  bytes: number;
  events: number;
  form: 'object' | 'array' | 'none';
  /** Whether a traceEvents array (or the bare array form) was found. */
  eventsArray: boolean;
  /** Where the input stopped inside the data (null when it ended cleanly). */
  truncated: null | { atByte: number; afterEvents: number };
  syntaxError: null | { atByte: number; context: string; message: string };
  syntaxErrors: number;
  nonObjectElements: number;
  trailingGarbage: boolean;
  /** Events read by the WebAssembly reader (wasm-events.ts); the rest by the JS scanner. */
  wasmEvents: number;
  /** Of those, the events the module also appended itself, in runs (RunSink). */
  wasmCollected: number;
}

const enum State {
  Start,
  ObjectKey,
  ObjectValue,
  AfterValue,
  Events,
  Resync,
  Done,
}

const decoder = new TextDecoder();
/** Control characters shown as spaces, so a context snippet stays on one line. */
function printable(s: string): string {
  let out = '';
  for (const ch of s) out += ch.charCodeAt(0) < 32 ? ' ' : ch;
  return out;
}

export class StreamParser {
  readonly strings: StringTable;
  readonly scanner: Scanner;
  private readonly fields = new EventFields();
  /** Reads the common event in WebAssembly; it then owns the window (`work`). Null: JS alone. */
  private wasm: WasmEvents | null;
  private work: Uint8Array = new Uint8Array(1 << 16);
  private len = 0;
  private pos = 0;
  private base = 0;
  private minAvail = 0;
  private state = State.Start;
  private form: 'object' | 'array' | 'none' = 'none';
  private eventsInObject = false;
  private seenEventsKey = false;
  private currentKey = '';
  private total = 0;
  private outcome: ParseOutcome;

  constructor(
    private readonly sink: EventSink,
    strings = new StringTable(),
  ) {
    this.strings = strings;
    this.scanner = new Scanner(strings);
    this.scanner.argsFilter = sink;
    this.wasm = WasmEvents.create(strings, sink);
    if (this.wasm) this.growWasmWindow(1 << 16);
    this.outcome = {
      bytes: 0, events: 0, form: 'none', eventsArray: false, truncated: null, syntaxError: null,
      syntaxErrors: 0, nonObjectElements: 0, trailingGarbage: false, wasmEvents: 0, wasmCollected: 0,
    };
  }

  get eventsSoFar(): number {
    return this.total;
  }

  /**
   * Starts inside the event array, at an event boundary `base` bytes into the stream: how a
   * parse worker reads a later segment of the file. `form` is the file's top-level form.
   */
  startInEvents(form: 'object' | 'array', base: number): void {
    this.form = form;
    this.eventsInObject = form === 'object';
    this.seenEventsKey = form === 'object';
    this.state = State.Events;
    this.base = base;
  }

  /**
   * Whether everything fed so far was read and the parser stands between two events of
   * the event array: then the next byte is provably where the next event starts.
   */
  endsBetweenEvents(): boolean {
    this.minAvail = 0;
    this.run();
    return this.state === State.Events && this.restIsBlank();
  }

  /** The outcome so far, for a segment that ended between events (not the file's end). */
  segmentOutcome(): ParseOutcome {
    const o = this.outcome;
    o.events = this.total;
    o.form = this.form;
    o.eventsArray = this.hasEventsArray;
    return o;
  }

  get hasEventsArray(): boolean {
    return this.seenEventsKey || this.form === 'array';
  }

  feed(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.pos === this.len && !this.wasm) {
      this.feedInPlace(chunk);
      return;
    }
    if (this.pos > 0) {
      this.work.copyWithin(0, this.pos, this.len);
      this.base += this.pos;
      this.len -= this.pos;
      this.pos = 0;
    }
    if (this.wasm) this.growWasmWindow(this.len + chunk.length);
    else if (this.len + chunk.length > this.work.length) {
      let cap = this.work.length * 2;
      while (cap < this.len + chunk.length) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.work.subarray(0, this.len));
      this.work = next;
    }
    this.work.set(chunk, this.len);
    this.len += chunk.length;
    this.outcome.bytes += chunk.length;
    if (this.len - this.pos < this.minAvail) return;
    this.run();
    if (this.wasm) {
      try {
        this.wasm.maintain();
        this.work = this.wasm.window;
      } catch {
        this.dropWasm(0);
      }
    }
  }

  /**
   * The module's memory cannot grow past 4 GiB (nor, on some machines, as far as a huge
   * event needs): this parser then reads on with the JS scanner alone, in a window of its own.
   * (Past 2 GiB its addresses reach JS as negative numbers: wasm-events.ts reads them >>> 0.)
   */
  private growWasmWindow(bytes: number): void {
    try {
      this.work = this.wasm!.ensureWindow(bytes, this.len);
    } catch {
      this.dropWasm(bytes);
    }
  }

  private dropWasm(bytes: number): void {
    const own = new Uint8Array(Math.max(bytes, this.len, 1 << 16));
    own.set(this.wasm!.window.subarray(0, this.len));
    this.work = own;
    this.wasm = null;
  }

  /**
   * Nothing is pending: read the chunk where it is and keep only its unread tail (part of
   * an event cut by the chunk's end). Copying every chunk into the work buffer cost a
   * memory pass over the whole file.
   */
  private feedInPlace(chunk: Uint8Array): void {
    const own = this.work;
    this.base += this.len;
    this.work = chunk;
    this.pos = 0;
    this.len = chunk.length;
    this.minAvail = 0;
    this.outcome.bytes += chunk.length;
    this.run();
    const rest = this.len - this.pos;
    const keep = rest > own.length ? new Uint8Array(Math.max(rest, own.length * 2)) : own;
    keep.set(chunk.subarray(this.pos, this.len));
    this.base += this.pos;
    this.work = keep;
    this.pos = 0;
    this.len = rest;
  }

  finish(): ParseOutcome {
    this.minAvail = 0;
    this.run();
    const o = this.outcome;
    o.events = this.total;
    o.form = this.form;
    o.eventsArray = this.hasEventsArray;
    const rest = this.restIsBlank();
    switch (this.state) {
      case State.Start:
        if (!rest) o.syntaxError ??= this.errorAt(this.pos, 'the file does not start with { or [');
        break;
      case State.Events:
        // A bare array may end without ']' (the format allows it); anything else is a cut.
        if (this.form === 'object' || !rest) o.truncated = { atByte: this.base + this.len, afterEvents: this.total };
        break;
      case State.Resync:
        break;
      case State.Done:
        break;
      default:
        o.truncated = { atByte: this.base + this.len, afterEvents: this.total };
    }
    return o;
  }

  private restIsBlank(): boolean {
    for (let i = this.pos; i < this.len; i++) {
      const c = this.work[i]!;
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9 && c !== 44) return false;
    }
    return true;
  }

  private errorAt(at: number, message: string): { atByte: number; context: string; message: string } {
    const from = Math.max(0, at - 20);
    const to = Math.min(this.len, at + 20);
    const context = printable(decoder.decode(this.work.subarray(from, to)));
    return { atByte: this.base + at, context, message };
  }

  private run(): void {
    const sc = this.scanner;
    for (;;) {
      sc.setWindow(this.work, this.pos, this.len, this.base);
      try {
        if (this.step(sc)) continue;
        return;
      } catch (e) {
        if (e === NEED_MORE) {
          // Ask for twice what we have before trying again, so one huge value costs O(n log n).
          this.minAvail = Math.max(1, (this.len - this.pos) * 2);
          return;
        }
        if (e instanceof JsonSyntaxError) {
          this.onSyntaxError(e);
          continue;
        }
        throw e;
      }
    }
  }

  private onSyntaxError(e: JsonSyntaxError): void {
    const o = this.outcome;
    o.syntaxErrors++;
    const at = e.at - this.base;
    o.syntaxError ??= this.errorAt(Math.max(0, Math.min(at, this.len)), e.message);
    if (this.state === State.Events) {
      this.pos = Math.min(Math.max(at, this.pos) + 1, this.len);
      this.state = State.Resync;
    } else {
      // Outside the event array there is nothing safe to resume: stop reading.
      this.pos = this.len;
      this.state = State.Done;
    }
  }

  /** Advances the state machine by one step; false when it must wait for more bytes. */
  private step(sc: Scanner): boolean {
    switch (this.state) {
      case State.Start: {
        skipBom(sc);
        const c = sc.skipWs();
        if (c === 123) {
          this.form = 'object';
          this.pos = sc.pos + 1;
          this.state = State.ObjectKey;
        } else if (c === 91) {
          this.form = 'array';
          this.pos = sc.pos + 1;
          this.state = State.Events;
        } else sc.fail('a trace must start with { or [');
        return true;
      }
      case State.ObjectKey: {
        const c = sc.skipWs();
        if (c === 125) {
          this.pos = sc.pos + 1;
          this.state = State.Done;
          return true;
        }
        if (c !== 34) sc.fail('expected a key in quotes');
        const id = sc.internString();
        if (sc.skipWs() !== 58) sc.fail("expected ':'");
        sc.pos++;
        const v = sc.skipWs();
        this.currentKey = this.strings.strings[id]!;
        if (this.currentKey === 'traceEvents' && v === 91 && !this.seenEventsKey) {
          this.seenEventsKey = true;
          this.eventsInObject = true;
          this.pos = sc.pos + 1;
          this.state = State.Events;
        } else {
          this.pos = sc.pos;
          this.state = State.ObjectValue;
        }
        return true;
      }
      case State.ObjectValue: {
        const s = sc.pos;
        sc.skipValue();
        const raw = decoder.decode(this.work.subarray(s, sc.pos));
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch {
          value = raw;
        }
        // An integer past 2^53 (baseTimeNanoseconds: ~1.7e18 ns) keeps its digits: as a
        // number it would be rounded to 256 ns.
        if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value) && /^\s*-?\d+\s*$/.test(raw)) value = raw.trim();
        this.sink.metadata(this.currentKey, value);
        this.pos = sc.pos;
        this.state = State.AfterValue;
        return true;
      }
      case State.AfterValue: {
        const c = sc.skipWs();
        if (c === 44) {
          this.pos = sc.pos + 1;
          this.state = State.ObjectKey;
        } else if (c === 125) {
          this.pos = sc.pos + 1;
          this.state = State.Done;
        } else sc.fail("expected ',' or '}' after a top-level value");
        return true;
      }
      case State.Events:
        return this.readEvents(sc);
      case State.Resync:
        return this.resync();
      case State.Done: {
        if (!this.restIsBlank()) this.outcome.trailingGarbage = true;
        this.pos = this.len;
        return false;
      }
    }
  }

  private readEvents(sc: Scanner): boolean {
    const f = this.fields;
    const sink = this.sink;
    const wasm = this.wasm;
    const run = wasm?.run ?? null;
    const runs = run ? (sink as EventSink & RunSink) : null;
    for (;;) {
      const c = sc.skipWs();
      if (c === 123 && runs !== null) {
        const room = runs.sliceRoom();
        if (room > 0) {
          // Whole runs of common events, appended in WebAssembly; the event that ends a run
          // comes back read (STOP_READ) or for the JS scanner (STOP_JS), in file order.
          const r = wasm!.collect(sc.pos, this.len, f, this.base, sc.tsBase, room, runs);
          const n = run!.events;
          if (n > 0) {
            runs.absorbRun(run!, sc);
            this.total += n;
            this.outcome.wasmEvents += n;
            this.outcome.wasmCollected += n;
          }
          sc.pos = this.pos = r.at;
          if (r.stop === STOP_READ) {
            sc.pos = r.end;
            this.outcome.wasmEvents++;
          } else if (r.stop === STOP_JS) sc.readEvent(f);
          else continue;
          sink.event(f, sc, this.total);
          this.total++;
          this.pos = sc.pos;
          continue;
        }
      }
      if (c === 123) {
        const end = wasm === null ? -1 : wasm.read(sc.pos, this.len, f, this.base, sc.tsBase);
        if (end >= 0) {
          sc.pos = end;
          this.outcome.wasmEvents++;
        } else sc.readEvent(f);
        sink.event(f, sc, this.total);
        this.total++;
        this.pos = sc.pos;
      } else if (c === 44) {
        sc.pos++;
        this.pos = sc.pos;
      } else if (c === 93) {
        this.pos = sc.pos + 1;
        this.state = this.eventsInObject ? State.AfterValue : State.Done;
        return true;
      } else {
        sc.skipValue();
        this.outcome.nonObjectElements++;
        this.pos = sc.pos;
      }
    }
  }

  /** After a syntax error: skip to the next `}` `,` `{` boundary and resume reading events. */
  private resync(): boolean {
    const w = this.work;
    for (let p = this.pos; p < this.len; p++) {
      if (w[p] !== 123) continue;
      let q = p - 1;
      while (q >= this.pos && isWs(w[q]!)) q--;
      if (q < this.pos || w[q] !== 44) continue;
      q--;
      while (q >= this.pos && isWs(w[q]!)) q--;
      if (q >= this.pos && w[q] === 125) {
        this.pos = p;
        this.state = State.Events;
        return true;
      }
    }
    // Keep a short tail: the boundary may straddle the next chunk.
    this.pos = Math.max(this.pos, this.len - 64);
    this.minAvail = this.len - this.pos + 1;
    return false;
  }
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipBom(sc: Scanner): void {
  const b = sc.buf;
  if (sc.end - sc.pos >= 3 && b[sc.pos] === 0xef && b[sc.pos + 1] === 0xbb && b[sc.pos + 2] === 0xbf) sc.pos += 3;
}

