// The trace worker's handle on the inflate worker (inflate.ts): started once at idle and kept.

import { inflatedFrom, type Inflated } from './inflate.ts';

let worker: Worker | null = null;
let wanted: boolean | null = null;

/**
 * On by default from 4 cores. On the 2-core CI machine it was measured no faster: the parse
 * slowed by about what it no longer spent inflating (the two workers, the browser's I/O and
 * the page share two cores), 500 ms either way for a 30 MB trace.
 */
function inflaterWanted(): boolean {
  if (wanted !== null) return wanted;
  return typeof navigator !== 'undefined' && (navigator.hardwareConcurrency || 2) >= 4;
}

/** Overrides the default (the page's ?inflate=worker or ?inflate=here). */
export function setInflateWorker(on: boolean): void {
  wanted = on;
}

function inflateWorker(): Worker {
  worker ??= new Worker(new URL('./inflate.worker.ts', import.meta.url), { type: 'module', name: 'kinetoscope-inflate' });
  return worker;
}

/** Starts the worker before a gzip file needs it (its start-up is then off the load's path). */
export function startInflater(): void {
  if (typeof Worker !== 'undefined' && inflaterWanted()) inflateWorker();
}

/** Inflates a gzip file on the inflate worker, which reads it itself; null: inflate on this thread. */
export function inflateElsewhere(file: Blob): Inflated | null {
  if (typeof Worker === 'undefined' || typeof MessageChannel === 'undefined' || !inflaterWanted()) return null;
  const { port1, port2 } = new MessageChannel();
  inflateWorker().postMessage({ file, port: port2 }, [port2]);
  return inflatedFrom(port1);
}
