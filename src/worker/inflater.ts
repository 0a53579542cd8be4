// The trace worker's handle on the inflate worker (inflate.ts): started once at idle and kept.

import { inflatedFrom, type Inflated } from './inflate.ts';

let worker: Worker | null = null;
let wanted: boolean | null = null;
/** Streams in progress, failed together if the worker itself fails. */
const open = new Set<Inflated>();

/**
 * On by default, 2 cores included: with the compressed input fed in small pieces and the
 * chunks sent in batches (inflate.ts), a 30 MB trace's gzip loaded in 0.84× the time of
 * inflating on the trace worker (16 paired loads). Before those two changes it measured 1.0×.
 */
function inflaterWanted(): boolean {
  return wanted ?? true;
}

/** Overrides the default (the page's ?inflate=worker or ?inflate=here). */
export function setInflateWorker(on: boolean): void {
  wanted = on;
}

/** The worker, or null when it cannot be started or has failed (then gzip is inflated here). */
function inflateWorker(): Worker | null {
  if (worker || !inflaterWanted()) return worker;
  try {
    worker = new Worker(new URL('./inflate.worker.ts', import.meta.url), { type: 'module', name: 'kinetoscope-inflate' });
  } catch {
    wanted = false;
    return null;
  }
  worker.onerror = (e) => {
    // It could not load, or crashed: loads in progress fail (they would wait for ever), later ones inflate here.
    console.warn(`Kinetoscope: the inflate worker failed (${e.message || 'could not start'}); gzip is inflated on the trace worker.`);
    wanted = false;
    worker = null;
    for (const s of open) s.fail('the inflate worker stopped');
    open.clear();
  };
  return worker;
}

/** Starts the worker before a gzip file needs it (its start-up is then off the load's path). */
export function startInflater(): void {
  if (typeof Worker !== 'undefined') inflateWorker();
}

/** Inflates a gzip file on the inflate worker, which reads it itself; null: inflate on this thread. */
export function inflateElsewhere(file: Blob): Inflated | null {
  if (typeof Worker === 'undefined' || typeof MessageChannel === 'undefined') return null;
  const w = inflateWorker();
  if (!w) return null;
  const { port1, port2 } = new MessageChannel();
  w.postMessage({ file, port: port2 }, [port2]);
  const inflated: Inflated = inflatedFrom(port1, () => open.delete(inflated));
  open.add(inflated);
  return inflated;
}
