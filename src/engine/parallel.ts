// The coordinator of a parallel parse. Decoded chunks arrive in order; they are grouped into
// segments cut just before an event (segments.ts guesses where), each segment goes to a
// parse worker, and the results are absorbed into one Collector strictly in file order.
//
// A cut is only a guess until the worker that parsed the segment before it reports that it
// ended exactly between two events; a segment that starts at a proven boundary and ends
// between events was read exactly as a single pass would read it. When a segment does not
// end cleanly (its cut fell inside a string, or into a value after the event array), the
// coordinator takes that segment's bytes and every later one's back from the workers and
// reads on by itself from there: slower, never wrong.
//
// Chunks are handed over, not copied: a pass over fresh memory can cost about as much as
// parsing it, so the bytes are touched once by the stream and once by the parser.

import type { Collector } from '../model/collector.ts';
import { absorbDump, type CollectorDump } from '../model/merge.ts';
import { StreamParser, type ParseOutcome } from '../parse/stream-parser.ts';
import { StringTable } from '../parse/string-table.ts';
import { eachChunk, Segment, SegmentParser, type SegmentJob, type SegmentResult } from './segment.ts';
import { findEventStart, firstTsBase, topLevelForm } from './segments.ts';

/** Parses segments somewhere else (a parse worker), or inline in tests. */
export interface SegmentRunner {
  /** Parses a segment; the runner keeps its chunks until `drop` or `release`. */
  parse(job: SegmentJob): Promise<SegmentResult>;
  /** The segment's chunks back (its cut proved wrong, or one before it did). */
  take(session: number, seq: number): Promise<Uint8Array[]>;
  /** The segment was merged: its chunks can go. */
  drop(session: number, seq: number): void;
  /** The load `session` is over: everything of it can go. */
  release(session: number): void;
}

interface InFlight {
  seq: number;
  base: number;
  runner: number;
  result: Promise<SegmentResult>;
  /** Blob mode: where the segment ends. */
  end?: number;
}

let nextSession = 1;
/** Bytes of the file's start kept to find the event array and a time base. */
const HEAD_BYTES = 1 << 20;

export class ParallelParse {
  private pending: Uint8Array[] = [];
  private pendingLen = 0;
  /** Decoded offset of the first pending byte. */
  private base = 0;
  private seq = 0;
  private form: 'object' | 'array' | null = null;
  private tsBase = NaN;
  /** The file's first bytes (a copy), until the event array is found. */
  private head: Uint8Array | null = new Uint8Array(0);
  /** Stream offset from which cuts may be made: the event array's start (-1: not found yet). */
  private cutsFrom = -1;
  private readonly inFlight: InFlight[] = [];
  /** Per runner: its string ids → the coordinator's. */
  private readonly remaps: number[][];
  private eventsMerged = 0;
  private first: ParseOutcome | null = null;
  private last: ParseOutcome | null = null;
  private syntaxError: ParseOutcome['syntaxError'] = null;
  private syntaxErrors = 0;
  private nonObjectElements = 0;
  private wasmEvents = 0;
  private wasmCollected = 0;
  /** While this thread reads its own share of a file: its parser's event count. */
  private ownEvents: (() => number) | null = null;
  /** The single-threaded reader used after a cut proved wrong. */
  private tail: { segment: Segment; strings: StringTable } | null = null;
  private decoded = 0;
  private blob: Blob | null = null;
  private blobDone = 0;
  /** Blob mode with this thread reading too: bytes of the segments the workers have parsed. */
  private workersDone = 0;
  private readonly session = nextSession++;
  /** Segments re-read on this thread because a cut was wrong (0 or 1). */
  fallbacks = 0;
  /** Where the time went: waiting for results, merging them, and the workers' own time. */
  waitMs = 0;
  /** Time this thread waited for the bytes it reads of the file itself. */
  readWaitMs = 0;
  private readonly countWait = (ms: number): void => void (this.readWaitMs += ms);
  mergeMs = 0;
  workerMs = 0;
  /** Segments parsed by the workers (merged or not). */
  workerSegments = 0;

  constructor(
    private readonly collector: Collector,
    private readonly runners: SegmentRunner[],
    private readonly segmentBytes: number,
    /** Called after each merged segment (progress). */
    private readonly onMerged: () => void = () => undefined,
    /** False: chunks are views of someone else's buffer; copy them before handing them over. */
    private readonly ownsChunks = true,
  ) {
    this.remaps = runners.map(() => []);
  }

