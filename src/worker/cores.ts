// How many cores the trace worker may count on, and the defaults that follow from it: the
// parse workers and which files they take.
//
// Measured on the 2-core CI machine: two threads parsing at once each ran at 70–90 % of one
// alone (the page, the browser's file reads and V8's compiler threads need the cores too),
// so one parse worker beside the trace worker pays only on plain files past ~50 MB. Medians
// of 12 loads each, one worker against none, since parse workers copy their results (a
// transfer used to deoptimise them): 89 MB 0.93 against 1.13 s, 59 MB 0.69 against 0.75 s,
// 30 MB 0.41 against 0.38 s (slower). 1.5 GB: 12.4 s against 14.0 s (earlier). With the
// WebAssembly event reader (10 paired loads each): 89 MB 0.74 against 0.83 s, 59 MB even.
// Once the module appended the common events itself (a single thread's parse about twice
// as fast), the worker's merge cost more than it saved up to a few hundred MB (paired, one
// worker against none): 30 MB 1.33×, 89 MB 1.23×, 297 MB 1.06–1.18×, 594 MB 0.90×, 1.5 GB
// 0.90×. So on 2 cores it now takes plain files from 448 MiB.
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
