// AssemblyScript: the common trace event read in WebAssembly (compiled by scripts/build-wasm.mjs
// into event-scanner-wasm.ts). It reads one event object exactly as Scanner.readEvent
// (scanner.ts) does, into the OUT record, and returns the position after it. Anything it is
// not sure to read the same way (an escape, an exponent, a long number, a value of an odd
// type, a rare key, the end of the bytes, a syntax error) makes it return 0 without having
// changed anything the JS side sees; the JS scanner then reads that event. So this file
// only has to be right for what it accepts, and the differential tests check exactly that.
//
// Bounds: the byte at `end` is always 0 (the JS side writes it), and every loop stops at a
// 0 byte, so no read passes the window; a 0 inside the data simply hands the event to JS.

@external("env", "intern")
declare function jsIntern(start: usize, end: usize, hash: u32): i32;
@external("env", "argsWanted")
declare function jsArgsWanted(cat: i32): i32;

const QUOTE: u32 = 34, BACKSLASH: u32 = 92, COMMA: u32 = 44, COLON: u32 = 58;
const LBRACE: u32 = 123, RBRACE: u32 = 125, LBRACKET: u32 = 91, RBRACKET: u32 = 93;
const MINUS: u32 = 45, DOT: u32 = 46, ZERO: u32 = 48;
const LOWER_E: u32 = 101, UPPER_E: u32 = 69;
const PH_M: i32 = 77, PH_C: i32 = 67;
const MAX_EXACT: f64 = 9007199254740992; // 2^53
const MAX_PLAIN_ID_INT: u64 = 1099511627776; // 2^40, as scanner.ts
const OK: i32 = 1, BAD_TYPE: i32 = 2;

const POW10: StaticArray<f64> = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

// The record the JS side copies into EventFields (offsets mirrored in wasm-events.ts).
export const OUT: usize = memory.data(256);
const PH: usize = 0, PH_STATE: usize = 4, NAME: usize = 8, NAME_STATE: usize = 12, CAT: usize = 16;
const PID: usize = 20, PID_STATE: usize = 24, TID: usize = 28, TID_STATE: usize = 32;
const TS_STATE: usize = 36, DUR_STATE: usize = 40, ID: usize = 44, BP: usize = 48, SCOPE: usize = 52;
const ARGS_START: usize = 56, ARGS_END: usize = 60, HAS_KERNEL: usize = 64;
const TS: usize = 72, TS_ABS: usize = 80, DUR: usize = 88, ID_NUM: usize = 96, CORRELATION: usize = 104;
const GRID: usize = 112, BLOCK: usize = 136; // x, y, z
const REGISTERS: usize = 160, SHARED_MEMORY: usize = 168, BLOCKS_PER_SM: usize = 176, WARPS_PER_SM: usize = 184;
const OCCUPANCY: usize = 192, DEVICE: usize = 200, STREAM: usize = 208;

/** Integer µs subtracted from timestamps (Scanner.tsBase); NaN until the JS side knows it. */
let tsBase: f64 = NaN;
export function setTsBase(v: f64): void {
  tsBase = v;
}

// Keys of eight bytes or more, as their bytes (shorter ones: W_* below).
const K_FLOW_OUT: usize = memory.data<u8>([102, 108, 111, 119, 95, 111, 117, 116]); // "flow_out"
const A_CORRELATION: usize = memory.data<u8>([99, 111, 114, 114, 101, 108, 97, 116, 105, 111, 110]); // "correlation"
const A_REGS: usize = memory.data<u8>([114, 101, 103, 105, 115, 116, 101, 114, 115, 32, 112, 101, 114, 32, 116, 104, 114, 101, 97, 100]); // "registers per thread"
const A_SHMEM: usize = memory.data<u8>([115, 104, 97, 114, 101, 100, 32, 109, 101, 109, 111, 114, 121]); // "shared memory"
const A_BPS: usize = memory.data<u8>([98, 108, 111, 99, 107, 115, 32, 112, 101, 114, 32, 83, 77]); // "blocks per SM"
const A_WPS: usize = memory.data<u8>([119, 97, 114, 112, 115, 32, 112, 101, 114, 32, 83, 77]); // "warps per SM"
const A_OCC: usize = memory.data<u8>([101, 115, 116, 46, 32, 97, 99, 104, 105, 101, 118, 101, 100, 32, 111, 99, 99, 117, 112, 97, 110, 99, 121, 32, 37]); // "est. achieved occupancy %"

// skipValue's byte classes: 1 quote, 2 opening bracket, 3 closing bracket, 4 backslash,
// 5 the 0 byte (end of the window, or a NUL: either way the JS side reads this event).
const SKIP_CLASS: usize = memory.data(256);
store<u8>(SKIP_CLASS + QUOTE, 1);
store<u8>(SKIP_CLASS + LBRACE, 2);
store<u8>(SKIP_CLASS + LBRACKET, 2);
store<u8>(SKIP_CLASS + RBRACE, 3);
store<u8>(SKIP_CLASS + RBRACKET, 3);
store<u8>(SKIP_CLASS + BACKSLASH, 4);
store<u8>(SKIP_CLASS, 5);

// ---- strings: a cache of raw bytes → the JS string table's id -------------------------
// Open addressing, slot → entry + 1. It never grows during a read (the JS views of memory
// stay valid): when full, new strings go to the JS side uncached, and wantsGrow() says so.
let slots: usize = 0;
let slotMask: u32 = 0;
let entHash: usize = 0, entStart: usize = 0, entLen: usize = 0, entId: usize = 0;
let entCap: i32 = 0, entries: i32 = 0;
let arena: usize = 0, arenaCap: usize = 0, arenaUsed: usize = 0;
let full = false;

function allocCache(slotCount: u32, entryCap: i32, arenaBytes: usize): void {
  slots = heap.alloc(<usize>slotCount << 2);
  memory.fill(slots, 0, <usize>slotCount << 2);
  slotMask = slotCount - 1;
  const oldHash = entHash, oldStart = entStart, oldLen = entLen, oldId = entId;
  entHash = heap.alloc(<usize>entryCap << 2);
  entStart = heap.alloc(<usize>entryCap << 2);
  entLen = heap.alloc(<usize>entryCap << 2);
  entId = heap.alloc(<usize>entryCap << 2);
  if (entries > 0) {
    const n = <usize>entries << 2;
    memory.copy(entHash, oldHash, n);
    memory.copy(entStart, oldStart, n);
    memory.copy(entLen, oldLen, n);
    memory.copy(entId, oldId, n);
  }
  entCap = entryCap;
  if (arenaBytes > arenaCap) {
    const next = heap.alloc(arenaBytes);
    if (arenaUsed > 0) memory.copy(next, arena, arenaUsed);
    arena = next;
    arenaCap = arenaBytes;
  }
  for (let e = 0; e < entries; e++) {
    let i = load<u32>(entHash + (<usize>e << 2)) & slotMask;
    while (load<i32>(slots + (<usize>i << 2)) != 0) i = (i + 1) & slotMask;
    store<i32>(slots + (<usize>i << 2), e + 1);
  }
  full = false;
}

/** Whether the cache filled up: the JS side then calls growCache between reads. */
export function wantsGrow(): bool {
  return full;
}

export function growCache(): void {
  allocCache((slotMask + 1) << 1, entCap << 1, arenaCap << 1);
}

export function init(): void {
  allocCache(1 << 12, 1 << 11, 1 << 16); // grows with the file's strings (growCache)
}

