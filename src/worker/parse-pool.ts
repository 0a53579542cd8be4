// The trace worker's parse workers: one per core (two to four), started once and kept, so
// that their code is compiled and warm when a trace arrives.

import * as Comlink from 'comlink';
import type { SegmentRunner } from '../engine/parallel.ts';
import type { ParseWorkerApi } from './parse.worker.ts';
import { cores, HELPERS_FROM_CORES } from './cores.ts';
import { ownBuffers } from './transfer.ts';

let pool: Comlink.Remote<ParseWorkerApi>[] | null = null;
let wanted: number | null = null;

/**
 * How many parse workers by default: none on two cores, where they were measured slower than
 * one thread (the browser's own I/O thread and the coordinator need the cores too, and bytes
 * crossing between cores cost about what parsing them does); else one per core left after
 * those two, at most four.
 */
function poolSize(): number {
  if (wanted !== null) return wanted;
  const n = cores();
  return n < HELPERS_FROM_CORES ? 0 : Math.min(4, n - 2);
}

/** Overrides the number of parse workers (the page's ?workers=; 0 parses on the trace worker alone). */
export function setParseWorkers(n: number): void {
  wanted = Math.max(0, Math.min(16, Math.floor(n)));
}

/** The parse workers as segment runners; none where workers cannot be started (Node). */
export function parseRunners(): SegmentRunner[] {
  if (typeof Worker === 'undefined' || poolSize() === 0) return [];
  pool ??= Array.from({ length: poolSize() }, (_, i) =>
    Comlink.wrap<ParseWorkerApi>(new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module', name: `kinetoscope-parse-${i}` })),
  );
  return pool.map((w) => ({
    parse: (job) => w.parse(Comlink.transfer(job, ownBuffers(job.chunks))),
    take: (session, seq) => w.take(session, seq),
    drop: (session, seq) => void w.drop(session, seq),
    release: (session) => void w.release(session),
  }));
}

/** Starts the workers and warms their parsers while the page is idle. */
export function warmUpParseWorkers(budgetMs: number): Promise<void> {
  const runners = parseRunners();
  if (runners.length === 0 || !pool) return Promise.resolve();
  return Promise.all(pool.map((w) => w.warmUp(budgetMs))).then(() => undefined);
}