  get eventsSoFar(): number {
    return this.ownEvents ? this.ownEvents() : this.eventsMerged + (this.tail?.segment.eventsSoFar ?? 0);
  }

  /** Segments dispatched so far. */
  get segments(): number {
    return this.seq;
  }

  /** The shared time base (NaN until known). */
  get timeBase(): number {
    return this.tsBase;
  }

  async feed(given: Uint8Array): Promise<void> {
    if (given.length === 0) return;
    const chunk = this.ownsChunks || this.tail ? given : given.slice();
    this.decoded += chunk.length;
    if (this.tail) {
      this.tail.segment.feed(chunk);
      return;
    }
    this.pending.push(chunk);
    this.pendingLen += chunk.length;
    if (this.head) this.readHead(chunk);
    while (this.cutsFrom >= 0 && this.pendingLen >= this.segmentBytes * 1.25 && !this.tail) {
      if (!this.cut()) break;
      while (this.inFlight.length >= this.runners.length * 2 && !this.tail) await this.mergeNext();
    }
  }

  async finish(): Promise<ParseOutcome> {
    if (this.head) this.endHead();
    if (!this.tail && (this.pendingLen > 0 || this.seq === 0)) this.dispatch(this.pending, true);
    while (this.inFlight.length > 0) await this.mergeNext();
    if (this.tail) this.absorbTail();
    this.release();
    const first = this.first!;
    const last = this.last!;
    return {
      bytes: this.decoded,
      events: this.eventsMerged,
      form: first.form,
      eventsArray: first.eventsArray,
      truncated: last.truncated,
      syntaxError: this.syntaxError,
      syntaxErrors: this.syntaxErrors,
      nonObjectElements: this.nonObjectElements,
      trailingGarbage: last.trailingGarbage,
      wasmEvents: this.wasmEvents,
      wasmCollected: this.wasmCollected,
    };
  }

  /**
   * A plain (not gzip) file: cut it by reading a few bytes around each cut, and let every
   * worker read its own ranges. `readsToo`: this thread reads as well (see `readShared`);
   * else it only merges. `checkAbort` throws when the load was cancelled.
   */
  async parseBlob(blob: Blob, checkAbort: () => void, readsToo = false): Promise<ParseOutcome> {
    const size = blob.size;
    this.blob = blob;
    const head = new Uint8Array(await blob.slice(0, Math.min(size, HEAD_BYTES)).arrayBuffer());
    this.tsBase = firstTsBase([head]);
    this.readHead(head);
    if (this.head) this.endHead();
    if (readsToo) return this.readShared(checkAbort);
    let start = 0;
    while (!this.tail) {
      checkAbort();
      const want = Math.max(start + this.segmentBytes, this.cutsFrom);
      const cut = want + this.segmentBytes / 4 < size ? await findCutInBlob(blob, want) : -1;
      this.dispatchRange(start, cut < 0 ? size : cut, cut < 0);
      if (cut < 0) break;
      start = cut;
      while (this.inFlight.length >= this.runners.length * 2 && !this.tail) await this.mergeNext();
    }
    this.decoded = size;
    return this.finish();
  }