function intern(s: usize, e: usize, h: u32): i32 {
  const len = <u32>(e - s);
  let i = h & slotMask;
  for (;;) {
    const slot = load<i32>(slots + (<usize>i << 2));
    if (slot == 0) break;
    const en = <usize>(slot - 1) << 2;
    if (load<u32>(entHash + en) == h && load<u32>(entLen + en) == len && sameBytes(arena + <usize>load<u32>(entStart + en), s, len)) {
      return load<i32>(entId + en);
    }
    i = (i + 1) & slotMask;
  }
  const id = jsIntern(s, e, h);
  if (entries >= entCap || (entries << 1) >= <i32>slotMask || arenaUsed + len > arenaCap) {
    full = true;
    return id;
  }
  const en = <usize>entries << 2;
  store<u32>(entHash + en, h);
  store<u32>(entLen + en, len);
  store<u32>(entStart + en, <u32>arenaUsed);
  store<i32>(entId + en, id);
  memory.copy(arena + arenaUsed, s, len);
  arenaUsed += len;
  store<i32>(slots + (<usize>i << 2), entries + 1);
  entries++;
  return id;
}

// ---- tokens --------------------------------------------------------------------------

// Whitespace: none or one space nearly always (after ':' and ','); a newline and an
// indent (pretty-printed files) sixteen bytes at a time.
@inline function skipWs(p: usize): usize {
  const c = <u32>load<u8>(p);
  if (c > 32) return p;
  if (c == 32 && <u32>load<u8>(p + 1) > 32) return p + 1;
  return skipWsRun(p);
}

function skipWsRun(p: usize): usize {
  const space = i8x16.splat(32), nl = i8x16.splat(10), cr = i8x16.splat(13), tab = i8x16.splat(9);
  for (;;) {
    const v = v128.load(p);
    const ws = v128.or(v128.or(i8x16.eq(v, space), i8x16.eq(v, nl)), v128.or(i8x16.eq(v, cr), i8x16.eq(v, tab)));
    const rest = ~<u32>i8x16.bitmask(ws) & 0xffff;
    if (rest != 0) return p + <usize>ctz(rest); // (a 0 byte is not whitespace: the window's end stops it)
    p += 16;
  }
  return 0; // not reached
}

@inline function isDigit(c: u32): bool {
  return c - ZERO < 10;
}

@inline function isDelimiter(c: u32): bool {
  return c == COMMA || c == RBRACE || c == RBRACKET || c == 32 || c == 10 || c == 13 || c == 9 || c == COLON;
}

@inline function keyIs(s: usize, len: usize, key: usize, keyLen: usize): bool {
  return len == keyLen && sameBytes(s, key, len);
}

let strEnd: usize = 0;
let strHash: u32 = 0;

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;
const QUOTES: u64 = 0x2222222222222222;
const BACKSLASHES: u64 = 0x5c5c5c5c5c5c5c5c;
const MIX: u64 = 0x9e3779b97f4a7c15;

/** High bit set in each byte of v that is 0 (exact up to the first such byte, which is all we use). */
@inline function zeroBytes(v: u64): u64 {
  return (v - ONES) & ~v & HIGHS;
}

// The string cache's hash, eight bytes at a time: mixWord per whole word, the last k bytes
// (k > 0) masked, then the length. It is this module's own: the JS string table only uses it
// to look the bytes up in its own table, and a miss there still finds the string by its text.
@inline function mixWord(h: u64, w: u64): u64 {
  return (rotl<u64>(h, 5) ^ w) * MIX;
}

@inline function hashEnd(h: u64, w: u64, k: usize, len: usize): u32 {
  if (k > 0) h = mixWord(h, w & ((<u64>1 << (<u64>k << 3)) - 1));
  h ^= <u64>(len + 1);
  return <u32>(h ^ (h >> 32));
}

/** The hash of the bytes [s, e) (a pid's digits): the same as readString gives them. */
function hashRange(s: usize, e: usize): u32 {
  let h: u64 = 0;
  let q = s;
  for (; e - q >= 8; q += 8) h = mixWord(h, load<u64>(q));
  return hashEnd(h, load<u64>(q), e - q, e - s); // (reads up to 7 bytes past e: the window has 16 to spare)
}

/**
 * A string without escapes at p (its quote): strEnd (its closing quote) and its hash; else
 * 0. Eight bytes at a time (the window has 16 bytes to spare after its 0).
 */
function readString(p: usize): usize {
  let q = p + 1;
  let h: u64 = 0;
  for (;;) {
    const w = load<u64>(q);
    const m = zeroBytes(w ^ QUOTES) | zeroBytes(w ^ BACKSLASHES) | zeroBytes(w);
    if (m != 0) {
      const k = <usize>(ctz(m) >> 3);
      const e = q + k;
      if (<u32>load<u8>(e) != QUOTE) return 0; // an escape, or the end of the bytes
      strEnd = e;
      strHash = hashEnd(h, w, k, e - p - 1);
      return e + 1;
    }
    h = mixWord(h, w);
    q += 8;
  }
  return 0; // not reached
}

let keyWord: u64 = 0;

/**
 * The key whose first byte is at ks, eight bytes at a time: the position of its closing
 * quote, with its first eight bytes in keyWord (zero past a shorter key's end, so a key
 * shorter than eight bytes is told by keyWord alone: keys hold no 0 byte); 0 at a 0 byte,
 * or at a backslash unless `escapes`.
 */
@inline function scanKey(ks: usize, escapes: bool): usize {
  const w0 = load<u64>(ks);
  let w = w0;
  let q = ks;
  for (;;) {
    const m = zeroBytes(w ^ QUOTES) | zeroBytes(w ^ BACKSLASHES) | zeroBytes(w);
    if (m != 0) {
      const e = q + <usize>(ctz(m) >> 3);
      const c = <u32>load<u8>(e);
      if (c == QUOTE) {
        const len = e - ks;
        keyWord = len >= 8 ? w0 : w0 & ((<u64>1 << (<u64>len << 3)) - 1);
        return e;
      }
      if (c == 0 || !escapes || load<u8>(e + 1) == 0) return 0;
      q = e + 2; // a backslash and the byte it escapes
    } else q += 8;
    w = load<u64>(q);
  }
  return 0; // not reached
}

// Keys shorter than eight bytes, as keyWord gives them (little-endian).
const W_PH: u64 = 0x6870, W_TS: u64 = 0x7374, W_DUR: u64 = 0x727564, W_NAME: u64 = 0x656d616e;
const W_CAT: u64 = 0x746163, W_PID: u64 = 0x646970, W_TID: u64 = 0x646974, W_ARGS: u64 = 0x73677261;
const W_ID: u64 = 0x6469, W_BP: u64 = 0x7062, W_S: u64 = 0x73, W_ID2: u64 = 0x326469;
const W_BIND_ID: u64 = 0x64695f646e6962, W_FLOW_IN: u64 = 0x6e695f776f6c66;
const W_GRID: u64 = 0x64697267, W_BLOCK: u64 = 0x6b636f6c62, W_DEVICE: u64 = 0x656369766564, W_STREAM: u64 = 0x6d6165727473;

/** Whether len bytes at a and b are the same, eight at a time. */
@inline function sameBytes(a: usize, b: usize, len: usize): bool {
  while (len >= 8) {
    if (load<u64>(a) != load<u64>(b)) return false;
    a += 8;
    b += 8;
    len -= 8;
  }
  if (len >= 4) {
    if (load<u32>(a) != load<u32>(b)) return false;
    a += 4;
    b += 4;
    len -= 4;
  }
  while (len > 0) {
    if (load<u8>(a) != load<u8>(b)) return false;
    a++;
    b++;
    len--;
  }
  return true;
}

