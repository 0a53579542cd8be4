// A byte-level JSON scanner over one buffer window. It reads trace events field by field
// without building an object per event: the fields the engine needs land in one reusable
// `EventFields`, strings are interned from their bytes, and everything else is skipped.
//
// Running out of bytes throws NEED_MORE; the stream driver then appends the next chunk
// and re-reads the current event from its start (once per chunk, so the cost is small).

import type { StringTable } from './string-table.ts';

export const NEED_MORE = { needMore: true } as const;

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

// Byte constants.
const QUOTE = 34, BACKSLASH = 92, COMMA = 44, COLON = 58;
const LBRACE = 123, RBRACE = 125, LBRACKET = 91, RBRACKET = 93;
const MINUS = 45, PLUS = 43, DOT = 46, ZERO = 48, NINE = 57;
const LOWER_E = 101, UPPER_E = 69;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const MAX_EXACT = 9007199254740992; // 2^53
/** Plain integer ids (flow ids, pids) read as numbers are below this (2^40). */
export const MAX_PLAIN_ID = 1099511627776;

/** Field status codes. */
export const MISSING = 0, OK = 1, BAD_TYPE = 2;

export class EventFields {
  start = 0; // absolute byte offset of the '{'
  ph = 0; // first char code of ph; 0 when missing
  phState = MISSING;
  name = -1;
  nameState = MISSING;
  cat = -1;
  pid = -1;
  pidState = MISSING;
  tid = -1;
  tidState = MISSING;
  ts = 0; // µs relative to the scanner's base
  tsState = MISSING;
  tsAbs = 0; // the timestamp as a plain double (for spans)
  dur = 0;
  durState = MISSING;
  id = -1;
  /** The id as a number when it is a plain integer below 2^40 (then `id` is -1): not interned. */
  idNum = -1;
  id2 = -1;
  bp = 0;
  scope = 0;
  bindId = -1;
  flowIn = false;
  flowOut = false;
  argsStart = -1; // window-relative, valid until the next chunk
  argsEnd = -1;
  correlation = NaN;
  hasKernel = false;
  gridX = 0; gridY = 0; gridZ = 0;
  blockX = 0; blockY = 0; blockZ = 0;
  registers = NaN; sharedMemory = NaN; blocksPerSm = NaN; warpsPerSm = NaN; occupancy = NaN;
  device = NaN; stream = NaN;

  reset(start: number): void {
    this.start = start;
    this.ph = 0; this.phState = MISSING;
    this.name = -1; this.nameState = MISSING;
    this.cat = -1;
    this.pid = -1; this.pidState = MISSING;
    this.tid = -1; this.tidState = MISSING;
    this.tsState = MISSING;
    this.durState = MISSING;
    this.id = -1; this.idNum = -1; this.id2 = -1;
    this.bp = 0; this.scope = 0;
    this.bindId = -1; this.flowIn = false; this.flowOut = false;
    this.argsStart = -1; this.argsEnd = -1;
    // device and stream come without kernel fields too (memcpy, memset): always reset
    this.correlation = this.device = this.stream = NaN;
    if (this.hasKernel) {
      this.hasKernel = false;
      this.gridX = this.gridY = this.gridZ = 0;
      this.blockX = this.blockY = this.blockZ = 0;
      this.registers = this.sharedMemory = this.blocksPerSm = this.warpsPerSm = this.occupancy = NaN;
    }
  }
}

// Keys we read, as byte strings; matched by length then bytes.
const enc = new TextEncoder();
const K = (s: string): Uint8Array => enc.encode(s);
const KEY_PH = K('ph'), KEY_TS = K('ts'), KEY_ID = K('id'), KEY_BP = K('bp');
const KEY_PID = K('pid'), KEY_TID = K('tid'), KEY_DUR = K('dur'), KEY_CAT = K('cat'), KEY_ID2 = K('id2');
const KEY_NAME = K('name'), KEY_ARGS = K('args');
const KEY_BIND_ID = K('bind_id'), KEY_FLOW_IN = K('flow_in'), KEY_FLOW_OUT = K('flow_out');
const KEY_S = K('s');
// args keys
const A_CORRELATION = K('correlation'), A_GRID = K('grid'), A_BLOCK = K('block');
const A_REGS = K('registers per thread'), A_SHMEM = K('shared memory');
const A_BPS = K('blocks per SM'), A_WPS = K('warps per SM'), A_OCC = K('est. achieved occupancy %');
const A_DEVICE = K('device'), A_STREAM = K('stream');

