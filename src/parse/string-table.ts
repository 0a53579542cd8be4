// Interns strings straight from the raw UTF-8 bytes of the file, so that a name seen a
// million times is decoded once: lookups hash and compare bytes, and only a new byte
// sequence is turned into a JS string. Two byte sequences that decode to the same text
// (an escape and its literal) share one id.

const EMPTY = 0;
const decoder = new TextDecoder('utf-8');

export class StringTable {
  readonly strings: string[] = [];
  private readonly byText = new Map<string, number>();

  // Open-addressed table of raw byte keys: slot → entry + 1.
  private slots = new Int32Array(1 << 12);
  private entryHash = new Uint32Array(1 << 11);
  private entryStart = new Uint32Array(1 << 11);
  private entryLen = new Uint32Array(1 << 11);
  private entryId = new Uint32Array(1 << 11);
  private entries = 0;
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;

  /** Id of a JS string. */
  intern(text: string): number {
    let id = this.byText.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.byText.set(text, id);
    }
    return id;
  }

  /**
   * Id of the string whose raw bytes are buf[start, end) with FNV-1a hash `hash`.
   * `escaped` says the bytes contain a backslash and must be JSON-unescaped; `quoted`
   * says they came from a JSON string (else a bare token such as a number).
   */
  internRaw(buf: Uint8Array, start: number, end: number, hash: number, escaped: boolean): number {
    const len = end - start;
    const mask = this.slots.length - 1;
    let i = hash & mask;
    for (;;) {
      const slot = this.slots[i]!;
      if (slot === EMPTY) break;
      const e = slot - 1;
      if (this.entryHash[e] === hash && this.entryLen[e] === len && this.sameBytes(e, buf, start, len)) {
        return this.entryId[e]!;
      }
      i = (i + 1) & mask;
    }
    const id = this.intern(decodeJsonString(buf, start, end, escaped));
    this.addEntry(i, buf, start, len, hash, id);
    return id;
  }

  private sameBytes(e: number, buf: Uint8Array, start: number, len: number): boolean {
    const arena = this.arena;
    const a = this.entryStart[e]!;
    for (let k = 0; k < len; k++) if (arena[a + k] !== buf[start + k]) return false;
    return true;
  }

  private addEntry(slot: number, buf: Uint8Array, start: number, len: number, hash: number, id: number): void {
    if (this.arenaUsed + len > this.arena.length) {
      const next = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
      next.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = next;
    }
    this.arena.set(buf.subarray(start, start + len), this.arenaUsed);
    if (this.entries === this.entryHash.length) this.growEntries();
    const e = this.entries++;
    this.entryHash[e] = hash;
    this.entryStart[e] = this.arenaUsed;
    this.entryLen[e] = len;
    this.entryId[e] = id;
    this.arenaUsed += len;
    this.slots[slot] = e + 1;
    if (this.entries * 2 > this.slots.length) this.rehash();
  }

  private growEntries(): void {
    const n = this.entryHash.length * 2;
    const grow = (a: Uint32Array): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    this.entryHash = grow(this.entryHash);
    this.entryStart = grow(this.entryStart);
    this.entryLen = grow(this.entryLen);
    this.entryId = grow(this.entryId);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.entries; e++) {
      let i = this.entryHash[e]! & mask;
      while (slots[i] !== EMPTY) i = (i + 1) & mask;
      slots[i] = e + 1;
    }
    this.slots = slots;
  }

  /** Bytes held by the table (for the memory figures). */
  byteSize(): number {
    let chars = 0;
    for (const s of this.strings) chars += s.length;
    return this.arena.length + this.slots.byteLength + this.entryHash.byteLength * 4 + chars * 2;
  }
}

/** FNV-1a over buf[start, end). */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

/** Decodes the inside of a JSON string (or a bare token). Lenient: raw control characters are kept. */
export function decodeJsonString(buf: Uint8Array, start: number, end: number, escaped: boolean): string {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  let raw: string;
  if (ascii && end - start < 4096) {
    raw = '';
    for (let i = start; i < end; i++) raw += String.fromCharCode(buf[i]!);
  } else {
    raw = decoder.decode(buf.subarray(start, end));
  }
  return escaped ? unescapeJson(raw) : raw;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
};

/** JSON unescape that never throws: a bad escape is kept as written; lone surrogates survive. */
export function unescapeJson(raw: string): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const j = raw.indexOf('\\', i);
    if (j < 0) {
      out += raw.slice(i);
      break;
    }
    out += raw.slice(i, j);
    const c = raw[j + 1] ?? '';
    if (c === 'u') {
      const hex = raw.slice(j + 2, j + 6);
      if (/^[0-9a-fA-F]{4}$/.test(hex)) {
        out += String.fromCharCode(parseInt(hex, 16));
        i = j + 6;
        continue;
      }
      out += '\\u';
      i = j + 2;
      continue;
    }
    const simple = SIMPLE_ESCAPES[c];
    out += simple ?? '\\' + c;
    i = j + 2;
  }
  return out;
}
