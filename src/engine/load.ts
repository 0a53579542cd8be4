// The engine's entry point, the same in the worker and in Node: bytes in (a Blob, a byte
// array or a stream), gzip detected by its magic bytes and inflated as a stream, parsed
// chunk by chunk, finished into the model. Progress is reported at most every 100 ms.

import { Collector, RESERVE_BYTES_PER_SLICE, TraceTooLargeError } from '../model/collector.ts';
import { finishTrace, type FinishedTrace } from '../model/finish.ts';
import { StreamParser, type ParseOutcome } from '../parse/stream-parser.ts';
import { StringTable } from '../parse/string-table.ts';
import { SourceStoppedError, withHead } from '../lib/streams.ts';
import { gunzip, isGzipMagic } from './gunzip.ts';
import { ParallelParse, type SegmentRunner } from './parallel.ts';

export interface Progress {
  /** Bytes of the input read so far (compressed bytes for gzip files). */
  bytesRead: number;
  /** Size of the input when known, else 0. */
  totalBytes: number;
  events: number;
}

export interface LoadOptions {
  name?: string;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** Size of the input when the source does not say (a stream). */
  totalBytes?: number;
  /** Stop with a clear message past this many slices (memory guard). */
  maxSlices?: number;
  /** Parse workers: with them, segments of the file are parsed in parallel (parallel.ts). */
  runners?: SegmentRunner[];
  /** Smaller inputs (decoded bytes, estimated for gzip) are parsed on this thread alone; default 4 MiB. */
  parallelMinBytes?: number;
  /** Whether streamed input (gzip, a URL, a byte array) is parsed in parallel too; default true. */
  parallelStreams?: boolean;
  /** Segment size for the parallel parse (default: from the file size); forces it on. */
  segmentBytes?: number;
  /**
   * With parse workers and a plain file, this thread reads the file from its start while the
   * workers take segments from its end (default); false: it only merges what they parse.
   */
  readsToo?: boolean;
  /**
   * Reads a file on another thread (the page's reader worker), inflating it there when it is
   * gzip; null or absent: on this one. The stream must fail only when the reading or
   * inflation does.
   */
  readElsewhere?: (file: Blob) => FileElsewhere | null;
}

/** A file being read on another thread: its decoded bytes, and how far into the file they are. */
export interface FileElsewhere {
  /**
   * Whether the file is gzip (told by its first bytes where it is read); null: the other
   * thread stopped before reading a byte, so the file is read here. Never rejects.
   */
  gzip: Promise<boolean | null>;
  /** The file's bytes, inflated when it is gzip. */
  stream: ReadableStream<Uint8Array>;
  /** Bytes of the file (compressed ones for gzip) read so far. */
  fileRead(): number;
}

/** Below this many (decoded) bytes one parser is as fast as several. */
const PARALLEL_MIN_BYTES = 4 << 20;

/** Segments: a few per worker, so that the last one alone is short; at most 32 MiB. */
function segmentSize(decodedEstimate: number, workers: number): number {
  if (decodedEstimate <= 0) return 8 << 20;
  return Math.min(32 << 20, Math.max(1 << 20, Math.ceil(decodedEstimate / (workers * 4))));
}

/**
 * Segments when this thread reads too: several per thread, so that where it meets the
 * workers is near where their speeds put it; not small, as each costs a worker a fresh
 * collector.
 */
function sharedSegmentSize(bytes: number, workers: number): number {
  return Math.min(32 << 20, Math.max(1 << 20, Math.ceil(bytes / ((workers + 1) * 4))));
}

export type TraceSource = Blob | Uint8Array | ReadableStream<Uint8Array>;

/** A trace that cannot be read at all; the message is for the user. */
export class TraceLoadError extends Error {
  override name = 'TraceLoadError';
  /** 'not-json': the input does not start like JSON (a URL's caller may know why). */
  constructor(message: string, readonly code?: 'not-json') {
    super(message);
  }
}