let num: f64 = 0;

// Digits are summed in integers, not doubles as in Scanner: up to 2^53 every partial sum is
// exact either way, so the results are the same, and an integer multiply-add is half the
// latency of a double one. Past 18 digits (where a u64 could overflow) the JS side reads.

/** Scanner.readNumber's fast path; 0 where it would take its slow one (or fail). */
function readNumber(p: usize): usize {
  let neg = false;
  if (<u32>load<u8>(p) == MINUS) {
    neg = true;
    p++;
  }
  let mant: u64 = 0;
  let digits = 0;
  let c: u32 = 0;
  while (isDigit((c = <u32>load<u8>(p)))) {
    mant = mant * 10 + <u64>(c - ZERO);
    digits++;
    p++;
  }
  let frac = 0;
  if (c == DOT) {
    p++;
    while (isDigit((c = <u32>load<u8>(p)))) {
      mant = mant * 10 + <u64>(c - ZERO);
      digits++;
      frac++;
      p++;
    }
  }
  if (c == 0 || digits == 0 || digits > 18 || c == LOWER_E || c == UPPER_E || mant >= MAX_EXACT_INT || frac > 22) return 0;
  const v = frac == 0 ? <f64>mant : <f64>mant / unchecked(POW10[frac]);
  num = neg ? -v : v;
  return p;
}

const MAX_EXACT_INT: u64 = 9007199254740992; // 2^53

/** Scanner.readTs's fast path (the fraction kept exact against tsBase); 0 otherwise. */
function readTs(p: usize): usize {
  let neg = false;
  if (<u32>load<u8>(p) == MINUS) {
    neg = true;
    p++;
  }
  let whole: u64 = 0;
  let intDigits = 0;
  let c: u32 = 0;
  while (isDigit((c = <u32>load<u8>(p)))) {
    whole = whole * 10 + <u64>(c - ZERO);
    intDigits++;
    p++;
  }
  let part: u64 = 0;
  let fracDigits = 0;
  if (c == DOT) {
    p++;
    while (isDigit((c = <u32>load<u8>(p)))) {
      if (fracDigits < 9) {
        part = part * 10 + <u64>(c - ZERO);
        fracDigits++;
      } else if (c != ZERO) fracDigits = 99;
      p++;
    }
  }
  if (c == 0 || intDigits == 0 || intDigits > 18 || c == LOWER_E || c == UPPER_E || whole >= MAX_EXACT_INT || fracDigits > 9) return 0;
  let int = <f64>whole;
  let frac = <f64>part;
  if (neg) {
    int = -int;
    frac = -frac;
  }
  const scale = unchecked(POW10[fracDigits]);
  store<f64>(OUT + TS_ABS, int + frac / scale);
  const rel = int - tsBase;
  const scaled = rel * scale + frac;
  store<f64>(OUT + TS, scaled < MAX_EXACT && scaled > -MAX_EXACT ? scaled / scale : rel + frac / scale);
  store<i32>(OUT + TS_STATE, OK);
  return p;
}

let plain: f64 = 0;
let plainStart: usize = 0, plainEnd: usize = 0;

/**
 * Scanner.readPlainInteger: a number or a quoted string of digits below 2^40 with no sign,
 * no leading zero and no fraction; its value in `plain`, its digits' bounds, the position
 * after it. 0 when it is not one.
 */
function readPlainInteger(p: usize): usize {
  const quoted = <u32>load<u8>(p) == QUOTE;
  const s = quoted ? p + 1 : p;
  let q = s;
  let v: u64 = 0;
  let c: u32 = 0;
  while (isDigit((c = <u32>load<u8>(q)))) {
    v = v * 10 + <u64>(c - ZERO);
    q++;
  }
  const digits = q - s;
  if (c == 0 || digits == 0 || digits > 12 || (<u32>load<u8>(s) == ZERO && digits > 1) || v >= MAX_PLAIN_ID_INT) return 0;
  plainStart = s;
  plainEnd = q;
  plain = <f64>v;
  if (quoted) {
    if (c != QUOTE) return 0;
    return q + 1;
  }
  if (c == DOT || c == LOWER_E || c == UPPER_E) return 0;
  return q;
}

let idValue: f64 = 0;

// The last plain pid and tid and their ids (Scanner.internIdToken's cache, kept here).
let lastPidValue: f64 = -1, lastPid: i32 = 0, lastTidValue: f64 = -1, lastTid: i32 = 0;

/** A pid or tid: a plain integer (by value, cached), or a string without escapes; else 0. */
function readIdToken(p: usize, slot: i32): usize {
  const q = readPlainInteger(p);
  if (q != 0) {
    if (!quotedAt(p) && !isDelimiter(<u32>load<u8>(q))) return 0; // digits run into something
    if (slot == 0) {
      if (plain != lastPidValue) {
        lastPid = intern(plainStart, plainEnd, hashRange(plainStart, plainEnd));
        lastPidValue = plain;
      }
      idValue = <f64>lastPid;
    } else {
      if (plain != lastTidValue) {
        lastTid = intern(plainStart, plainEnd, hashRange(plainStart, plainEnd));
        lastTidValue = plain;
      }
      idValue = <f64>lastTid;
    }
    return q;
  }
  if (!quotedAt(p)) return 0;
  const e = readString(p);
  if (e == 0) return 0;
  idValue = <f64>intern(p + 1, strEnd, strHash);
  return e;
}

@inline function quotedAt(p: usize): bool {
  return <u32>load<u8>(p) == QUOTE;
}

/** Scanner.skipValue, or 0 where the JS side must read (an odd token, the window's end). */
function skipValue(p: usize): usize {
  let c = <u32>load<u8>(p);
  if (c == QUOTE) {
    p++;
    for (;;) {
      c = <u32>load<u8>(p);
      if (c == QUOTE) return p + 1;
      if (c == 0) return 0;
      if (c == BACKSLASH) {
        if (load<u8>(p + 1) == 0) return 0;
        p += 2;
      } else p++;
    }
  }
  if (c != LBRACE && c != LBRACKET) {
    // a bare token: a number, or exactly true, false or null (Scanner's isLiteral)
    const s = p;
    while (!isDelimiter((c = <u32>load<u8>(p)))) {
      if (c == 0) return 0;
      p++;
    }
    if (p == s) return 0;
    const c0 = <u32>load<u8>(s);
    if (c0 == MINUS || isDigit(c0)) return p;
    const len = p - s;
    if (len == 4 && load<u32>(s) == 0x65757274) return p; // true
    if (len == 5 && load<u32>(s) == 0x736c6166 && load<u8>(s + 4) == 101) return p; // false
    if (len == 4 && load<u32>(s) == 0x6c6c756e) return p; // null
    return 0;
  }
  const fast = skipBrackets(p);
  return fast != 1 ? fast : skipBracketsBytewise(p);
}

/**
 * An object or array at p, sixteen bytes at a time: a prefix XOR of the quotes marks the
 * bytes inside strings, and only brackets outside them count. A block with a backslash or
 * a 0 gives 1: the bytewise loop then reads the whole value (escapes are rare in traces).
 */
