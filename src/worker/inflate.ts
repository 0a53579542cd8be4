// gzip inflated on another thread while the trace worker parses: on two cores, inflating a
// 30 MB trace took ~100 ms of the trace worker's time, and another worker can do it at the
// same time as the parse (measured: inflating there and moving the chunks took no longer than
// inflating alone). The inflater reads the file itself: compressed bytes pumped to it by the
// trace worker arrived only between two parsed chunks, and both threads sat idle half the
// time. The chunks are transferred, not copied, and at most IN_FLIGHT_BYTES of them wait
// unparsed, so a multi-GB file does not pile up in memory when parsing is slower.

import { gunzip } from '../engine/gunzip.ts';

/** Inflated bytes sent but not yet taken by the parser before the inflater waits. */
export const IN_FLIGHT_BYTES = 8 << 20;

/**
 * Inflated bytes sent (and acknowledged) per message. The inflater's chunks are ~64 KiB, one
 * message each way per chunk was ~900 messages for a 30 MB trace, each a task on both threads.
 */
export const BATCH_BYTES = 1 << 20;

/**
 * What the inflater posts: a chunk, the end, or the failure of the inflation itself; each
 * with the compressed bytes read so far (the load's progress).
 */
export type InflateMessage = ({ chunks: Uint8Array[] } | { done: true } | { error: string }) & { read: number };

/** What the parser's side posts back: bytes it took (so more may come), or -1 to cancel. */
export type InflateAck = number;

interface Port {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
  close(): void;
}

/** The inflater's side: inflates `compressed` and posts the chunks to `port`. */
export async function serveInflate(compressed: ReadableStream<Uint8Array>, port: Port): Promise<void> {
  let inFlight = 0;
  let cancelled = false;
  let wake: (() => void) | null = null;
  port.onmessage = (e: MessageEvent<InflateAck>) => {
    if (e.data < 0) cancelled = true;
    else inFlight -= e.data;
    wake?.();
  };
  let read = 0;
  const counted = compressed.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(c, controller) {
        read += c.length;
        controller.enqueue(c);
      },
    }),
  );
  const reader = gunzip(counted).getReader();
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  const send = (): void => {
    if (batch.length === 0) return;
    inFlight += batchBytes;
    port.postMessage({ chunks: batch, read } satisfies InflateMessage, batch.map((c) => c.buffer as ArrayBuffer));
    batch = [];
    batchBytes = 0;
  };
  try {
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
    port.postMessage({ done: true, read } satisfies InflateMessage);
  } catch (e) {
    if (cancelled) return;
    send(); // every byte inflated before the failure
    port.postMessage({ error: (e as Error).message || String(e), read } satisfies InflateMessage);
  } finally {
    port.onmessage = null;
    port.close();
  }
}

export interface Inflated {
  /** The inflated bytes; fails only when the inflation (or the file's reading) does. */
  stream: ReadableStream<Uint8Array>;
  /** Compressed bytes the inflater has read so far. */
  compressedRead(): number;
  /** Ends the stream with an error (the inflater itself failed: it will post nothing more). */
  fail(message: string): void;
}

/** The parser's side: the inflated bytes arriving on `port`; `onEnd` once it has ended, whichever way. */
export function inflatedFrom(port: Port, onEnd?: () => void): Inflated {
  const queue: Uint8Array[] = [];
  let read = 0;
  let end: { error: string | null } | null = null;
  let wake: (() => void) | null = null;
  let taken = 0;
  port.onmessage = (e: MessageEvent<InflateMessage>) => {
    const m = e.data;
    read = m.read;
    if ('chunks' in m) queue.push(...m.chunks);
    else end = { error: 'error' in m ? m.error : null };
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
        if (chunk) {
          // Acknowledged in batches too, but never held back while the queue is empty (the inflater may be waiting).
          taken += chunk.length;
          if (taken >= BATCH_BYTES || queue.length === 0) {
            port.postMessage(taken satisfies InflateAck);
            taken = 0;
          }
          controller.enqueue(chunk);
        } else {
          close();
          if (end!.error !== null) controller.error(new Error(end!.error));
          else controller.close();
        }
      },
      cancel() {
        port.postMessage(-1 satisfies InflateAck);
        close();
      },
    },
    { highWaterMark: 0 },
  );
  const fail = (message: string): void => {
    end ??= { error: message };
    wake?.();
  };
  return { stream, compressedRead: () => read, fail };
}