export interface LoadResult extends FinishedTrace {
  gzip: boolean;
}

const PROGRESS_EVERY_MS = 100;

export async function loadTrace(source: TraceSource, opts: LoadOptions = {}): Promise<LoadResult> {
  try {
    return await load(source, opts);
  } catch (e) {
    if (e instanceof TraceTooLargeError) {
      throw new TraceLoadError(`${opts.name ?? 'This trace'} is too large: ${e.message}. Try a shorter profiling window (torch.profiler schedule with fewer active steps).`);
    }
    throw e;
  }
}

async function load(source: TraceSource, opts: LoadOptions): Promise<LoadResult> {
  const release: (() => void)[] = [];
  try {
    return await loadWith(source, opts, release);
  } finally {
    for (const r of release) r();
  }
}

async function loadWith(source: TraceSource, opts: LoadOptions, release: (() => void)[]): Promise<LoadResult> {
  const t0 = performance.now();
  const name = opts.name ?? (typeof Blob !== 'undefined' && source instanceof Blob && 'name' in source ? String(source.name) : 'trace');
  const totalBytes = opts.totalBytes ?? (source instanceof Uint8Array ? source.length : source instanceof ReadableStream ? 0 : source.size);

  const strings = new StringTable();
  const collector = new Collector(strings);
  if (opts.maxSlices !== undefined) collector.maxSlices = opts.maxSlices;

  let bytesRead = 0;
  let lastReport = 0;
  let eventsSoFar = (): number => 0;
  const report = (force: boolean): void => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (!force && now - lastReport < PROGRESS_EVERY_MS) return;
    lastReport = now;
    opts.onProgress({ bytesRead: shards?.bytesDone ?? bytesRead, totalBytes, events: eventsSoFar() });
  };
  const checkAbort = (): void => {
    if (opts.signal?.aborted) throw new TraceLoadError('Loading was cancelled.');
  };
  const runners = opts.runners ?? [];
  const minBytes = opts.segmentBytes !== undefined ? 0 : (opts.parallelMinBytes ?? PARALLEL_MIN_BYTES);
  let parser: StreamParser | null = null;
  let shards: ParallelParse | null = null;
  const startShards = (estimate: number, segmentBytes?: number): ParallelParse => {
    // Chunks of a caller's byte array are views of it: copied before they go to a worker.
    const ownsChunks = !(source instanceof Uint8Array);
    const p = new ParallelParse(collector, runners, opts.segmentBytes ?? segmentBytes ?? segmentSize(estimate, runners.length), () => report(false), ownsChunks);
    release.push(() => p.release());
    eventsSoFar = () => p.eventsSoFar;
    return p;
  };

  // A plain file and parse workers: each worker reads its own ranges of the file.
  if (runners.length > 0 && source instanceof Blob && source.size > 0 && source.size >= minBytes && !(await isGzip(source))) {
    collector.reserve(source.size / RESERVE_BYTES_PER_SLICE);
    const readsToo = opts.readsToo ?? true;
    shards = startShards(source.size, readsToo ? sharedSegmentSize(source.size, runners.length) : undefined);
    const outcome = await shards.parseBlob(source, checkAbort, readsToo);
    report(true);
    checkAbort();
    return finishLoad(collector, outcome, shards.timeBase, { name, t0, totalBytes, gzip: false, streamError: null, shards, workers: runners.length, readWaitMs: shards.readWaitMs, readerWorker: false });
  }

  // A Blob is read, and inflated if gzip, on another thread when the caller has one (the
  // reader worker); anything else here, gzip told by its first bytes.
  let gzip = false;
  let elsewhere: FileElsewhere | null = opts.readElsewhere && source instanceof Blob && source.size > 0 ? opts.readElsewhere(source) : null;
  // However this load ends (done, failed, cancelled, even before its first byte), its reading
  // stops with it: cancelled at once, a read waiting on another worker included.
  const stopWithLoad = (r: ReadableStreamDefaultReader<Uint8Array>): ReadableStreamDefaultReader<Uint8Array> => {
    const stop = (): void => void r.cancel().catch(() => undefined);
    release.push(stop);
    opts.signal?.addEventListener('abort', stop, { once: true });
    release.push(() => opts.signal?.removeEventListener('abort', stop));
    return r;
  };
  let fromElsewhere: ReadableStreamDefaultReader<Uint8Array> | null = null;
  const w0 = performance.now();
  if (elsewhere) {
    fromElsewhere = stopWithLoad(elsewhere.stream.getReader());
    const told = await elsewhere.gzip;
    checkAbort();
    if (told === null) {
      // The reader worker stopped before reading a byte (it could not start, say): read here.
      elsewhere = null;
      fromElsewhere = null;
    } else gzip = told;
  }
  let head: Uint8Array | null = null;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  if (!elsewhere) {
    reader = toStream(source).getReader();
    let first = await reader.read();
    while (!first.done && first.value.length === 0) first = await reader.read();
    if (first.done) throw new TraceLoadError(`${name} is empty (0 bytes).`);
    head = first.value;
    bytesRead += head.length;
    gzip = isGzipMagic(head);
  }
  let readWaitMs = performance.now() - w0; // to the first bytes (or whether they are gzip)

  // One parser on this thread, or segments parsed by workers and merged here.
  const estimate = gzip ? totalBytes * 8 : totalBytes;
  collector.reserve(estimate / RESERVE_BYTES_PER_SLICE);
  const parallel = runners.length > 0 && opts.parallelStreams !== false && (estimate === 0 || estimate >= minBytes);
  if (parallel) {
    shards = startShards(estimate);
  } else {
    parser = new StreamParser(collector, strings);
    eventsSoFar = () => parser!.eventsSoFar;
  }
  const feed = (bytes: Uint8Array): Promise<void> | void => (shards ? shards.feed(bytes) : parser!.feed(bytes));

  // The decoded bytes, and how far into the file (compressed bytes for gzip) they come from.
  let decoded: ReadableStreamDefaultReader<Uint8Array>;
  let countRead = (chunk: Uint8Array): void => void (bytesRead += chunk.length);
  if (fromElsewhere) {
    decoded = fromElsewhere;
    const from = elsewhere!;
    if (gzip) countRead = () => void (bytesRead = from.fileRead()); // the compressed bytes behind the inflated ones
  } else if (!gzip) {
    decoded = stopWithLoad(reader!);
  } else {
    const counted = withHead(head, reader!, (n) => void (bytesRead += n));
    decoded = stopWithLoad(gunzip(counted).getReader());
    countRead = () => undefined; // counted as the compressed bytes are read
  }

  let decodedBytes = 0;
  let streamError: string | null = null;
  if (head && !gzip) {
    await feed(head);
    decodedBytes += head.length;
  }
  for (;;) {
    checkAbort();
    let r: ReadableStreamReadResult<Uint8Array>;
    const w1 = performance.now();
    try {
      r = await decoded.read();
      readWaitMs += performance.now() - w1;
    } catch (e) {
      if (e instanceof SourceStoppedError) {
        throw new TraceLoadError(`Loading ${name} stopped: the worker reading it failed (${e.message}). Open it again: it will be read without that worker.`);
      }
      // A gzip file's reading failing is taken as the file cut off there (corrupt or cut-off
      // data is by far the likelier cause) and keeps every event before; a plain file that
      // cannot be read fails the load, as does a parse or merge error.
      if (!gzip) throw e;
      if (elsewhere) bytesRead = elsewhere.fileRead();
      streamError = `the gzip data is corrupt or cut off after ${bytesRead} compressed bytes (${decodedBytes} bytes inflated)`;
      if (decodedBytes === 0) throw new TraceLoadError(`${name} is not a valid gzip file: ${streamError}.`);
      break;
    }
    if (r.done) break;
    countRead(r.value);
    decodedBytes += r.value.length;
    await feed(r.value);
    report(false);
  }
  if (elsewhere && gzip) bytesRead = elsewhere.fileRead();
  report(true);
  checkAbort();
  const outcome = shards ? await shards.finish() : parser!.finish();
  const tsBase = shards ? shards.timeBase : parser!.scanner.tsBase;
  return finishLoad(collector, outcome, tsBase, { name, t0, totalBytes: totalBytes || bytesRead, gzip, streamError, shards, workers: shards ? runners.length : 0, readWaitMs, readerWorker: elsewhere !== null });
}