function skipBrackets(p: usize): usize {
  const quote = i8x16.splat(<i8>QUOTE), backslash = i8x16.splat(<i8>BACKSLASH), zero = i8x16.splat(0);
  const case20 = i8x16.splat(0x20), open = i8x16.splat(<i8>LBRACE), close = i8x16.splat(<i8>RBRACE);
  let depth = 0;
  let inString: u32 = 0; // 0xffff inside a string at the block's start, else 0
  for (;;) {
    const v = v128.load(p);
    if (v128.any_true(v128.or(i8x16.eq(v, backslash), i8x16.eq(v, zero)))) return 1;
    let x = <u32>i8x16.bitmask(i8x16.eq(v, quote));
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x = (x ^ inString) & 0xffff; // bit i: byte i is in a string (an opening quote in, a closing one out)
    const w = v128.or(v, case20); // '[' → '{' and ']' → '}'
    const opens = <u32>i8x16.bitmask(i8x16.eq(w, open)) & ~x;
    let marks = (opens | <u32>i8x16.bitmask(i8x16.eq(w, close))) & ~x & 0xffff;
    while (marks != 0) {
      const i = ctz(marks);
      const bit = <u32>1 << i;
      if (opens & bit) depth++;
      else {
        depth--;
        if (depth == 0) return p + <usize>i + 1;
      }
      marks ^= bit;
    }
    inString = x & 0x8000 ? 0xffff : 0;
    p += 16;
  }
  return 0; // not reached
}

function skipBracketsBytewise(p: usize): usize {
  let depth = 0;
  for (;;) {
    const k = load<u8>(SKIP_CLASS + <usize>load<u8>(p));
    if (k == 0) {
      p++;
      continue;
    }
    if (k == 1) {
      p++;
      for (;;) {
        const d = load<u8>(SKIP_CLASS + <usize>load<u8>(p));
        if (d == 1) break;
        if (d == 5) return 0;
        if (d == 4) {
          if (load<u8>(p + 1) == 0) return 0;
          p += 2;
        } else p++;
      }
    } else if (k == 2) depth++;
    else if (k == 3) {
      depth--;
      if (depth == 0) return p + 1;
    } else if (k == 5) return 0;
    p++;
  }
  return 0; // not reached
}

// What the sink said of each category (0 not asked yet, 1 skip its args, 2 read them).
const ARGS_WANTED: usize = memory.data(1 << 16);

function argsWanted(cat: i32): bool {
  if (cat >= 1 << 16) return jsArgsWanted(cat) != 0;
  let w = load<u8>(ARGS_WANTED + <usize>cat);
  if (w == 0) {
    w = jsArgsWanted(cat) != 0 ? 2 : 1;
    store<u8>(ARGS_WANTED + <usize>cat, w);
  }
  return w == 2;
}

// ---- the event -----------------------------------------------------------------------

function reset(): void {
  store<i32>(OUT + PH, 0);
  store<i32>(OUT + PH_STATE, 0);
  store<i32>(OUT + NAME, -1);
  store<i32>(OUT + NAME_STATE, 0);
  store<i32>(OUT + CAT, -1);
  store<i32>(OUT + PID, -1);
  store<i32>(OUT + PID_STATE, 0);
  store<i32>(OUT + TID, -1);
  store<i32>(OUT + TID_STATE, 0);
  store<i32>(OUT + TS_STATE, 0);
  store<i32>(OUT + DUR_STATE, 0);
  store<i32>(OUT + ID, -1);
  store<i32>(OUT + BP, 0);
  store<i32>(OUT + SCOPE, 0);
  store<i32>(OUT + ARGS_START, -1);
  store<i32>(OUT + ARGS_END, -1);
  store<i32>(OUT + HAS_KERNEL, 0);
  store<f64>(OUT + ID_NUM, -1);
  store<f64>(OUT + CORRELATION, NaN);
  store<f64>(OUT + DEVICE, NaN);
  store<f64>(OUT + STREAM, NaN);
}

function resetKernel(): void {
  for (let k: usize = 0; k < 6; k++) store<f64>(OUT + GRID + (k << 3), 0);
  store<f64>(OUT + REGISTERS, NaN);
  store<f64>(OUT + SHARED_MEMORY, NaN);
  store<f64>(OUT + BLOCKS_PER_SM, NaN);
  store<f64>(OUT + WARPS_PER_SM, NaN);
  store<f64>(OUT + OCCUPANCY, NaN);
}

/** A first one-byte string value (ph, bp, s): its first byte, or 0 when empty. */
let firstByte: i32 = 0;
let strLen: usize = 0;
function readShortString(p: usize): usize {
  const e = readString(p);
  if (e == 0) return 0;
  strLen = strEnd - (p + 1);
  firstByte = strLen > 0 ? <i32>load<u8>(p + 1) : 0;
  return e;
}

/**
 * Reads the event object at p (its '{'; the byte at `end` is 0) into OUT, and returns the
 * position after its '}'; 0 when the JS scanner must read it (OUT is then garbage).
 */
export function readEvent(p: usize): usize {
  if (isNaN(tsBase)) return 0;
  reset();
  let kernelTouched = false;
  p = skipWs(p + 1);
  let c = <u32>load<u8>(p);
  if (c == RBRACE) return p + 1;
  for (;;) {
    if (c != QUOTE) return 0;
    const ks = p + 1;
    const q = scanKey(ks, false);
    if (q == 0) return 0;
    const len = q - ks;
    const kw = keyWord;
    p = skipWs(q + 1);
    if (<u32>load<u8>(p) != COLON) return 0;
    p = skipWs(p + 1);
    c = <u32>load<u8>(p);
    const isNum = c == MINUS || isDigit(c);
    if (kw == W_PH) {
      if (c != QUOTE) return 0;
      const b = <u32>load<u8>(p + 1);
      if (<u32>load<u8>(p + 2) == QUOTE && b != QUOTE && b != BACKSLASH && b != 0) {
        // one letter, as nearly always
        store<i32>(OUT + PH, <i32>b);
        store<i32>(OUT + PH_STATE, OK);
        p += 3;
      } else {
        p = readShortString(p);
        if (p == 0) return 0;
        store<i32>(OUT + PH, firstByte);
        store<i32>(OUT + PH_STATE, strLen == 1 ? OK : BAD_TYPE);
      }
    } else if (kw == W_TS) {
      if (!isNum) return 0;
      p = readTs(p);
      if (p == 0) return 0;
    } else if (kw == W_DUR) {
      if (!isNum) return 0;
      p = readNumber(p);
      if (p == 0) return 0;
      store<f64>(OUT + DUR, num);
      store<i32>(OUT + DUR_STATE, OK);
    } else if (kw == W_NAME) {
      if (c != QUOTE) return 0;
      const s = p + 1;
      p = readString(p);
      if (p == 0) return 0;
      store<i32>(OUT + NAME, intern(s, strEnd, strHash));
      store<i32>(OUT + NAME_STATE, OK);
    } else if (kw == W_CAT) {
      if (c != QUOTE) return 0;
      const s = p + 1;
      p = readString(p);
      if (p == 0) return 0;
      store<i32>(OUT + CAT, intern(s, strEnd, strHash));
    } else if (kw == W_PID) {
      p = readIdToken(p, 0);
      if (p == 0) return 0;
      store<i32>(OUT + PID, <i32>idValue);
      store<i32>(OUT + PID_STATE, OK);
    } else if (kw == W_TID) {
      p = readIdToken(p, 1);
      if (p == 0) return 0;
      store<i32>(OUT + TID, <i32>idValue);
      store<i32>(OUT + TID_STATE, OK);
    } else if (kw == W_ARGS) {
      if (c != LBRACE) return 0;
      const cat = load<i32>(OUT + CAT);
      const ph = load<i32>(OUT + PH);
      if (cat >= 0 && ph != PH_M && ph != PH_C && !argsWanted(cat)) {
        store<i32>(OUT + ARGS_START, <i32>p);
        p = skipValue(p);
        if (p == 0) return 0;
        store<i32>(OUT + ARGS_END, <i32>p);
      } else {
        if (!kernelTouched) {
          resetKernel();
          kernelTouched = true;
        }
        p = readArgs(p);
        if (p == 0) return 0;
      }
    } else if (kw == W_ID) {
      const e = readPlainInteger(p);
      if (e != 0) {
        store<f64>(OUT + ID_NUM, plain);
        p = e;
      } else {
        if (c != QUOTE) return 0;
        const s = p + 1;
        p = readString(p);
        if (p == 0) return 0;
        store<f64>(OUT + ID_NUM, -1);
        store<i32>(OUT + ID, intern(s, strEnd, strHash));
      }
    } else if (kw == W_BP) {
      if (c != QUOTE) return 0;
      p = readShortString(p);
      if (p == 0) return 0;
      store<i32>(OUT + BP, firstByte);
    } else if (kw == W_S) {
      if (c != QUOTE) return 0;
      p = readShortString(p);
      if (p == 0) return 0;
      store<i32>(OUT + SCOPE, firstByte);
    } else if (kw == W_ID2 || kw == W_BIND_ID || kw == W_FLOW_IN || (len == 8 && keyIs(ks, len, K_FLOW_OUT, 8))) {
      return 0; // flow v2 and id2: rare, left to the JS scanner
    } else {
      p = skipValue(p);
      if (p == 0) return 0;
    }
    p = skipWs(p);
    c = <u32>load<u8>(p);
    if (c == COMMA) {
      p = skipWs(p + 1);
      c = <u32>load<u8>(p);
      continue;
    }
    if (c == RBRACE) return p + 1;
    return 0;
  }
}

