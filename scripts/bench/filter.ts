// Streaming filter: drops the traceEvents entries whose top-level "pid" or "tid" is not a JSON
// number (Kineto's `"pid": "Spans"`, `"pid": "Traces"`, `"pid": ""` events), which speedscope
// 1.25.0 cannot import ("Could not find events for key"). Everything else is copied byte for
// byte; kept events are re-joined with ",\n  ".
//
// A byte-level JSON scanner (depth, strings, escapes), so it does not depend on the generator's
// line layout; it only needs the input to be one JSON object with a "traceEvents" array.

import { Transform, type TransformCallback } from 'node:stream';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const HEAD = 0;
const EVENTS = 1;
const TAIL = 2;

/** Keys the scanner recognises (as bytes). */
const K_TRACE_EVENTS = Buffer.from('traceEvents');
const K_PID = Buffer.from('pid');
const K_TID = Buffer.from('tid');
const KEY_MAX = 16;

const SEP_FIRST = Buffer.from('\n  ');
const SEP = Buffer.from(',\n  ');
const ARRAY_END = Buffer.from('\n  ');

const KEY_OTHER = 0;
const KEY_TRACE_EVENTS = 1;
const KEY_PID_TID = 2;

export class NonNumericPidFilter extends Transform {
  kept = 0;
  dropped = 0;

  // scanner state, carried across chunks
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Bytes of the current string when it may be a key (depth 1 or 3), else -1. */
  private keyLen = -1;
  private readonly keyBuf = new Uint8Array(KEY_MAX);
  /** A string just ended: the next non-space byte (':' or not) tells whether it was a key. */
  private afterString = false;
  /** The last key seen (KEY_*), valid until the next value starts. */
  private key = KEY_OTHER;
  /** After `"pid":` / `"tid":` at event level: the value's first byte decides. */
  private awaitValue = false;
  private state = HEAD;
  private inEvent = false;
  private dropCurrent = false;
  /** Pieces of an event that started in an earlier chunk. */
  private carry: Buffer[] = [];

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      const out = this.scan(chunk);
      if (out.length > 0) this.push(out.length === 1 ? out[0] : Buffer.concat(out));
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    if (this.state !== TAIL) cb(new Error('filter: the input ended inside the trace'));
    else cb();
  }

  private keyIs(k: Buffer): boolean {
    if (this.keyLen !== k.length) return false;
    for (let j = 0; j < k.length; j++) if (this.keyBuf[j] !== k[j]) return false;
    return true;
  }

  /** Scans one chunk; returns the output pieces (one push per input chunk). */
  private scan(buf: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let copyFrom = 0; // HEAD/TAIL: bytes [copyFrom, i) pass through verbatim
    let eventStart = 0;
    let depth = this.depth;
    let inString = this.inString;
    let escape = this.escape;
    const n = buf.length;
    for (let i = 0; i < n; i++) {
      const c = buf[i]!;
      if (inString) {
        if (escape) escape = false;
        else if (c === BACKSLASH) escape = true;
        else if (c === QUOTE) {
          inString = false;
          if (this.keyLen >= 0) this.afterString = true;
        } else if (this.keyLen >= 0) {
          if (this.keyLen < KEY_MAX) this.keyBuf[this.keyLen++] = c;
          else this.keyLen = -1; // longer than any key we look for
        }
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (this.awaitValue) {
        // a JSON number starts with '-' or a digit; anything else is not a number
        if (!(c === 0x2d || (c >= 0x30 && c <= 0x39))) this.dropCurrent = true;
        this.awaitValue = false;
      }
      if (this.afterString) {
        this.afterString = false;
        if (c === COLON) {
          this.key = this.keyIs(K_TRACE_EVENTS)
            ? KEY_TRACE_EVENTS
            : this.keyIs(K_PID) || this.keyIs(K_TID)
              ? KEY_PID_TID
              : KEY_OTHER;
          if (this.state === EVENTS && depth === 3 && this.key === KEY_PID_TID) this.awaitValue = true;
          continue;
        }
        this.key = KEY_OTHER;
      }
      if (c === QUOTE) {
        inString = true;
        // only keys of the top object and of the events matter
        this.keyLen = depth === 1 || depth === 3 ? 0 : -1;
      } else if (c === LBRACE || c === LBRACKET) {
        depth++;
        if (this.state === HEAD) {
          if (c === LBRACKET && depth === 2 && this.key === KEY_TRACE_EVENTS) {
            out.push(buf.subarray(copyFrom, i + 1));
            this.state = EVENTS;
          }
        } else if (this.state === EVENTS && depth === 3 && c === LBRACE) {
          this.inEvent = true;
          this.dropCurrent = false;
          eventStart = i;
        }
        this.key = KEY_OTHER;
      } else if (c === RBRACE || c === RBRACKET) {
        depth--;
        if (this.state === EVENTS) {
          if (this.inEvent && depth === 2) {
            this.inEvent = false;
            if (this.dropCurrent) {
              this.dropped++;
            } else {
              out.push(this.kept > 0 ? SEP : SEP_FIRST);
              for (const p of this.carry) out.push(p);
              out.push(buf.subarray(eventStart, i + 1));
              this.kept++;
            }
            this.carry = [];
          } else if (depth === 1) {
            out.push(ARRAY_END);
            this.state = TAIL;
            copyFrom = i;
          }
        }
      }
    }
    if (this.state !== EVENTS) out.push(buf.subarray(copyFrom));
    else if (this.inEvent) this.carry.push(buf.subarray(eventStart));
    this.depth = depth;
    this.inString = inString;
    this.escape = escape;
    return out;
  }
}
