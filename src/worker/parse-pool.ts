// The trace worker's parse workers (how many: cores.ts), started once and kept, so that their
// code is compiled and warm when a trace arrives.

import * as Comlink from 'comlink';
import type { SegmentRunner } from '../engine/parallel.ts';
import type { ParseWorkerApi } from './parse.worker.ts';
import { cores, parsePolicy, type ParsePolicy } from './cores.ts';
import { ownBuffers } from './transfer.ts';

let pool: Comlink.Remote<ParseWorkerApi>[] | null = null;
let wanted: number | null = null;

function policy(): ParsePolicy {
  return parsePolicy(cores(), wanted);
}

/** Overrides the number of parse workers (the page's ?workers=; 0 parses on the trace worker alone). */
export function setParseWorkers(n: number): void {
  wanted = Math.max(0, Math.min(16, Math.floor(n)));
}

/** The parse workers as segment runners, and which inputs they take; none where workers cannot be started (Node). */
export function parseRunners(): { runners: SegmentRunner[]; parallelMinBytes: number; parallelStreams: boolean } {
  const p = policy();
  const none = { runners: [], parallelMinBytes: p.minBytes, parallelStreams: p.streams };
  if (typeof Worker === 'undefined' || p.workers === 0) return none;
  pool ??= Array.from({ length: p.workers }, (_, i) =>
    Comlink.wrap<ParseWorkerApi>(new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module', name: `kinetoscope-parse-${i}` })),
  );
  const runners: SegmentRunner[] = pool.map((w) => ({
    parse: (job) => w.parse(Comlink.transfer(job, ownBuffers(job.chunks))),
    take: (session, seq) => w.take(session, seq),
    drop: (session, seq) => void w.drop(session, seq),
    release: (session) => void w.release(session),
  }));
  return { ...none, runners };
}

/**
 * Starts the workers and warms their parsers while the page is idle: only where they take
 * files from 4 MiB (4 cores or more, or ?workers=). Below, they take plain files from 448 MiB
 * only, whose load is long enough that a cold worker costs little, while warming one took a
 * core for two seconds on every page open.
 */
export function warmUpParseWorkers(budgetMs: number): Promise<void> {
  if (policy().minBytes > 4 << 20) return Promise.resolve();
  parseRunners();
  if (!pool) return Promise.resolve();
  return Promise.all(pool.map((w) => w.warmUp(budgetMs))).then(() => undefined);
}

/** A load began: the workers stop warming up (on two cores, a small file is read without them). */
export function stopParseWarmUp(): void {
  for (const w of pool ?? []) void w.stopWarmUp();
}
