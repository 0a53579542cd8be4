// A file read on another thread (the reader worker), and inflated there when it is gzip, while
// the trace worker parses what it sends: reading a Blob (each chunk fresh memory) and
// inflating gzip then run beside the parse instead of before it. It reads the file itself: bytes
// pumped to it by the trace worker arrived only between two parsed chunks, and both threads
// sat idle half the time. The chunks are transferred, not copied, in batches, and about
// IN_FLIGHT_BYTES of them (plus the batch being filled and one chunk) wait unparsed, so a
// multi-GB file does not pile up in memory when parsing is slower.

import { gunzip, isGzipMagic } from '../engine/gunzip.ts';
import { SourceStoppedError, withHead } from '../lib/streams.ts';

/** Bytes sent but not yet taken by the parser before the reader waits (checked before each read). */
export const IN_FLIGHT_BYTES = 8 << 20;

/**
 * Bytes sent (and acknowledged) per message. The chunks are ~64 KiB; a message each way per
 * chunk would cost both threads a task per chunk.
 */
export const BATCH_BYTES = 1 << 20;

/**
 * What the reader posts: first whether the file is gzip (from its first bytes), then chunks,
 * and the end or the failure of the reading or inflation itself; each with the file's bytes
 * read so far (the load's progress).
 */
export type FileMessage = ({ gzip: boolean } | { chunks: Uint8Array[] } | { done: true } | { error: string }) & { read: number };

/** What the parser's side posts back: bytes it took (so more may come), or -1 to cancel. */
export type FileAck = number;

interface Port {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
  close(): void;
}

/** The reader's side: reads `file`, inflating it when it is gzip, and posts the chunks to `port`. */
export async function serveFile(file: ReadableStream<Uint8Array>, port: Port): Promise<void> {
  let inFlight = 0;
  let cancelled = false;
  let wake: (() => void) | null = null;
  port.onmessage = (e: MessageEvent<FileAck>) => {
    if (e.data < 0) cancelled = true;
    else inFlight -= e.data;
    wake?.();
  };
  let read = 0;
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  const send = (): void => {
    if (batch.length === 0) return;
    inFlight += batchBytes;
    port.postMessage({ chunks: batch, read } satisfies FileMessage, batch.map((c) => c.buffer as ArrayBuffer));
    batch = [];
    batchBytes = 0;
  };
  try {
    const source = file.getReader();
    let first: ReadableStreamReadResult<Uint8Array>;
    do first = await source.read();
    while (!first.done && first.value.length === 0);
    // Told here, from the bytes already read, rather than by the trace worker reading them first.
    const gzip = !first.done && isGzipMagic(first.value);
    port.postMessage({ gzip, read } satisfies FileMessage);
    if (!first.done) read += first.value.length;
    const counted = withHead(first.done ? null : first.value, source, (n) => void (read += n));
    const reader = (gzip ? gunzip(counted) : counted).getReader();
    for (;;) {
      while (inFlight >= IN_FLIGHT_BYTES && !cancelled) await new Promise<void>((r) => (wake = r));
      if (cancelled) {
        await reader.cancel();
        return;
      }
      const r = await reader.read();
      if (r.done) break;
      // A view of a larger buffer would take its neighbours with it when transferred.
      const chunk = r.value.byteOffset === 0 && r.value.byteLength === r.value.buffer.byteLength ? r.value : r.value.slice();
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= BATCH_BYTES) send();
    }
    send();
    port.postMessage({ done: true, read } satisfies FileMessage);
  } catch (e) {
    if (cancelled) return;
    send(); // every byte before the failure
    port.postMessage({ error: (e as Error).message || String(e), read } satisfies FileMessage);
  } finally {
    port.onmessage = null;
    port.close();
  }
}

export interface FileStream {
  /**
   * Whether the file is gzip, told from its first bytes (false too when the file could not
   * be read: then the stream fails with why); null when the reader stopped, or the stream was
   * cancelled, before it told (then nothing was read: the file can be read elsewhere).
   */
  gzip: Promise<boolean | null>;
  /**
   * The file's bytes, inflated if it was gzip; fails only when the reading or inflation does,
   * or with a SourceStoppedError when the reader worker itself failed.
   */
  stream: ReadableStream<Uint8Array>;
  /** Bytes of the file (compressed ones for gzip) read to give the bytes taken from `stream` so far. */
  fileRead(): number;
  /** Ends the stream with a SourceStoppedError (the reader itself failed: it will post nothing more). */
  fail(message: string): void;
}

/** The parser's side: the bytes arriving on `port`; `onEnd` once it has ended, whichever way. */
export function streamFrom(port: Port, onEnd?: () => void): FileStream {
  const queue: Uint8Array[] = [];
  /** For each chunk queued, the file's bytes read when it was sent. */
  const readAt: number[] = [];
  let readNow = 0;
  let readTaken = 0;
  let end: { error: string | null; stopped?: boolean } | null = null;
  let wake: (() => void) | null = null;
  let taken = 0;
  let told: (gzip: boolean | null) => void = () => undefined;
  const gzip = new Promise<boolean | null>((res) => (told = res));
  port.onmessage = (e: MessageEvent<FileMessage>) => {
    const m = e.data;
    readNow = m.read;
    if ('gzip' in m) told(m.gzip);
    else if ('chunks' in m) {
      for (const c of m.chunks) {
        queue.push(c);
        readAt.push(m.read);
      }
    } else end = { error: 'error' in m ? m.error : null };
    if (end) told(false);
    wake?.();
  };
  const close = (): void => {
    port.onmessage = null;
    port.close();
    onEnd?.();
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        while (queue.length === 0 && !end) await new Promise<void>((r) => (wake = r));
        wake = null;
        const chunk = queue.shift();
        readTaken = readAt.shift() ?? readNow;
        if (chunk) {
          // Acknowledged in batches too, but never held back while the queue is empty (the reader may be waiting).
          taken += chunk.length;
          if (taken >= BATCH_BYTES || queue.length === 0) {
            port.postMessage(taken satisfies FileAck);
            taken = 0;
          }
          controller.enqueue(chunk);
        } else {
          close();
          if (end!.stopped) controller.error(new SourceStoppedError(end!.error!));
          else if (end!.error !== null) controller.error(new Error(end!.error));
          else controller.close();
        }
      },
      cancel() {
        told(null);
        port.postMessage(-1 satisfies FileAck);
        close();
      },
    },
    { highWaterMark: 0 },
  );
  const fail = (message: string): void => {
    end ??= { error: message, stopped: true };
    told(null);
    wake?.();
  };
  return { gzip, stream, fileRead: () => readTaken, fail };
}
