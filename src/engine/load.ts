// The engine's entry point, the same in the worker and in Node: bytes in (a Blob, a byte
// array or a stream), gzip detected by its magic bytes and inflated as a stream, parsed
// chunk by chunk, finished into the model. Progress is reported at most every 100 ms.

import { Collector, TraceTooLargeError } from '../model/collector.ts';
import { finishTrace, type FinishedTrace } from '../model/finish.ts';
import { StreamParser } from '../parse/stream-parser.ts';
import { StringTable } from '../parse/string-table.ts';

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
}

export type TraceSource = Blob | Uint8Array | ReadableStream<Uint8Array>;

/** A trace that cannot be read at all; the message is for the user. */
export class TraceLoadError extends Error {
  override name = 'TraceLoadError';
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
  const t0 = performance.now();
  const name = opts.name ?? (typeof Blob !== 'undefined' && source instanceof Blob && 'name' in source ? String(source.name) : 'trace');
  const totalBytes = opts.totalBytes ?? (source instanceof Uint8Array ? source.length : source instanceof ReadableStream ? 0 : source.size);
  const raw = toStream(source);
  const reader = raw.getReader();

  const strings = new StringTable();
  const collector = new Collector(strings);
  if (opts.maxSlices !== undefined) collector.maxSlices = opts.maxSlices;
  const parser = new StreamParser(collector, strings);
  parser.scanner.argsWanted = collector.argsWanted;

  let bytesRead = 0;
  let lastReport = 0;
  const report = (force: boolean): void => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (!force && now - lastReport < PROGRESS_EVERY_MS) return;
    lastReport = now;
    opts.onProgress({ bytesRead, totalBytes, events: parser.eventsSoFar });
  };
  const checkAbort = (): void => {
    if (opts.signal?.aborted) throw new TraceLoadError('Loading was cancelled.');
  };

  // Peek at the first bytes to detect gzip.
  let first = await reader.read();
  while (!first.done && first.value.length === 0) first = await reader.read();
  if (first.done) throw new TraceLoadError(`${name} is empty (0 bytes).`);
  const head = first.value;
  bytesRead += head.length;
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;

  let decodedBytes = 0;
  let streamError: string | null = null;
  if (!gzip) {
    parser.feed(head);
    decodedBytes += head.length;
    for (;;) {
      checkAbort();
      const r = await reader.read();
      if (r.done) break;
      bytesRead += r.value.length;
      decodedBytes += r.value.length;
      parser.feed(r.value);
      report(false);
    }
  } else {
    const counted = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head);
      },
      async pull(controller) {
        const r = await reader.read();
        if (r.done) controller.close();
        else {
          bytesRead += r.value.length;
          controller.enqueue(r.value);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    const inflated = counted.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
    const ir = inflated.getReader();
    try {
      for (;;) {
        checkAbort();
        const r = await ir.read();
        if (r.done) break;
        decodedBytes += r.value.length;
        parser.feed(r.value);
        report(false);
      }
    } catch (e) {
      if (e instanceof TraceLoadError) throw e;
      streamError = `the gzip data is corrupt or cut off after ${bytesRead} compressed bytes (${decodedBytes} bytes inflated)`;
      if (decodedBytes === 0) throw new TraceLoadError(`${name} is not a valid gzip file: ${streamError}.`);
    }
  }
  report(true);
  checkAbort();
  const outcome = parser.finish();
  if (outcome.events === 0) {
    if (outcome.syntaxError && outcome.form === 'none') {
      throw new TraceLoadError(`${name} is not a JSON trace: it must start with { or [ (found "${outcome.syntaxError.context.slice(0, 16)}" at byte ${outcome.syntaxError.atByte}).`);
    }
    if (outcome.syntaxError) {
      throw new TraceLoadError(`${name} has a JSON syntax error at byte ${outcome.syntaxError.atByte} (${outcome.syntaxError.message}, near "${outcome.syntaxError.context}") and no events before it.`);
    }
    if (outcome.form === 'none') throw new TraceLoadError(`${name} contains only whitespace.`);
    if (!outcome.eventsArray && !outcome.truncated) throw new TraceLoadError(`${name} has no traceEvents array: it is JSON, but not a trace.`);
  }
  if (streamError) collector.warnings.count(streamError);
  const t1 = performance.now();
  const finished = finishTrace(collector, outcome, name, parser.scanner.tsBase);
  const s = finished.model.summary;
  s.timing = { parseMs: Math.round(t1 - t0), finishMs: Math.round(performance.now() - t1) };
  s.bytes = totalBytes || bytesRead;
  s.loadMs = Math.round(performance.now() - t0);
  return { ...finished, gzip };
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