/** What ends a bare token (a number, true, null). */
function isDelimiter(c: number): boolean {
  return c === COMMA || c === RBRACE || c === RBRACKET || c === 32 || c === 10 || c === 13 || c === 9 || c === COLON;
}

export interface ArgsFilter {
  argsWanted(cat: number): boolean;
}

export class Scanner {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  /** Absolute stream offset of buf[0]. */
  base = 0;
  /** Integer µs subtracted from every timestamp so that fractions stay exact. */
  tsBase = NaN;
  readonly strings: StringTable;
  // Results of the last readString: raw bytes [strStart, strEnd), hash, escape flag.
  private strStart = 0;
  private strEnd = 0;
  private strHash = 0;
  private strEscaped = false;
  // The last plain-integer pid and tid read, and their ids: consecutive events are mostly on
  // one thread, and hashing and probing the digits of both is a real share of the parse.
  private readonly lastIdValue = new Float64Array([-1, -1]);
  private readonly lastId = new Int32Array(2);

  /**
   * Says whether events of a category carry args the columns need (launch and kernel
   * fields); null: all do. Unknown categories (or a cat after args) get the full read. An
   * object with a method, not a function: V8 inlines the call for the one method every
   * collector shares, where each collector's own closure made the optimised scanner
   * deoptimise ("wrong call target") at the start of every load and every parse segment.
   */
  argsFilter: ArgsFilter | null = null;

  constructor(strings: StringTable) {
    this.strings = strings;
  }

  setWindow(buf: Uint8Array, pos: number, end: number, base: number): void {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.base = base;
  }

  fail(message: string, at = this.pos): never {
    throw new JsonSyntaxError(message, this.base + at);
  }

  skipWs(): number {
    const buf = this.buf, end = this.end;
    let p = this.pos;
    while (p < end) {
      const c = buf[p]!;
      if (c === 32 || c === 10 || c === 13 || c === 9) p++;
      else {
        this.pos = p;
        return c;
      }
    }
    this.pos = p;
    throw NEED_MORE;
  }

