// How many cores the trace worker may count on, and from how many its helper workers (parse
// workers, the inflate worker) are on by default: on the 2-core CI machine each measured no
// faster than the trace worker alone, the page and the browser's I/O needing the cores too.

export const HELPERS_FROM_CORES = 4;

/** The machine's logical cores as the browser reports them (2 where it does not). */
export function cores(): number {
  return (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2;
}
