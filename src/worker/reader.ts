// The trace worker's handle on the reader worker (file-stream.ts): started once at idle and kept.

import { streamFrom, type FileStream } from './file-stream.ts';

let worker: Worker | null = null;
let wanted = true;
/** Streams in progress, failed together if the worker itself fails. */
const open = new Set<FileStream>();

/** On by default, 2 cores included: it shortens plain and gzip loads alike (docs/performance.md). */
export function setReaderWorker(on: boolean): void {
  wanted = on;
}

/** The worker, or null when it cannot be started or has failed (then the file is read here). */
function readerWorker(): Worker | null {
  if (worker || !wanted) return worker;
  try {
    worker = new Worker(new URL('./reader.worker.ts', import.meta.url), { type: 'module', name: 'kinetoscope-reader' });
  } catch {
    wanted = false;
    return null;
  }
  const w = worker;
  worker.onerror = (e) => {
    // It could not load, or crashed. Loads in progress stop waiting for it: one it had sent
    // nothing yet reads its file here, one it was reading fails. Later ones read here.
    console.warn(`Kinetoscope: the reader worker failed (${e.message || 'could not start'}); files are read on the trace worker.`);
    w.terminate(); // an error event does not end a worker: it could still post half a file
    wanted = false;
    worker = null;
    for (const s of open) s.fail('the reader worker stopped');
    open.clear();
  };
  return worker;
}

/** Starts the worker before a file needs it (its start-up is then off the load's path). */
export function startReader(): void {
  if (typeof Worker !== 'undefined') readerWorker();
}

/** Reads a file (inflating it when it is gzip) on the reader worker; null: read it on this thread. */
export function readElsewhere(file: Blob): FileStream | null {
  if (typeof Worker === 'undefined' || typeof MessageChannel === 'undefined') return null;
  const w = readerWorker();
  if (!w) return null;
  const { port1, port2 } = new MessageChannel();
  w.postMessage({ file, port: port2 }, [port2]);
  const stream: FileStream = streamFrom(port1, () => open.delete(stream));
  open.add(stream);
  return stream;
}