/** Scanner.readArgs: the args object's bounds and the launch and kernel fields in it. */
function readArgs(p: usize): usize {
  store<i32>(OUT + ARGS_START, <i32>p);
  p = skipWs(p + 1);
  let c = <u32>load<u8>(p);
  if (c == RBRACE) {
    store<i32>(OUT + ARGS_END, <i32>(p + 1));
    return p + 1;
  }
  for (;;) {
    if (c != QUOTE) return 0;
    const ks = p + 1;
    const q = scanKey(ks, true);
    if (q == 0) return 0;
    const len = q - ks;
    const kw = keyWord;
    p = skipWs(q + 1);
    if (<u32>load<u8>(p) != COLON) return 0;
    p = skipWs(p + 1);
    c = <u32>load<u8>(p);
    const isNum = c == MINUS || isDigit(c);
    let at: usize = 0; // where a number goes
    let kernel = false;
    if (len == 11 && isNum && keyIs(ks, len, A_CORRELATION, 11)) at = CORRELATION;
    else if (kw == W_GRID && c == LBRACKET) {
      p = readDim3(p, GRID);
      if (p == 0) return 0;
    } else if (kw == W_BLOCK && c == LBRACKET) {
      p = readDim3(p, BLOCK);
      if (p == 0) return 0;
    } else if (isNum && len == 20 && keyIs(ks, len, A_REGS, 20)) {
      at = REGISTERS;
      kernel = true;
    } else if (isNum && len == 13 && keyIs(ks, len, A_SHMEM, 13)) {
      at = SHARED_MEMORY;
      kernel = true;
    } else if (isNum && len == 13 && keyIs(ks, len, A_BPS, 13)) {
      at = BLOCKS_PER_SM;
      kernel = true;
    } else if (isNum && len == 12 && keyIs(ks, len, A_WPS, 12)) {
      at = WARPS_PER_SM;
      kernel = true;
    } else if (isNum && len == 25 && keyIs(ks, len, A_OCC, 25)) {
      at = OCCUPANCY;
      kernel = true;
    } else if (isNum && kw == W_DEVICE) at = DEVICE;
    else if (isNum && kw == W_STREAM) at = STREAM;
    else {
      p = skipValue(p);
      if (p == 0) return 0;
    }
    if (at != 0) {
      p = readNumber(p);
      if (p == 0) return 0;
      store<f64>(OUT + at, num);
      if (kernel) store<i32>(OUT + HAS_KERNEL, 1);
    }
    p = skipWs(p);
    c = <u32>load<u8>(p);
    if (c == COMMA) {
      p = skipWs(p + 1);
      c = <u32>load<u8>(p);
      continue;
    }
    if (c == RBRACE) {
      store<i32>(OUT + ARGS_END, <i32>(p + 1));
      return p + 1;
    }
    return 0;
  }
}

/** Scanner.readDim3: up to three numbers (missing ones are 1); 0 where JS must read. */
function readDim3(p: usize, at: usize): usize {
  p = skipWs(p + 1);
  let x: f64 = 1, y: f64 = 1, z: f64 = 1;
  let i = 0;
  let c = <u32>load<u8>(p);
  while (c != RBRACKET) {
    if ((c == MINUS || isDigit(c)) && i < 3) {
      p = readNumber(p);
      if (p == 0) return 0;
      if (i == 0) x = num;
      else if (i == 1) y = num;
      else z = num;
    } else {
      p = skipValue(p);
      if (p == 0) return 0;
    }
    i++;
    p = skipWs(p);
    c = <u32>load<u8>(p);
    if (c == COMMA) {
      p = skipWs(p + 1);
      c = <u32>load<u8>(p);
    } else if (c != RBRACKET) return 0;
  }
  store<i32>(OUT + HAS_KERNEL, 1);
  store<f64>(OUT + at, x);
  store<f64>(OUT + at + 8, y);
  store<f64>(OUT + at + 16, z);
  return p + 1;
}

/** Memory for the JS side's window (it never frees: windows only grow, by doubling). */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

// ---- the common slice, collected here ---------------------------------------------------
// collect() reads events one after another and appends each X or instant event that the
// collector would take without a second look (a valid one-letter ph, a timestamp and
// duration in range, no flow binding) straight to staging columns, as Collector.addSlice
// would: the sink then copies whole columns at once. The first event it does not take ends
// the batch, read into OUT (STOP_READ) or left to the JS scanner (STOP_JS), so the sink
// sees every event in file order. wasm-events.ts mirrors the layout below.

@external("env", "sliceClass")
declare function jsSliceClass(cat: i32): i32;
@external("env", "sliceTrack")
declare function jsSliceTrack(pid: i32, tid: i32): i32;
@external("env", "fieldGroupOf")
declare function jsFieldGroupOf(name: i32): i32;

const PH_X: i32 = 88, PH_i: i32 = 105, PH_I: i32 = 73, PH_R: i32 = 82, PH_s: i32 = 115, PH_t: i32 = 116, PH_f: i32 = 102;
const PH_B: i32 = 66, PH_E: i32 = 69;
const TRACK_KEY: f64 = 67108864; // Collector's pid * TRACK_KEY + tid
const CLS_KERNEL: i32 = 1, CLS_MEMCPY: i32 = 2, CLS_MEMSET: i32 = 3, CLS_RUNTIME: i32 = 4;
const STOP_NOT_EVENT: i32 = 0, STOP_FULL: i32 = 1, STOP_READ: i32 = 2, STOP_JS: i32 = 3;
export const BATCH_CAP: i32 = 4096;

