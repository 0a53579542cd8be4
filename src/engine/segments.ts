// Where the byte stream can be cut so that two workers parse its halves at once: just
// before an event of the event array. A cut is a guess made from a few bytes (`},` then
// `{"key":`); the worker that parses the bytes before it proves it by ending exactly
// between two events (see parallel.ts), so a guess that falls inside a string only costs
// time, never correctness.

import { Collector } from '../model/collector.ts';
import { StreamParser } from '../parse/stream-parser.ts';
import { StringTable } from '../parse/string-table.ts';

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

/** The top-level form from the first non-blank byte (after a BOM): '{' object, '[' array; null: not yet, or neither. */
export function topLevelForm(buf: Uint8Array): 'object' | 'array' | null {
  let p = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  while (p < buf.length && isWs(buf[p]!)) p++;
  return buf[p] === LBRACE ? 'object' : buf[p] === 0x5b ? 'array' : null;
}

/**
 * The integer µs base a single pass would pick (from the first timestamp it reads), found
 * by parsing up to the first MiB of `chunks` with a throwaway parser: with it every
 * segment's relative times are the very numbers one pass computes. NaN when none is there
 * (segments then pick their own and are shifted when merged).
 */
export function firstTsBase(chunks: Uint8Array[]): number {
  const strings = new StringTable();
  const parser = new StreamParser(new Collector(strings), strings);
  let fed = 0;
  for (const c of chunks) {
    if (fed >= 1 << 20 || !Number.isNaN(parser.scanner.tsBase)) break;
    parser.feed(c.subarray(0, (1 << 20) - fed));
    fed += Math.min(c.length, (1 << 20) - fed);
  }
  return parser.scanner.tsBase;
}
