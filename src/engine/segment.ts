// One segment of a trace parsed on its own (in a parse worker, or inline in tests): the
// bytes go through a fresh parser and collector that share the worker's string table, and
// come back as a dump for the coordinator to absorb (see parallel.ts).

import { Collector, RESERVE_BYTES_PER_SLICE } from '../model/collector.ts';
import { dumpCollector, type CollectorDump } from '../model/merge.ts';
import { StreamParser, type ParseOutcome } from '../parse/stream-parser.ts';
import { StringTable } from '../parse/string-table.ts';

export interface SegmentJob {
  /** Which load the segment belongs to (a worker keeps one string table per load). */
  session: number;
  /** The segment's number, from 0 in file order. */
  seq: number;
  /** The segment's bytes, in order (empty when `blob` says where to read them). */
  chunks: Uint8Array[];
  /**
   * Or: read the bytes [base, end) of this file. The worker reads them itself: on a VM whose
   * cores do not share a cache, bytes another thread wrote cost as much to fetch as to parse.
   */
  blob?: Blob;
  end?: number;
  /** Offset of the first byte in the decoded stream. */
  base: number;
  /** The file's top-level form, for a segment that starts inside the event array; null for the first. */
  form: 'object' | 'array' | null;
  /** The shared integer µs base (NaN: the segment picks its own). */
  tsBase: number;
  /** The file's last segment: it ends where the file ends. */
  last: boolean;
  maxSlices: number;
}

export interface SegmentResult {
  seq: number;
  /** Read to its end and stopped between two events (always true of the last segment). */
  clean: boolean;
  outcome: ParseOutcome;
  dump: CollectorDump;
  /** The worker's strings added since its previous result (ids continue from there). */
  newStrings: string[];
  /** Time the worker spent on it. */
  ms: number;
}

/** A segment read incrementally: bytes fed in any number of chunks, then `end`. */
export class Segment {
  private readonly collector: Collector;
  private readonly parser: StreamParser;
  private readonly t0 = performance.now();

  constructor(
    strings: StringTable,
    private readonly job: Omit<SegmentJob, 'chunks' | 'last' | 'session' | 'blob' | 'end'>,
  ) {
    this.collector = new Collector(strings);
    this.collector.maxSlices = job.maxSlices;
    this.parser = new StreamParser(this.collector, strings);
    this.parser.scanner.tsBase = job.tsBase;
    if (job.form !== null) this.parser.startInEvents(job.form, job.base);
  }

  reserve(slices: number): void {
    this.collector.reserve(slices);
  }

  get eventsSoFar(): number {
    return this.parser.eventsSoFar;
  }

  feed(bytes: Uint8Array): void {
    this.parser.feed(bytes);
  }

  /** `last`: the file ends here (truncation is judged); else the segment must end between events. */
  end(last: boolean, takeNewStrings: () => string[]): SegmentResult {
    let clean = true;
    let outcome: ParseOutcome;
    if (last) outcome = this.parser.finish();
    else {
      clean = this.parser.endsBetweenEvents();
      outcome = this.parser.segmentOutcome();
    }
    const dump = dumpCollector(this.collector, this.parser.scanner.tsBase);
    return { seq: this.job.seq, clean, outcome, dump, newStrings: takeNewStrings(), ms: performance.now() - this.t0 };
  }
}

/** Calls `each` with a Blob's bytes as the stream delivers them (until `stopped()`, if given). */
export async function eachChunk(blob: Blob, each: (chunk: Uint8Array) => void, stopped?: () => boolean, waited?: (ms: number) => void): Promise<void> {
  const reader = (blob.stream() as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    if (stopped?.()) {
      void reader.cancel();
      return;
    }
    const w0 = performance.now();
    const r = await reader.read();
    waited?.(performance.now() - w0);
    if (r.done) return;
    each(r.value);
  }
}

/** A parse worker's state across the segments it is given: its string table. */
export class SegmentParser {
  readonly strings = new StringTable();
  private sent = 0;

  parse(job: SegmentJob): SegmentResult {
    const segment = new Segment(this.strings, job);
    let bytes = 0;
    for (const c of job.chunks) bytes += c.length;
    segment.reserve(bytes / RESERVE_BYTES_PER_SLICE);
    for (const c of job.chunks) segment.feed(c);
    return segment.end(job.last, () => this.takeNewStrings());
  }

  /** A job whose bytes are a range of a Blob: read as a stream, parsed as they come. */
  async parseBlob(job: SegmentJob & { blob: Blob; end: number }, stopped?: () => boolean): Promise<SegmentResult> {
    const segment = new Segment(this.strings, job);
    segment.reserve((job.end - job.base) / RESERVE_BYTES_PER_SLICE);
    await eachChunk(job.blob.slice(job.base, job.end), (chunk) => segment.feed(chunk), stopped);
    return segment.end(job.last, () => this.takeNewStrings());
  }

  takeNewStrings(): string[] {
    const out = this.strings.strings.slice(this.sent);
    this.sent = this.strings.strings.length;
    return out;
  }
}