// The batch record: i32 slots, then f64 slots from byte 256.
export const BATCH: usize = memory.data(320, 8);
const B_N: usize = 0, B_CORR_N: usize = 4, B_KERN_N: usize = 8, B_STOP: usize = 12, B_STOP_END: usize = 16;
const B_KERNELS: usize = 20, B_MEMCPY: usize = 24, B_MEMSET: usize = 28, B_PHASES: usize = 32;
const B_PHASE_CODE: usize = 36, B_PHASE_COUNT: usize = 72; // nine of each: X, i, I, R, s, t, f, B, E in the order first seen
const B_COLUMNS: usize = 108; // the staging columns' addresses (25 slots, in the order of alloc below)
const B_FLOW_N: usize = 208, B_FLOW_NO_ID: usize = 212, B_BE_N: usize = 216;
// Instants carrying listed fields: their count, and the addresses of their five columns
// (the run's slice index, the args' start and end addresses, -1 without args; the values
// read here, FIELD_SLOTS float64 a row; 1 where the JS side must read the row itself).
const B_FIELD_N: usize = 220, B_FIELD_COLUMNS: usize = 224;
const B_SPAN_MIN: usize = 256, B_SPAN_MAX: usize = 264, B_EXT_MIN: usize = 272, B_EXT_MAX: usize = 280;

let cStart: usize = 0, cDur: usize = 0, cOffset: usize = 0, cTrack: usize = 0, cName: usize = 0, cCat: usize = 0;
let cFlags: usize = 0, cCorrSlice: usize = 0, cCorrValue: usize = 0, cCorrSide: usize = 0, cKernSlice: usize = 0;
let cKern: usize = 0; // 14 float64 columns of BATCH_CAP each, in Collector.addKernel's order
// Flow v1 endpoints: cat, name, id (a string id, or a plain integer v as -1 - v), ph, thread key, ts, enclosing.
let cFlCat: usize = 0, cFlName: usize = 0, cFlId: usize = 0, cFlPh: usize = 0, cFlThread: usize = 0, cFlTs: usize = 0, cFlEnclosing: usize = 0;
// B/E edges: track, ts, is an E, name (0xffffffff when missing), cat, offset.
let cBeTrack: usize = 0, cBeTs: usize = 0, cBeEnd: usize = 0, cBeName: usize = 0, cBeCat: usize = 0, cBeOffset: usize = 0;

let cFieldSlice: usize = 0, cFieldStart: usize = 0, cFieldEnd: usize = 0, cFieldVals: usize = 0, cFieldJs: usize = 0;
let emptyId: i32 = 0, flagInstant: u8 = 0, flagGpu: u8 = 0, flagLaunch: u8 = 0;

function column(slot: i32, bytes: usize): usize {
  const at = heap.alloc(bytes);
  store<i32>(BATCH + B_COLUMNS + (<usize>slot << 2), <i32>at);
  return at;
}

/** Sets the sink's constants and makes the staging columns (once, before any collect). */
export function initSlices(empty: i32, instant: i32, gpu: i32, launch: i32): void {
  emptyId = empty;
  flagInstant = <u8>instant;
  flagGpu = <u8>gpu;
  flagLaunch = <u8>launch;
  const n = <usize>BATCH_CAP;
  cStart = column(0, n << 3);
  cDur = column(1, n << 3);
  cOffset = column(2, n << 3);
  cTrack = column(3, n << 2);
  cName = column(4, n << 2);
  cCat = column(5, n << 2);
  cFlags = column(6, n);
  cCorrSlice = column(7, n << 2);
  cCorrValue = column(8, n << 3);
  cCorrSide = column(9, n);
  cKernSlice = column(10, n << 2);
  cKern = column(11, (n << 3) * 14);
  cFlCat = column(12, n << 2);
  cFlName = column(13, n << 2);
  cFlId = column(14, n << 3);
  cFlPh = column(15, n);
  cFlThread = column(16, n << 3);
  cFlTs = column(17, n << 3);
  cFlEnclosing = column(18, n);
  cBeTrack = column(19, n << 2);
  cBeTs = column(20, n << 3);
  cBeEnd = column(21, n);
  cBeName = column(22, n << 2);
  cBeCat = column(23, n << 2);
  cBeOffset = column(24, n << 3);
  cFieldSlice = heap.alloc(n << 2);
  cFieldStart = heap.alloc(n << 2);
  cFieldEnd = heap.alloc(n << 2);
  store<i32>(BATCH + B_FIELD_COLUMNS, <i32>cFieldSlice);
  store<i32>(BATCH + B_FIELD_COLUMNS + 4, <i32>cFieldStart);
  store<i32>(BATCH + B_FIELD_COLUMNS + 8, <i32>cFieldEnd);
  cFieldVals = heap.alloc((n << 3) * FIELD_SLOTS);
  cFieldJs = heap.alloc(n);
  store<i32>(BATCH + B_FIELD_COLUMNS + 12, <i32>cFieldVals);
  store<i32>(BATCH + B_FIELD_COLUMNS + 16, <i32>cFieldJs);
  trackSlots = heap.alloc(TRACK_SLOTS * 12);
  memory.fill(trackSlots, 0, TRACK_SLOTS * 12);
}

// (pid, tid) → track: the sink's answer, cached. Open addressing, 12 bytes a slot (pid,
// tid, track + 1). It never grows during a collect (JS views of memory stay valid): past
// half full, misses simply ask the sink each time.
const TRACK_SLOTS: usize = 4096;
let trackSlots: usize = 0;
let trackCount: i32 = 0;
let trackPid: i32 = -1, trackTid: i32 = -1, lastTrack: i32 = 0;

function trackOf(pid: i32, tid: i32): i32 {
  if (pid == trackPid && tid == trackTid) return lastTrack;
  let i = ((<u32>pid * 0x9e3779b1) ^ (<u32>tid * 0x85ebca77)) >> 20; // 12 bits: TRACK_SLOTS
  let track: i32 = -1;
  for (;;) {
    const s = trackSlots + <usize>i * 12;
    const t = load<i32>(s + 8);
    if (t == 0) {
      track = jsSliceTrack(pid, tid);
      if (trackCount < <i32>(TRACK_SLOTS >> 1)) {
        store<i32>(s, pid);
        store<i32>(s + 4, tid);
        store<i32>(s + 8, track + 1);
        trackCount++;
      }
      break;
    }
    if (load<i32>(s) == pid && load<i32>(s + 4) == tid) {
      track = t - 1;
      break;
    }
    i = (i + 1) & <u32>(TRACK_SLOTS - 1);
  }
  trackPid = pid;
  trackTid = tid;
  lastTrack = track;
  return track;
}

// What the sink said of each category (0 not asked yet, else its class + 1).
const SLICE_CLASS: usize = memory.data(1 << 16);

function classOf(cat: i32): i32 {
  if (cat < 0) return 0;
  if (cat >= 1 << 16) return jsSliceClass(cat);
  let c = <i32>load<u8>(SLICE_CLASS + <usize>cat);
  if (c == 0) {
    c = jsSliceClass(cat) + 1;
    store<u8>(SLICE_CLASS + <usize>cat, <u8>c);
  }
  return c - 1;
}

// The field group (model/fields.ts) instants of a name carry, or -1. The module reads the
// listed keys of their args itself (readFieldArgs) and hands the rows over (cFieldVals);
// a row it is not sure to read as Scanner.readListedArgs does goes to the JS side
// (cFieldJs), which reads it from the window before the next collect.
// (0 not asked yet, 1 none, else the group + 2; names past the table ask each time.)
const NAME_FIELDS: usize = memory.data(1 << 16);

function fieldGroupOf(name: i32): i32 {
  if (name < 0) return -1;
  if (name >= 1 << 16) return jsFieldGroupOf(name);
  let w = <i32>load<u8>(NAME_FIELDS + <usize>name);
  if (w == 0) {
    w = jsFieldGroupOf(name) + 2;
    store<u8>(NAME_FIELDS + <usize>name, <u8>w);
  }
  return w - 2;
}