  /** Reads a JSON string starting at the quote at pos; leaves raw bounds and hash. */
  readString(): void {
    const buf = this.buf, end = this.end;
    let p = this.pos + 1;
    let h = 0x811c9dc5;
    let escaped = false;
    const start = p;
    for (;;) {
      if (p >= end) throw NEED_MORE;
      const c = buf[p]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        if (p + 1 >= end) throw NEED_MORE;
        h = Math.imul(h ^ c, 0x01000193);
        p++;
        h = Math.imul(h ^ buf[p]!, 0x01000193);
        p++;
        continue;
      }
      h = Math.imul(h ^ c, 0x01000193);
      p++;
    }
    this.strStart = start;
    this.strEnd = p;
    this.strHash = h >>> 0;
    this.strEscaped = escaped;
    this.pos = p + 1;
  }

  /** Reads a key (a string whose hash nobody needs): bounds only. */
  readKey(): void {
    const buf = this.buf, end = this.end;
    let p = this.pos + 1;
    const start = p;
    for (;;) {
      if (p >= end) throw NEED_MORE;
      const c = buf[p]!;
      if (c === QUOTE) break;
      p += c === BACKSLASH ? 2 : 1;
    }
    this.strStart = start;
    this.strEnd = p;
    this.pos = p + 1;
  }

  internString(): number {
    this.readString();
    return this.strings.internRaw(this.buf, this.strStart, this.strEnd, this.strHash, this.strEscaped);
  }

  /** The bytes of a number or literal token ending at a delimiter. */
  private tokenEnd(): number {
    const buf = this.buf, end = this.end;
    let p = this.pos;
    while (p < end) {
      if (isDelimiter(buf[p]!)) return p;
      p++;
    }
    throw NEED_MORE;
  }

  /** A string or number token interned as text (ids, pids, tids: 7 and "7" are the same). */
  internToken(): number {
    const c = this.buf[this.pos]!;
    if (c === QUOTE) return this.internString();
    if (c === 110) return -2; // null: treated as absent
    if (c === MINUS || (c >= ZERO && c <= NINE)) {
      const s = this.pos;
      const e = this.tokenEnd();
      this.pos = e;
      let canonical = true;
      for (let i = s; i < e; i++) {
        const d = this.buf[i]!;
        if (d === DOT || d === LOWER_E || d === UPPER_E || d === PLUS) canonical = false;
      }
      if (canonical) {
        let h = 0x811c9dc5;
        for (let i = s; i < e; i++) h = Math.imul(h ^ this.buf[i]!, 0x01000193);
        return this.strings.internRaw(this.buf, s, e, h >>> 0, false);
      }
      const value = Number(latin1(this.buf, s, e));
      if (!Number.isFinite(value)) this.fail('invalid number', s);
      return this.strings.intern(String(value));
    }
    return -1;
  }

  /** internToken for a pid (slot 0) or tid (slot 1), with a one-entry cache per slot. */
  internIdToken(slot: 0 | 1): number {
    const at = this.pos;
    const v = this.readPlainInteger();
    if (v < 0) return this.internToken();
    if (this.buf[at] !== QUOTE && !isDelimiter(this.buf[this.pos]!)) {
      // Digits run into something else (7x): a token of its own, as internToken reads it.
      this.pos = at;
      return this.internToken();
    }
    if (v === this.lastIdValue[slot]) return this.lastId[slot]!;
    // A plain integer's digits are its only spelling (no sign, no leading zero), so its value
    // names its id as well as its bytes do.
    this.pos = at;
    const id = this.internToken();
    this.lastIdValue[slot] = v;
    this.lastId[slot] = id;
    return id;
  }

  /**
   * A number token or a string of digits that is a plain integer below 2^40 (no sign, no
   * leading zero, no fraction): its value, with pos after it. Else -1, pos unchanged.
   * 7 and "7" give the same value, as internToken gives them the same id.
   */
  readPlainInteger(): number {
    const buf = this.buf, end = this.end;
    const quoted = buf[this.pos] === QUOTE;
    let p = quoted ? this.pos + 1 : this.pos;
    const s = p;
    let v = 0;
    let c = 0;
    while (p < end && (c = buf[p]!) >= ZERO && c <= NINE) {
      v = v * 10 + (c - ZERO);
      p++;
    }
    if (p >= end) throw NEED_MORE;
    const digits = p - s;
    if (digits === 0 || digits > 12 || (buf[s] === ZERO && digits > 1) || v >= MAX_PLAIN_ID) return -1;
    if (quoted) {
      if (c !== QUOTE) return -1;
      p++;
    } else if (c === DOT || c === LOWER_E || c === UPPER_E) return -1;
    this.pos = p;
    return v;
  }

  /** Parses a JSON number at pos. Exact for up to 15-16 significant digits (Clinger's fast path). */
  readNumber(): number {
    const buf = this.buf, end = this.end;
    let p = this.pos;
    const s = p;
    let neg = false;
    if (buf[p] === MINUS) {
      neg = true;
      p++;
    }
    let mant = 0;
    let digits = 0;
    let c = 0;
    while (p < end && (c = buf[p]!) >= ZERO && c <= NINE) {
      mant = mant * 10 + (c - ZERO);
      digits++;
      p++;
    }
    let frac = 0;
    if (p < end && buf[p] === DOT) {
      p++;
      while (p < end && (c = buf[p]!) >= ZERO && c <= NINE) {
        mant = mant * 10 + (c - ZERO);
        digits++;
        frac++;
        p++;
      }
    }
    if (p >= end) throw NEED_MORE;
    c = buf[p]!;
    if (digits === 0) this.fail('invalid number', s);
    if (c === LOWER_E || c === UPPER_E || mant >= MAX_EXACT || frac > 22) {
      const e = this.tokenEnd();
      this.pos = e;
      const v = Number(latin1(buf, s, e));
      if (Number.isNaN(v)) this.fail('invalid number', s);
      return v;
    }
    this.pos = p;
    const v = frac === 0 ? mant : mant / POW10[frac]!;
    return neg ? -v : v;
  }

  /**
   * Reads a timestamp, returning it relative to `tsBase` with its fraction exact: the
   * integer and fractional digits are combined in integers before one rounding division.
   */
  readTs(fields: EventFields): number {
    const buf = this.buf, end = this.end;
    let p = this.pos;
    const s = p;
    let neg = false;
    if (buf[p] === MINUS) {
      neg = true;
      p++;
    }
    let int = 0;
    let intDigits = 0;
    let c = 0;
    while (p < end && (c = buf[p]!) >= ZERO && c <= NINE) {
      int = int * 10 + (c - ZERO);
      intDigits++;
      p++;
    }
    let frac = 0;
    let fracDigits = 0;
    if (p < end && buf[p] === DOT) {
      p++;
      while (p < end && (c = buf[p]!) >= ZERO && c <= NINE) {
        if (fracDigits < 9) {
          frac = frac * 10 + (c - ZERO);
          fracDigits++;
        } else if (c !== ZERO) fracDigits = 99; // more precision than we keep exactly
        p++;
      }
    }
    if (p >= end) throw NEED_MORE;
    c = buf[p]!;
    if (intDigits === 0) this.fail('invalid number', s);
    if (c === LOWER_E || c === UPPER_E || int >= MAX_EXACT || fracDigits > 9) {
      const e = this.tokenEnd();
      this.pos = e;
      const v = Number(latin1(buf, s, e));
      if (Number.isNaN(v)) this.fail('invalid number', s);
      fields.tsAbs = v;
      if (Number.isNaN(this.tsBase) && Number.isFinite(v) && Math.abs(v) < MAX_EXACT) this.tsBase = Math.floor(v);
      return v - (Number.isNaN(this.tsBase) ? 0 : this.tsBase);
    }
    this.pos = p;
    if (neg) {
      int = -int;
      frac = -frac;
    }
    if (Number.isNaN(this.tsBase)) this.tsBase = neg && frac !== 0 ? int - 1 : int;
    const scale = POW10[fracDigits]!;
    fields.tsAbs = int + frac / scale;
    const rel = int - this.tsBase;
    const scaled = rel * scale + frac;
    if (scaled < MAX_EXACT && scaled > -MAX_EXACT) return scaled / scale;
    return rel + frac / scale;
  }

  /** Skips any JSON value; iterative so that deeply nested values cannot overflow the stack. */
  skipValue(): void {
    const buf = this.buf, end = this.end;
    let p = this.pos;
    const c = buf[p]!;
    if (c === QUOTE) {
      this.readKey(); // its bounds only: nobody needs a skipped string's hash
      return;
    }
    if (c !== LBRACE && c !== LBRACKET) {
      const e = this.tokenEnd();
      if (e === p || !isLiteral(buf, p, e)) this.fail(`unexpected '${latin1(buf, p, Math.min(e, p + 12)) || String.fromCharCode(c)}'`, p);
      this.pos = e;
      return;
    }
    // One table load per byte instead of five comparisons: most bytes of args are dull.
    const cls = SKIP_CLASS;
    let depth = 0;
    while (p < end) {
      const k = cls[buf[p]!]!;
      if (k === 0) {
        p++;
        continue;
      }
      if (k === 1) {
        p++;
        for (;;) {
          if (p >= end) throw NEED_MORE;
          const d = cls[buf[p]!]!;
          if (d === 1) break;
          p += d === 4 ? 2 : 1;
        }
      } else if (k === 2) depth++;
      else if (k === 3) {
        depth--;
        if (depth === 0) {
          this.pos = p + 1;
          return;
        }
      }
      p++;
    }
    throw NEED_MORE;
  }

  private keyIs(key: Uint8Array): boolean {
    const len = key.length;
    if (this.strEnd - this.strStart !== len) return false;
    const buf = this.buf, s = this.strStart;
    for (let i = 0; i < len; i++) if (buf[s + i] !== key[i]) return false;
    return true;
  }

  /** Reads one event object starting at pos (a '{'); fills `f`. */
  readEvent(f: EventFields): void {
    const buf = this.buf;
    f.reset(this.base + this.pos);
    this.pos++;
    let c = this.skipWs();
    if (c === RBRACE) {
      this.pos++;
      return;
    }
    for (;;) {
      if (c !== QUOTE) this.fail('expected a key in quotes');
      this.readKey();
      if (this.skipWs() !== COLON) this.fail("expected ':' after a key");
      this.pos++;
      c = this.skipWs();
      const len = this.strEnd - this.strStart;
      const k0 = buf[this.strStart]!;
      if (len === 2 && this.keyIs(KEY_PH)) {
        if (c === QUOTE) {
          this.readString();
          f.ph = this.strEnd > this.strStart ? buf[this.strStart]! : 0;
          f.phState = this.strEnd - this.strStart === 1 ? OK : BAD_TYPE;
        } else {
          f.phState = BAD_TYPE;
          this.skipValue();
        }
      } else if (len === 2 && this.keyIs(KEY_TS)) {
        if (c === MINUS || (c >= ZERO && c <= NINE)) {
          f.ts = this.readTs(f);
          f.tsState = Number.isFinite(f.ts) ? OK : BAD_TYPE;
        } else {
          f.tsState = BAD_TYPE;
          this.skipValue();
        }
      } else if (len === 3 && k0 === 100 && this.keyIs(KEY_DUR)) {
        if (c === MINUS || (c >= ZERO && c <= NINE)) {
          f.dur = this.readNumber();
          f.durState = Number.isFinite(f.dur) ? OK : BAD_TYPE;
        } else {
          f.durState = BAD_TYPE;
          this.skipValue();
        }
      } else if (len === 4 && this.keyIs(KEY_NAME)) {
        if (c === QUOTE) {
          f.name = this.internString();
          f.nameState = OK;
        } else {
          f.name = this.internToken();
          f.nameState = f.name >= 0 ? OK : BAD_TYPE;
          if (f.name < 0) this.skipValue();
        }
      } else if (len === 3 && k0 === 99 && this.keyIs(KEY_CAT)) {
        if (c === QUOTE) f.cat = this.internString();
        else this.skipValue();
      } else if (len === 3 && k0 === 112 && this.keyIs(KEY_PID)) {
        f.pid = this.internIdToken(0);
        f.pidState = f.pid >= 0 ? OK : f.pid === -2 ? MISSING : BAD_TYPE;
        if (f.pid < 0) this.skipValue();
      } else if (len === 3 && k0 === 116 && this.keyIs(KEY_TID)) {
        f.tid = this.internIdToken(1);
        f.tidState = f.tid >= 0 ? OK : f.tid === -2 ? MISSING : BAD_TYPE;
        if (f.tid < 0) this.skipValue();
      } else if (len === 4 && this.keyIs(KEY_ARGS)) {
        if (c !== LBRACE) this.skipValue();
        else if (f.cat >= 0 && f.ph !== 77 && f.ph !== 67 && this.argsFilter !== null && !this.argsFilter.argsWanted(f.cat)) {
          // Most events (CPU ops, annotations, memory) carry nothing the columns need:
          // skip their args without reading keys; they are read back on selection.
          f.argsStart = this.pos;
          this.skipValue();
          f.argsEnd = this.pos;
        } else this.readArgs(f);
      } else if (len === 2 && this.keyIs(KEY_ID)) {
        // Flow ids are unique per arrow: interning each one cost a quarter of the string table's time.
        f.idNum = this.readPlainInteger();
        if (f.idNum < 0) {
          f.id = this.internToken();
          if (f.id < 0) this.skipValue();
        }
      } else if (len === 2 && this.keyIs(KEY_BP)) {
        if (c === QUOTE) {
          this.readString();
          f.bp = this.strEnd > this.strStart ? buf[this.strStart]! : 0;
        } else this.skipValue();
      } else if (len === 1 && this.keyIs(KEY_S)) {
        if (c === QUOTE) {
          this.readString();
          f.scope = this.strEnd > this.strStart ? buf[this.strStart]! : 0;
        } else this.skipValue();
      } else if (len === 3 && k0 === 105 && this.keyIs(KEY_ID2)) {
        const s = this.pos;
        this.skipValue();
        f.id2 = this.strings.internRaw(buf, s, this.pos, hashRange(buf, s, this.pos), false);
      } else if (len === 7 && this.keyIs(KEY_BIND_ID)) {
        f.bindId = this.internToken();
        if (f.bindId < 0) this.skipValue();
      } else if (len === 7 && this.keyIs(KEY_FLOW_IN)) {
        f.flowIn = c === 116; // true
        this.skipValue();
      } else if (len === 8 && this.keyIs(KEY_FLOW_OUT)) {
        f.flowOut = c === 116;
        this.skipValue();
      } else {
        this.skipValue();
      }
      c = this.skipWs();
      if (c === COMMA) {
        this.pos++;
        c = this.skipWs();
        continue;
      }
      if (c === RBRACE) {
        this.pos++;
        return;
      }
      this.fail("expected ',' or '}' in an event");
    }
  }

  /** Reads the args object: records its bounds and pulls out the launch and kernel fields. */
  private readArgs(f: EventFields): void {
    f.argsStart = this.pos;
    this.pos++;
    let c = this.skipWs();
    if (c === RBRACE) {
      this.pos++;
      f.argsEnd = this.pos;
      return;
    }
    for (;;) {
      if (c !== QUOTE) this.fail('expected a key in quotes');
      this.readKey();
      if (this.skipWs() !== COLON) this.fail("expected ':' after a key");
      this.pos++;
      c = this.skipWs();
      const len = this.strEnd - this.strStart;
      const isNum = c === MINUS || (c >= ZERO && c <= NINE);
      if (len === 11 && isNum && this.keyIs(A_CORRELATION)) f.correlation = this.readNumber();
      else if (len === 4 && c === LBRACKET && this.keyIs(A_GRID)) {
        this.readDim3(f, 0);
      } else if (len === 5 && c === LBRACKET && this.keyIs(A_BLOCK)) {
        this.readDim3(f, 1);
      } else if (isNum && len === 20 && this.keyIs(A_REGS)) {
        f.registers = this.readNumber();
        f.hasKernel = true;
      } else if (isNum && len === 13 && this.keyIs(A_SHMEM)) {
        f.sharedMemory = this.readNumber();
        f.hasKernel = true;
      } else if (isNum && len === 13 && this.keyIs(A_BPS)) {
        f.blocksPerSm = this.readNumber();
        f.hasKernel = true;
      } else if (isNum && len === 12 && this.keyIs(A_WPS)) {
        f.warpsPerSm = this.readNumber();
        f.hasKernel = true;
      } else if (isNum && len === 25 && this.keyIs(A_OCC)) {
        f.occupancy = this.readNumber();
        f.hasKernel = true;
      } else if (isNum && len === 6 && this.keyIs(A_DEVICE)) {
        f.device = this.readNumber();
      } else if (isNum && len === 6 && this.keyIs(A_STREAM)) {
        f.stream = this.readNumber();
      } else this.skipValue();
      c = this.skipWs();
      if (c === COMMA) {
        this.pos++;
        c = this.skipWs();
        continue;
      }
      if (c === RBRACE) {
        this.pos++;
        f.argsEnd = this.pos;
        return;
      }
      this.fail("expected ',' or '}' in args");
    }
  }

  /**
   * Reads listed keys from the args object at window positions [start, end) of an event
   * already read (so the bytes are all there) into `out`: key j's value goes to slot
   * `slot[j]`, a number; for `isU64[j]` an unsigned integer (a number or a string of
   * decimal digits) below 2^64, exactly, as its high and low 32 bits in two slots (0xffffffff
   * in both when it is not one). Keys absent keep what `out` held. The position is kept.
   */
  readListedArgs(start: number, end: number, keys: readonly Uint8Array[], isU64: Uint8Array, slot: Uint8Array, out: Float64Array): void {
    const savedPos = this.pos, savedEnd = this.end;
    this.pos = start;
    this.end = end;
    try {
      if (this.buf[start] !== LBRACE) return;
      this.pos++;
      let c = this.skipWs();
      if (c === RBRACE) return;
      for (;;) {
        if (c !== QUOTE) return;
        this.readKey();
        if (this.skipWs() !== COLON) return;
        this.pos++;
        c = this.skipWs();
        let j = -1;
        for (let k = 0; k < keys.length; k++) {
          if (this.keyIs(keys[k]!)) {
            j = k;
            break;
          }
        }
        if (j < 0) this.skipValue();
        else if (isU64[j]) this.readU64(out, slot[j]!);
        else if (c === MINUS || (c >= ZERO && c <= NINE)) out[slot[j]!] = this.readNumber();
        else {
          out[slot[j]!] = NaN;
          this.skipValue();
        }
        c = this.skipWs();
        if (c !== COMMA) return;
        this.pos++;
        c = this.skipWs();
      }
    } catch {
      // args that only looked like an object to skipValue: what was read so far stands
    } finally {
      this.pos = savedPos;
      this.end = savedEnd;
    }
  }

  /** An unsigned integer token (or string of digits) below 2^64 into out[at], out[at + 1] (high, low). */
  private readU64(out: Float64Array, at: number): void {
    const buf = this.buf;
    const quoted = buf[this.pos] === QUOTE;
    let p = quoted ? this.pos + 1 : this.pos;
    const s = p;
    let hi = 0, lo = 0, ok = true, c = 0;
    while (p < this.end && (c = buf[p]!) >= ZERO && c <= NINE) {
      const l = lo * 10 + (c - ZERO);
      const carry = Math.floor(l / 4294967296);
      lo = l - carry * 4294967296;
      hi = hi * 10 + carry;
      if (hi >= 4294967296) ok = false;
      p++;
    }
    if (p === s || (quoted ? c !== QUOTE : isDelimiter(c) === false) || (hi === 0xffffffff && lo === 0xffffffff)) ok = false;
    if (ok) {
      this.pos = quoted ? p + 1 : p;
      out[at] = hi;
      out[at + 1] = lo;
    } else {
      this.skipValue();
      out[at] = out[at + 1] = 0xffffffff;
    }
  }

  private readDim3(f: EventFields, which: 0 | 1): void {
    this.pos++;
    let x = 1, y = 1, z = 1; // missing dimensions are 1 (no array per kernel)
    let i = 0;
    let c = this.skipWs();
    while (c !== RBRACKET) {
      if ((c === MINUS || (c >= ZERO && c <= NINE)) && i < 3) {
        const v = this.readNumber();
        if (i === 0) x = v;
        else if (i === 1) y = v;
        else z = v;
      } else this.skipValue();
      i++;
      c = this.skipWs();
      if (c === COMMA) {
        this.pos++;
        c = this.skipWs();
      } else if (c !== RBRACKET) this.fail("expected ',' or ']'", this.pos);
    }
    this.pos++;
    f.hasKernel = true;
    if (which === 0) {
      f.gridX = x; f.gridY = y; f.gridZ = z;
    } else {
      f.blockX = x; f.blockY = y; f.blockZ = z;
    }
  }
}

const TRUE = K('true'), FALSE = K('false'), NULL = K('null');

/** skipValue's byte classes: 1 quote, 2 opening bracket, 3 closing bracket, 4 backslash, 0 the rest. */
const SKIP_CLASS = new Uint8Array(256);
SKIP_CLASS[QUOTE] = 1;
SKIP_CLASS[LBRACE] = 2;
SKIP_CLASS[LBRACKET] = 2;
SKIP_CLASS[RBRACE] = 3;
SKIP_CLASS[RBRACKET] = 3;
SKIP_CLASS[BACKSLASH] = 4;

/** A number, true, false or null (the bare tokens JSON allows). */
function isLiteral(buf: Uint8Array, s: number, e: number): boolean {
  const c = buf[s]!;
  if (c === MINUS || (c >= ZERO && c <= NINE)) return true;
  const word = c === 116 ? TRUE : c === 102 ? FALSE : c === 110 ? NULL : null;
  if (!word || e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[s + i] !== word[i]) return false;
  return true;
}

function hashRange(buf: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

export function latin1(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i]!);
  return out;
}
