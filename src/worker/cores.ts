// How many cores the trace worker may count on, and the defaults that follow from it: the
// parse workers and which files they take.
//
// On two cores a second parsing thread shares them with the page, the browser's file reads
// and V8's compiler threads, and merging its result costs more than it saves below a few
// hundred MB; so there it takes only plain files from 448 MiB (measurements: docs/engine.md).
// (The reader worker is on whatever the cores: see reader.ts.)

export const HELPERS_FROM_CORES = 4;

/** The machine's logical cores as the browser reports them (2 where it does not). */
export function cores(): number {
  return (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2;
}

export interface ParsePolicy {
  /** Parse workers. */
  workers: number;
  /** Smaller inputs (decoded bytes) are parsed by the trace worker alone. */
  minBytes: number;
  /** Whether streamed input (gzip, a URL) is parsed in parallel too, not only plain files. */
  streams: boolean;
}

/**
 * From 4 cores: one parse worker per core left after the trace worker and the page, at most
 * four, for anything past 4 MiB. Below: one, for plain files from 448 MiB. `wanted` (the
 * page's ?workers=) overrides the number and applies it to anything past 4 MiB.
 */
export function parsePolicy(n: number, wanted: number | null): ParsePolicy {
  if (wanted !== null) return { workers: wanted, minBytes: 4 << 20, streams: true };
  if (n >= HELPERS_FROM_CORES) return { workers: Math.min(4, n - 2), minBytes: 4 << 20, streams: true };
  return { workers: 1, minBytes: 448 << 20, streams: false };
}
