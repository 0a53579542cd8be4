// Where the byte stream can be cut so that two workers parse its halves at once: just
// before an event of the event array. A cut is a guess made from a few bytes (`},` then
// `{"key":`); the worker that parses the bytes before it proves it by ending exactly
// between two events (see parallel.ts), so a guess that falls inside a string only costs
// time, never correctness.

const QUOTE = 34, COMMA = 44, COLON = 58, LBRACE = 123, RBRACE = 125, BACKSLASH = 92;

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Bytes after a candidate '{' that the key check may look at. */
const LOOKAHEAD = 96;

/**
 * The offset of the first probable event start at or after `from` in buf[0, end): a '{'
 * preceded by '}' ',' (with any whitespace) and followed by a quoted key and ':'.
 * -1 when there is none in the bytes (one may straddle `end`: ask again with more).
 */
export function findEventStart(buf: Uint8Array, from: number, end: number): number {
  let p = from;
  for (;;) {
    p = buf.indexOf(LBRACE, p);
    if (p < 0 || p >= end || p + LOOKAHEAD > end) return -1;
    if (precededByEventEnd(buf, p) && followedByKey(buf, p, end)) return p;
    p++;
  }
}

function precededByEventEnd(buf: Uint8Array, p: number): boolean {
  let q = p - 1;
  while (q >= 0 && isWs(buf[q]!)) q--;
  if (q < 0 || buf[q] !== COMMA) return false;
  q--;
  while (q >= 0 && isWs(buf[q]!)) q--;
  return q >= 0 && buf[q] === RBRACE;
}

function followedByKey(buf: Uint8Array, p: number, end: number): boolean {
  let q = p + 1;
  while (q < end && isWs(buf[q]!)) q++;
  if (buf[q] !== QUOTE) return false;
  q++;
  const keyEnd = Math.min(end, q + 64);
  while (q < keyEnd && buf[q] !== QUOTE && buf[q] !== BACKSLASH) q++;
  if (q >= keyEnd || buf[q] !== QUOTE) return false;
  q++;
  while (q < end && isWs(buf[q]!)) q++;
  return buf[q] === COLON;
}

/** The top-level form from the first non-blank byte (after a BOM): '{' object, '[' array. */
export function topLevelForm(buf: Uint8Array): 'object' | 'array' | null {
  let p = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  while (p < buf.length && isWs(buf[p]!)) p++;
  return buf[p] === LBRACE ? 'object' : buf[p] === 0x5b ? 'array' : null;
}

/**
 * An integer µs base shared by all segments, so that their relative times need no shift:
 * the integer part of the first `"ts":` number in the bytes (NaN when there is none).
 * Any integer near the data keeps the fractions exact; it need not be the minimum.
 */
export function guessTsBase(buf: Uint8Array, end: number): number {
  const limit = Math.min(end, 1 << 20);
  let p = 0;
  for (;;) {
    p = buf.indexOf(QUOTE, p);
    if (p < 0 || p + 8 > limit) return NaN;
    if (buf[p + 1] === 116 && buf[p + 2] === 115 && buf[p + 3] === QUOTE) {
      let q = p + 4;
      while (q < limit && isWs(buf[q]!)) q++;
      if (buf[q] === COLON) {
        q++;
        while (q < limit && isWs(buf[q]!)) q++;
        const neg = buf[q] === 45;
        if (neg) q++;
        let v = 0;
        let digits = 0;
        while (q < limit && buf[q]! >= 48 && buf[q]! <= 57 && digits < 16) {
          v = v * 10 + buf[q]! - 48;
          digits++;
          q++;
        }
        if (digits > 0 && digits < 16) return neg ? -v - 1 : v;
      }
    }
    p++;
  }
}