  /**
   * This thread reads the file from its start straight into the collector (no dump, no
   * merge), while the workers take segments from the file's end backwards; they meet where
   * their speeds put them (a worker that is still cold, or slowed by the page, takes fewer).
   * Then the workers' segments are merged in file order. When the file has no provable
   * event boundary where they met, this thread reads on to the end and theirs are dropped.
   */
  private async readShared(checkAbort: () => void): Promise<ParseOutcome> {
    const blob = this.blob!;
    const size = blob.size;
    const cuts = await this.blobCuts(blob, checkAbort);
    const segments = cuts.length - 1;
    let front = 0; // the segment this thread reads (or the next one)
    let back = segments; // segments from here on are the workers'
    let alone = false; // this thread reads on to the end: no more claims
    const claimed: { seq: number; runner: number; result: Promise<SegmentResult> }[] = [];
    const claim = (runner: number): void => {
      if (alone || back - 1 <= front) return;
      const seq = --back;
      const job: SegmentJob = {
        session: this.session, seq, chunks: [], blob, base: cuts[seq]!, end: cuts[seq + 1]!,
        form: this.form, tsBase: this.tsBase, last: seq === segments - 1, maxSlices: Infinity,
      };
      const result = this.runners[runner]!.parse(job);
      claimed.push({ seq, runner, result });
      result.then(() => {
        this.workersDone += job.end! - job.base;
        claim(runner);
      }, () => undefined);
    };
    // two each: a worker never waits for this thread's next claim
    for (let i = 0; i < 2; i++) for (let r = 0; r < this.runners.length; r++) claim(r);

    const parser = new StreamParser(this.collector, this.collector.strings);
    parser.scanner.tsBase = this.tsBase;
    this.ownEvents = () => parser.eventsSoFar;
    const read = (from: number, to: number): Promise<void> =>
      eachChunk(
        blob.slice(from, to),
        (chunk) => {
          checkAbort();
          parser.feed(chunk);
          this.blobDone = from += chunk.length;
          this.onMerged();
        },
        undefined,
        this.countWait,
      );
    try {
      for (; front < back; front++) await read(cuts[front]!, cuts[front + 1]!);
      alone = back === segments;
      if (!alone && !parser.endsBetweenEvents()) {
        // where they met is not an event boundary after all: read on alone
        this.fallbacks++;
        alone = true;
        await read(cuts[front]!, size);
      }
    } catch (e) {
      alone = true;
      throw e;
    } finally {
      this.ownEvents = null;
    }
    const outcome = alone ? parser.finish() : parser.segmentOutcome();
    if (Number.isNaN(this.tsBase)) this.tsBase = parser.scanner.tsBase;
    this.count(outcome);
    this.decoded = size;
    this.seq = segments;
    if (alone) {
      this.release();
      return { ...outcome, bytes: size };
    }
    // A worker reports its new strings in the order it parsed its segments (backwards): map
    // them in that order, then merge the segments in file order.
    const results = await Promise.all(claimed.map((c) => c.result));
    for (let i = 0; i < claimed.length; i++) {
      const remap = this.remaps[claimed[i]!.runner]!;
      for (const str of results[i]!.newStrings) remap.push(this.collector.strings.intern(str));
      results[i]!.newStrings = [];
    }
    claimed.sort((x, y) => x.seq - y.seq);
    // (progress: their bytes are counted as parsed already)
    for (const c of claimed) this.inFlight.push({ seq: c.seq, base: cuts[c.seq]!, runner: c.runner, result: c.result });
    return this.finish();
  }

  /**
   * Where the segments of the Blob start and end: 0, the first event start after each
   * target (every `segmentBytes` from the event array's start), and the file's size. Looked
   * for all at once, each only up to the next target, before this thread starts reading (its
   * reads would queue the small ones, and delay the workers). A target with no event start
   * before the next one (a long string, a huge event) has no cut: the segment before it runs on.
   */
  private async blobCuts(blob: Blob, checkAbort: () => void): Promise<number[]> {
    const size = blob.size;
    const quarter = this.segmentBytes / 4;
    const targets: number[] = [];
    if (this.cutsFrom !== Infinity) {
      for (let at = Math.max(this.segmentBytes, this.cutsFrom); at + quarter < size; at += this.segmentBytes) targets.push(at);
    }
    const found = await Promise.all(targets.map((at, i) => findCutInBlob(blob, at, targets[i + 1] ?? size, checkAbort)));
    const cuts = [0];
    for (const cut of found) {
      // no segment shorter than a quarter of one: each costs a worker a fresh collector
      if (cut >= 0 && cut - cuts[cuts.length - 1]! >= quarter && size - cut >= quarter) cuts.push(cut);
    }
    cuts.push(size);
    return cuts;
  }

  /** Bytes of the input read and parsed so far (in the Blob mode: merged segments, or read here and parsed by a worker). */
  get bytesDone(): number {
    return this.blob ? this.blobDone + this.workersDone : this.decoded;
  }

  private dispatchRange(start: number, end: number, last: boolean): void {
    const seq = this.seq++;
    const runner = seq % this.runners.length;
    const job: SegmentJob = {
      session: this.session, seq, chunks: [], blob: this.blob!, base: start, end,
      form: seq === 0 ? null : this.form, tsBase: this.tsBase, last, maxSlices: Infinity,
    };
    const result = this.runners[runner]!.parse(job);
    result.catch(() => undefined);
    this.inFlight.push({ seq, base: start, runner, result, end });
  }

  /** Lets the workers drop this load's state (also after an error or a cancel). */
  release(): void {
    for (const r of this.runners) r.release(this.session);
  }