// The listed keys, set once by the JS side (setFieldKey): per key its bytes, its group, its
// first slot in a row and whether it is a uint64 (two slots: high and low halves); per
// group, which of its slots are uint64 halves (absent: 0xffffffff) and how many it has.
export const FIELD_SLOTS: i32 = 16;
const FIELD_KEYS_MAX: i32 = 32;
const FIELD_KEY: usize = memory.data(32 * 32, 8); // address, length, group, slot, isU64, (pad), first eight bytes as scanKey's keyWord
const FIELD_SLOT_U32: usize = memory.data(8 * 16); // per group and slot: 1 for a uint64 half
const FIELD_GROUP_SLOTS: usize = memory.data(8 * 4);
let fieldKeys: i32 = 0;

/** Room for a key's bytes (the JS side writes them there, then calls setFieldKey). */
export function fieldKeyBytes(len: i32): usize {
  const at = heap.alloc(<usize>len + 8);
  memory.fill(at, 0, <usize>len + 8);
  return at;
}

/** Declares a listed key; false when the module has no room (the JS side then reads every row). */
export function setFieldKey(at: usize, len: i32, group: i32, slot: i32, isU64: bool): bool {
  if (fieldKeys >= FIELD_KEYS_MAX || group >= 8 || slot + (isU64 ? 2 : 1) > FIELD_SLOTS) return false;
  const e = FIELD_KEY + <usize>fieldKeys * 32;
  store<i32>(e, <i32>at);
  store<i32>(e + 4, len);
  store<i32>(e + 8, group);
  store<i32>(e + 12, slot);
  store<i32>(e + 16, isU64 ? 1 : 0);
  const w = load<u64>(at); // (fieldKeyBytes left 8 bytes to spare)
  store<u64>(e + 24, len >= 8 ? w : w & ((<u64>1 << (<u64>len << 3)) - 1));
  fieldKeys++;
  const slots = FIELD_GROUP_SLOTS + (<usize>group << 2);
  const end = slot + (isU64 ? 2 : 1);
  if (end > load<i32>(slots)) store<i32>(slots, end);
  if (isU64) {
    store<u8>(FIELD_SLOT_U32 + (<usize>group << 4) + <usize>slot, 1);
    store<u8>(FIELD_SLOT_U32 + (<usize>group << 4) + <usize>slot + 1, 1);
  }
  return true;
}

const NO_U64: f64 = 4294967295;

/**
 * Scanner.readListedArgs over the args object at p, for group g, into the row at `row`
 * (absent keys: NaN, or 0xffffffff for both halves of a uint64); false where the JS side
 * must read it: an escaped key, a value that is not a plain number where a field is (the JS
 * side gives NaN there, or reads a quoted uint64), a number readNumber declines, a uint64 past
 * 2^64 - 2, any syntax it would stop at.
 */
function readFieldArgs(p: usize, g: i32, row: usize): bool {
  const slots = <usize>load<i32>(FIELD_GROUP_SLOTS + (<usize>g << 2));
  const u32s = FIELD_SLOT_U32 + (<usize>g << 4);
  for (let j: usize = 0; j < slots; j++) store<f64>(row + (j << 3), load<u8>(u32s + j) != 0 ? NO_U64 : NaN);
  if (p == -1) return true; // no args: every field absent
  if (<u32>load<u8>(p) != LBRACE) return false;
  p = skipWs(p + 1);
  let c = <u32>load<u8>(p);
  if (c == RBRACE) return true;
  for (;;) {
    if (c != QUOTE) return false;
    const ks = p + 1;
    const q = scanKey(ks, false);
    if (q == 0) return false;
    const len = q - ks;
    const kw = keyWord;
    p = skipWs(q + 1);
    if (<u32>load<u8>(p) != COLON) return false;
    p = skipWs(p + 1);
    c = <u32>load<u8>(p);
    let e: usize = 0;
    for (let k = 0; k < fieldKeys; k++) {
      const at = FIELD_KEY + <usize>k * 32;
      if (load<u64>(at + 24) == kw && load<i32>(at + 4) == <i32>len && load<i32>(at + 8) == g && (len <= 8 || sameBytes(ks + 8, <usize>load<i32>(at) + 8, len - 8))) {
        e = at;
        break;
      }
    }
    if (e == 0) {
      p = skipValue(p);
      if (p == 0) return false;
    } else {
      const out = row + (<usize>load<i32>(e + 12) << 3);
      if (load<i32>(e + 16) != 0) {
        if (!isDigit(c)) return false;
        let v: u64 = 0;
        while (isDigit((c = <u32>load<u8>(p)))) {
          const d = <u64>(c - ZERO);
          if (v > 1844674407370955161 || (v == 1844674407370955161 && d > 5)) return false; // past 2^64 - 1
          v = v * 10 + d;
          p++;
        }
        if (!isDelimiter(c) || v == 0xffffffffffffffff) return false;
        store<f64>(out, <f64>(v >> 32));
        store<f64>(out + 8, <f64>(v & 0xffffffff));
      } else {
        if (!(c == MINUS || isDigit(c))) return false;
        p = readNumber(p);
        if (p == 0) return false;
        store<f64>(out, num);
      }
    }
    p = skipWs(p);
    c = <u32>load<u8>(p);
    if (c == COMMA) {
      p = skipWs(p + 1);
      c = <u32>load<u8>(p);
      continue;
    }
    return c == RBRACE;
  }
  return false; // not reached
}

function countPhase(ph: i32): void {
  const n = load<i32>(BATCH + B_PHASES);
  for (let k = 0; k < n; k++) {
    const at = BATCH + (<usize>k << 2);
    if (load<i32>(at + B_PHASE_CODE) == ph) {
      store<i32>(at + B_PHASE_COUNT, load<i32>(at + B_PHASE_COUNT) + 1);
      return;
    }
  }
  const at = BATCH + (<usize>n << 2);
  store<i32>(at + B_PHASE_CODE, ph);
  store<i32>(at + B_PHASE_COUNT, 1);
  store<i32>(BATCH + B_PHASES, n + 1);
}

/**
 * Collects events from p (the window's data ends at a 0 byte) until one it does not take,
 * or `cap` slices; returns where it stopped, and why in BATCH (B_STOP; for STOP_READ, OUT
 * holds the event at the returned position and B_STOP_END its end). `offsetDelta` + a
 * position is the event's offset in the stream. Without `numericFlowIds`, a flow event with
 * a numeric id ends the run (RunSink.numericFlowIds).
 */