async function isGzip(blob: Blob): Promise<boolean> {
  return isGzipMagic(new Uint8Array(await blob.slice(0, 2).arrayBuffer()));
}

interface LoadFacts {
  name: string;
  t0: number;
  totalBytes: number;
  gzip: boolean;
  streamError: string | null;
  shards: ParallelParse | null;
  workers: number;
  readWaitMs: number;
  readerWorker: boolean;
}

/** Input that held no events at all is an error; anything else becomes the model. */
function finishLoad(collector: Collector, outcome: ParseOutcome, tsBase: number, f: LoadFacts): LoadResult {
  const { name, shards } = f;
  if (outcome.events === 0) {
    if (outcome.syntaxError && outcome.form === 'none') {
      const found = outcome.syntaxError.context;
      const what = /^\s*<(!doctype\s+html|html[\s>])/i.test(found) ? 'it is an HTML page' : 'it must start with { or [';
      throw new TraceLoadError(`${name} is not a JSON trace: ${what} (found "${found.slice(0, 16)}" at byte ${outcome.syntaxError.atByte}).`, 'not-json');
    }
    if (outcome.syntaxError) {
      throw new TraceLoadError(`${name} has a JSON syntax error at byte ${outcome.syntaxError.atByte} (${outcome.syntaxError.message}, near "${outcome.syntaxError.context}") and no events before it.`);
    }
    if (outcome.form === 'none') throw new TraceLoadError(`${name} contains only whitespace.`);
    if (!outcome.eventsArray && !outcome.truncated) throw new TraceLoadError(`${name} has no traceEvents array: it is JSON, but not a trace.`);
  }
  if (f.streamError) collector.warnings.count(f.streamError);
  const t1 = performance.now();
  const finished = finishTrace(collector, outcome, name, tsBase);
  const s = finished.model.summary;
  s.timing = {
    parseMs: Math.round(t1 - f.t0),
    finishMs: Math.round(performance.now() - t1),
    workers: f.workers,
    segments: shards ? shards.segments : 0,
    workerSegments: shards ? shards.workerSegments : 0,
    recuts: shards ? shards.fallbacks : 0,
    waitMs: Math.round(shards?.waitMs ?? 0),
    mergeMs: Math.round(shards?.mergeMs ?? 0),
    workerMs: Math.round(shards?.workerMs ?? 0),
    readWaitMs: Math.round(f.readWaitMs),
    readerWorker: f.readerWorker,
    wasmEvents: outcome.wasmEvents,
    wasmCollected: outcome.wasmCollected,
  };
  s.bytes = f.totalBytes;
  s.loadMs = Math.round(performance.now() - f.t0);
  return { ...finished, gzip: f.gzip };
}

function toStream(source: TraceSource): ReadableStream<Uint8Array> {
  if (source instanceof ReadableStream) return source;
  if (source instanceof Uint8Array) {
    const CHUNK = 1 << 20;
    let at = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= source.length) controller.close();
        else {
          controller.enqueue(source.subarray(at, Math.min(source.length, at + CHUNK)));
          at += CHUNK;
        }
      },
    });
  }
  return source.stream() as ReadableStream<Uint8Array>;
}