  /**
   * Collects the file's first bytes until the event array's start is found: cuts before it
   * (in distributedInfo's arrays of objects, say) would only be undone. The same bytes give
   * the top-level form; a file that is neither an object nor an array is never cut.
   */
  private readHead(chunk: Uint8Array): void {
    const head = this.head!;
    const next = new Uint8Array(head.length + Math.min(chunk.length, HEAD_BYTES));
    next.set(head);
    next.set(chunk.subarray(0, next.length - head.length), head.length);
    this.head = next;
    this.form = topLevelForm(next);
    const at = this.form === 'array' ? 0 : this.form === 'object' ? indexOfBytes(next, TRACE_EVENTS_KEY, Math.max(0, head.length - TRACE_EVENTS_KEY.length), next.length) : -1;
    if (at >= 0) {
      this.cutsFrom = at;
      this.head = null;
    } else if (next.length >= HEAD_BYTES) this.endHead();
  }

  /** No more head: without the event array in it, cut anyway (the proof decides); without a form, never. */
  private endHead(): void {
    if (this.cutsFrom < 0) this.cutsFrom = this.form === null ? Infinity : this.head!.length;
    this.head = null;
  }

  /** Cuts the next segment off the pending chunks; false when no cut is in sight yet. */
  private cut(): boolean {
    const want = Math.max(this.segmentBytes, this.cutsFrom - this.base);
    let offset = 0;
    for (let i = 0; i < this.pending.length; i++) {
      const c = this.pending[i]!;
      if (offset + c.length > want) {
        const p = findEventStart(c, Math.max(0, want - offset), c.length);
        if (p > 0) {
          const before = this.pending.slice(0, i);
          before.push(c.slice(0, p)); // copied: the rest of this chunk's buffer goes with the next segment
          this.pending.splice(0, i + 1, c.subarray(p));
          this.dispatch(before, false);
          return true;
        }
      }
      offset += c.length;
    }
    return false;
  }

  /** Sends `chunks` as the next segment. */
  private dispatch(chunks: Uint8Array[], last: boolean): void {
    let length = 0;
    for (const c of chunks) length += c.length;
    if (this.seq === 0) this.tsBase = firstTsBase(chunks);
    const seq = this.seq++;
    const runner = seq % this.runners.length;
    const job: SegmentJob = {
      session: this.session, seq, chunks, base: this.base, form: seq === 0 ? null : this.form,
      tsBase: this.tsBase, last, maxSlices: Infinity,
    };
    const result = this.runners[runner]!.parse(job);
    // Avoid an unhandled rejection while earlier segments are merged; mergeNext rethrows.
    result.catch(() => undefined);
    this.inFlight.push({ seq, base: this.base, runner, result });
    this.base += length;
    this.pendingLen -= length;
    if (last) this.pending = [];
  }

  private async mergeNext(): Promise<void> {
    const f = this.inFlight.shift()!;
    const w0 = performance.now();
    const r = await f.result;
    const w1 = performance.now();
    this.waitMs += w1 - w0;
    this.workerMs += r.ms;
    this.workerSegments++;
    const remap = this.remaps[f.runner]!;
    for (const s of r.newStrings) remap.push(this.collector.strings.intern(s));
    if (this.tail) return; // a cut before this segment was wrong: the tail reader has its bytes
    if (!r.clean) {
      await this.startTail(f);
    } else {
      this.absorb(r.outcome, r.dump, remap);
      this.runners[f.runner]!.drop(this.session, f.seq);
      if (f.end !== undefined) this.blobDone = f.end;
      this.onMerged();
    }
    this.mergeMs += performance.now() - w1;
  }

  private absorb(o: ParseOutcome, dump: CollectorDump, remap: ArrayLike<number>): void {
    absorbDump(this.collector, dump, remap, this.eventsMerged, this.tsBase);
    // The first segment with a timestamp sets the base when the first bytes had none.
    if (Number.isNaN(this.tsBase)) this.tsBase = dump.tsBase;
    this.count(o);
  }

  /** A segment's outcome, read after those before it: its events and reports add up. */
  private count(o: ParseOutcome): void {
    this.first ??= o;
    this.last = o;
    if (o.truncated) o.truncated = { atByte: o.truncated.atByte, afterEvents: o.truncated.afterEvents + this.eventsMerged };
    this.syntaxError ??= o.syntaxError;
    this.syntaxErrors += o.syntaxErrors;
    this.nonObjectElements += o.nonObjectElements;
    this.wasmEvents += o.wasmEvents;
    this.wasmCollected += o.wasmCollected;
    this.eventsMerged += o.events;
  }