export function collect(p: usize, cap: i32, offsetDelta: f64, numericFlowIds: bool): usize {
  let n: i32 = 0, corrN: i32 = 0, kernN: i32 = 0, flowN: i32 = 0, flowNoId: i32 = 0, beN: i32 = 0, fieldN: i32 = 0;
  let group: i32 = -1;
  let kernels: i32 = 0, memcpy: i32 = 0, memset: i32 = 0;
  let spanMin: f64 = Infinity, spanMax: f64 = -Infinity, extMin: f64 = Infinity, extMax: f64 = -Infinity;
  let stop = STOP_NOT_EVENT;
  store<i32>(BATCH + B_PHASES, 0);
  for (;;) {
    p = skipWs(p);
    const c = <u32>load<u8>(p);
    if (c == COMMA) {
      p++;
      continue;
    }
    if (c != LBRACE) break;
    if (n >= cap || flowN >= BATCH_CAP || beN >= BATCH_CAP) {
      stop = STOP_FULL;
      break;
    }
    const e = readEvent(p);
    if (e == 0) {
      stop = STOP_JS;
      break;
    }
    const ph = load<i32>(OUT + PH);
    const isX = ph == PH_X;
    const isFlow = ph == PH_s || ph == PH_t || ph == PH_f;
    const isEdge = ph == PH_B || ph == PH_E;
    let ok = load<i32>(OUT + PH_STATE) == OK && (isX || isFlow || isEdge || ph == PH_i || ph == PH_I || ph == PH_R) && load<i32>(OUT + TS_STATE) == OK;
    const hasDur = load<i32>(OUT + DUR_STATE) == OK;
    const dur = hasDur ? load<f64>(OUT + DUR) : 0;
    // (Collector.event skips these with a warning: the JS side has them)
    if (ok) ok = abs<f64>(load<f64>(OUT + TS_ABS)) < MAX_EXACT && dur >= 0 && dur < MAX_EXACT;
    // (a numeric flow id can make the sink intern a string: only where it says it will not)
    if (ok && isFlow && !numericFlowIds) ok = load<i32>(OUT + ID) >= 0 || load<f64>(OUT + ID_NUM) < 0;
    if (!ok) {
      stop = STOP_READ;
      store<i32>(BATCH + B_STOP_END, <i32>e);
      break;
    }
    countPhase(ph);
    const ts = load<f64>(OUT + TS);
    if (ts < spanMin) spanMin = ts;
    const spanEnd = hasDur ? ts + dur : ts;
    if (spanEnd > spanMax) spanMax = spanEnd;
    let pid = load<i32>(OUT + PID), tid = load<i32>(OUT + TID), name = load<i32>(OUT + NAME), cat = load<i32>(OUT + CAT);
    if (pid < 0) pid = emptyId;
    if (tid < 0) tid = emptyId;
    if (name < 0) name = emptyId;
    const catId = cat < 0 ? emptyId : cat;
    if (isFlow) {
      const id = load<i32>(OUT + ID), idNum = load<f64>(OUT + ID_NUM);
      if (id < 0 && idNum < 0) flowNoId++;
      else {
        const j = <usize>flowN;
        store<u32>(cFlCat + (j << 2), <u32>catId);
        store<u32>(cFlName + (j << 2), <u32>name);
        store<f64>(cFlId + (j << 3), id >= 0 ? <f64>id : -1 - idNum);
        store<u8>(cFlPh + j, <u8>ph);
        store<f64>(cFlThread + (j << 3), <f64>pid * TRACK_KEY + <f64>tid);
        store<f64>(cFlTs + (j << 3), ts);
        // s and t bind to the enclosing slice; f only with bp "e", else to the next slice
        store<u8>(cFlEnclosing + j, ph != PH_f || load<i32>(OUT + BP) == 101 ? 1 : 0);
        flowN++;
      }
      p = e;
      continue;
    }
    if (ts < extMin) extMin = ts;
    if (isEdge) {
      if (ts > extMax) extMax = ts;
      const j = <usize>beN;
      store<u32>(cBeTrack + (j << 2), <u32>trackOf(pid, tid));
      store<f64>(cBeTs + (j << 3), ts);
      store<u8>(cBeEnd + j, ph == PH_E ? 1 : 0);
      store<u32>(cBeName + (j << 2), load<i32>(OUT + NAME) < 0 ? 0xffffffff : <u32>name);
      store<u32>(cBeCat + (j << 2), <u32>catId);
      store<f64>(cBeOffset + (j << 3), offsetDelta + <f64>p);
      beN++;
      p = e;
      continue;
    }
    const sliceDur = isX ? dur : 0;
    if (ts + sliceDur > extMax) extMax = ts + sliceDur;
    const track = trackOf(pid, tid);
    const cls = classOf(cat);
    let flags: u8 = isX ? 0 : flagInstant;
    const corr = load<f64>(OUT + CORRELATION);
    if (isX && cls >= CLS_KERNEL && cls <= CLS_MEMSET) {
      flags = flagGpu;
      if (cls == CLS_KERNEL) kernels++;
      else if (cls == CLS_MEMCPY) memcpy++;
      else memset++;
      if (!isNaN(corr)) {
        store<u32>(cCorrSlice + (<usize>corrN << 2), <u32>n);
        store<f64>(cCorrValue + (<usize>corrN << 3), corr);
        store<u8>(cCorrSide + <usize>corrN, 1);
        corrN++;
      }
      if (load<i32>(OUT + HAS_KERNEL) != 0 || cls == CLS_KERNEL) {
        store<u32>(cKernSlice + (<usize>kernN << 2), <u32>n);
        const k = cKern + (<usize>kernN << 3);
        const col = <usize>BATCH_CAP << 3;
        if (load<i32>(OUT + HAS_KERNEL) != 0) {
          for (let j: usize = 0; j < 11; j++) store<f64>(k + j * col, load<f64>(OUT + GRID + (j << 3)));
        } else {
          for (let j: usize = 0; j < 6; j++) store<f64>(k + j * col, 0);
          for (let j: usize = 6; j < 11; j++) store<f64>(k + j * col, NaN);
        }
        store<f64>(k + 11 * col, corr);
        store<f64>(k + 12 * col, load<f64>(OUT + DEVICE));
        store<f64>(k + 13 * col, load<f64>(OUT + STREAM));
        kernN++;
      }
    } else if (!isX && (group = fieldGroupOf(load<i32>(OUT + NAME))) >= 0) {
      const j = <usize>fieldN << 2;
      store<u32>(cFieldSlice + j, <u32>n);
      const as = load<i32>(OUT + ARGS_START);
      store<i32>(cFieldStart + j, as);
      store<i32>(cFieldEnd + j, load<i32>(OUT + ARGS_END));
      const row = cFieldVals + <usize>fieldN * (<usize>FIELD_SLOTS << 3);
      store<u8>(cFieldJs + <usize>fieldN, readFieldArgs(<usize>as, group, row) ? 0 : 1);
      fieldN++;
    } else if (isX && cls == CLS_RUNTIME && !isNaN(corr)) {
      flags = flagLaunch;
      store<u32>(cCorrSlice + (<usize>corrN << 2), <u32>n);
      store<f64>(cCorrValue + (<usize>corrN << 3), corr);
      store<u8>(cCorrSide + <usize>corrN, 2);
      corrN++;
    }
    const i = <usize>n;
    store<f64>(cStart + (i << 3), ts);
    store<f64>(cDur + (i << 3), sliceDur);
    store<f64>(cOffset + (i << 3), offsetDelta + <f64>p);
    store<u32>(cTrack + (i << 2), <u32>track);
    store<u32>(cName + (i << 2), <u32>name);
    store<u32>(cCat + (i << 2), <u32>catId);
    store<u8>(cFlags + i, flags);
    n++;
    p = e;
  }
  store<i32>(BATCH + B_N, n);
  store<i32>(BATCH + B_CORR_N, corrN);
  store<i32>(BATCH + B_KERN_N, kernN);
  store<i32>(BATCH + B_FLOW_N, flowN);
  store<i32>(BATCH + B_FLOW_NO_ID, flowNoId);
  store<i32>(BATCH + B_BE_N, beN);
  store<i32>(BATCH + B_FIELD_N, fieldN);
  store<i32>(BATCH + B_STOP, stop);
  store<i32>(BATCH + B_KERNELS, kernels);
  store<i32>(BATCH + B_MEMCPY, memcpy);
  store<i32>(BATCH + B_MEMSET, memset);
  store<f64>(BATCH + B_SPAN_MIN, spanMin);
  store<f64>(BATCH + B_SPAN_MAX, spanMax);
  store<f64>(BATCH + B_EXT_MIN, extMin);
  store<f64>(BATCH + B_EXT_MAX, extMax);
  return p;
}