  /** Re-reads from segment `f` on this thread: its bytes, every later segment's, then the rest. */
  private async startTail(f: InFlight): Promise<void> {
    this.fallbacks++;
    const strings = new StringTable();
    const remaining = this.collector.maxSlices - this.collector.sStart.length;
    const segment = new Segment(strings, {
      seq: f.seq, base: f.base, form: f.seq === 0 ? null : this.form, tsBase: this.tsBase, maxSlices: remaining,
    });
    this.tail = { segment, strings };
    if (this.blob) {
      await eachChunk(this.blob.slice(f.base), (chunk) => segment.feed(chunk), undefined, this.countWait);
      this.blobDone = this.blob.size;
      return;
    }
    for (const g of [f, ...this.inFlight]) {
      for (const c of await this.runners[g.runner]!.take(this.session, g.seq)) segment.feed(c);
    }
    for (const c of this.pending) segment.feed(c);
    this.pending = [];
    this.pendingLen = 0;
  }

  private absorbTail(): void {
    const { segment, strings } = this.tail!;
    const r = segment.end(true, () => strings.strings);
    const remap = r.newStrings.map((s) => this.collector.strings.intern(s));
    this.absorb(r.outcome, r.dump, remap);
  }
}

const TRACE_EVENTS_KEY = new TextEncoder().encode('"traceEvents"');

/**
 * The first probable event start in [from, until) of the Blob, read 64 KiB at a time; -1:
 * none. `checkAbort` (throws when the load was cancelled) is called before each read.
 */
async function findCutInBlob(blob: Blob, from: number, until = blob.size, checkAbort = (): void => undefined): Promise<number> {
  const BACK = 64; // bytes before the window: the '},' before a '{' may be there
  for (let at = from; at < until; at += WINDOW - 2 * BACK - 128) {
    checkAbort();
    const lo = Math.max(0, at - BACK);
    const buf = new Uint8Array(await blob.slice(lo, Math.min(blob.size, at + WINDOW)).arrayBuffer());
    const p = findEventStart(buf, at - lo, buf.length);
    if (p >= 0) return lo + p < until ? lo + p : -1;
  }
  return -1;
}
const WINDOW = 64 << 10;

function indexOfBytes(buf: Uint8Array, needle: Uint8Array, from: number, end: number): number {
  let p = from;
  for (;;) {
    p = buf.indexOf(needle[0]!, p);
    if (p < 0 || p + needle.length > end) return -1;
    let k = 1;
    while (k < needle.length && buf[p + k] === needle[k]) k++;
    if (k === needle.length) return p;
    p++;
  }
}

/**
 * Segment runners on this thread, one `SegmentParser` each as if each were a worker (tests,
 * and the reference for what a worker does).
 */
export function inlineRunners(n: number): SegmentRunner[] {
  return Array.from({ length: n }, () => new SegmentHost());
}

/** What a parse worker holds: a parser per load, and each segment's chunks until merged. */
export class SegmentHost implements SegmentRunner {
  private readonly parsers = new Map<number, SegmentParser>();
  private readonly kept = new Map<string, Uint8Array[]>();
  /** Per load, the last job: jobs run one after another, so that strings are reported in order. */
  private readonly queue = new Map<number, Promise<unknown>>();

  private parser(session: number): SegmentParser {
    let parser = this.parsers.get(session);
    if (!parser) this.parsers.set(session, (parser = new SegmentParser()));
    return parser;
  }

  parse(job: SegmentJob): Promise<SegmentResult> {
    if (!job.blob) {
      this.kept.set(`${job.session}/${job.seq}`, job.chunks);
      return Promise.resolve(this.parser(job.session).parse(job));
    }
    // Reading a Blob is asynchronous: a second job must not start before the first ends, or
    // their new strings would be reported out of order.
    const blob = job.blob;
    const run = (): Promise<SegmentResult> => this.parser(job.session).parseBlob({ ...job, blob, end: job.end ?? blob.size });
    const result = (this.queue.get(job.session) ?? Promise.resolve()).then(run, run);
    this.queue.set(job.session, result);
    return result;
  }

  takeNow(session: number, seq: number): Uint8Array[] {
    const chunks = this.kept.get(`${session}/${seq}`) ?? [];
    this.kept.delete(`${session}/${seq}`);
    return chunks;
  }

  take(session: number, seq: number): Promise<Uint8Array[]> {
    return Promise.resolve(this.takeNow(session, seq));
  }

  drop(session: number, seq: number): void {
    this.kept.delete(`${session}/${seq}`);
  }

  release(session: number): void {
    this.parsers.delete(session);
    this.queue.delete(session);
    for (const key of this.kept.keys()) if (key.startsWith(`${session}/`)) this.kept.delete(key);
  }
}
