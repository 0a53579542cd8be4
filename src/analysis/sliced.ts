// Long analyses are generators that yield every few thousand items, so the page can run them
// in tasks of a few milliseconds (runSliced) and tests can run them at once (runNow).
// Nothing here knows what is being computed.

export type Work<T> = Generator<void, T, void>;

/** How many loop iterations an analysis does between yields (a power of two, for a mask). */
export const YIELD_MASK = 0x1fff;

/**
 * Calls `body(lo, hi)` over [0, n) in chunks, yielding between them. Loops belong in such
 * plain functions, not in the generators themselves: V8 does not optimise a running loop
 * (on-stack replacement) inside a generator, so a long loop there stays slow to its end.
 */
export function* forChunks(n: number, body: (lo: number, hi: number) => void): Work<void> {
  for (let lo = 0; lo < n; lo += YIELD_MASK + 1) {
    body(lo, Math.min(n, lo + YIELD_MASK + 1));
    if (lo + YIELD_MASK + 1 < n) yield;
  }
}

/** Runs the work to its end on this thread, now. */
export function runNow<T>(work: Work<T>): T {
  for (;;) {
    const r = work.next();
    if (r.done) return r.value;
  }
}

export interface SliceStats {
  /** The longest stretch spent in the work without giving the thread back, in ms. */
  longestMs: number;
  /** How many tasks the work was split into. */
  tasks: number;
  /** The time spent in all of them, in ms (kept when present). */
  totalMs?: number;
}

/**
 * Runs the work in tasks of about `budgetMs`, giving the thread back between them (a
 * macrotask: input and frames run in between). `signal` stops it with an AbortError.
 * `startNow` runs the first task in the caller's: work that fits in it then resolves before
 * the page renders anything in between.
 */
export function runSliced<T>(work: Work<T>, budgetMs = 8, signal?: AbortSignal, stats?: SliceStats, startNow = false): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // (rejected at once, not at the next task: the caller may be waiting to do it itself)
    signal?.addEventListener('abort', () => reject(new DOMException('analysis cancelled', 'AbortError')), { once: true });
    const step = (): void => {
      if (signal?.aborted) {
        reject(new DOMException('analysis cancelled', 'AbortError'));
        return;
      }
      const t0 = performance.now();
      try {
        for (;;) {
          const r = work.next();
          if (r.done) {
            note(stats, performance.now() - t0);
            resolve(r.value);
            return;
          }
          if (performance.now() - t0 >= budgetMs) break;
        }
      } catch (e) {
        reject(e as Error);
        return;
      }
      note(stats, performance.now() - t0);
      nextTask(step);
    };
    if (startNow) step();
    else nextTask(step);
  });
}

function note(stats: SliceStats | undefined, ms: number): void {
  if (!stats) return;
  stats.tasks++;
  if (ms > stats.longestMs) stats.longestMs = ms;
  if (stats.totalMs !== undefined) stats.totalMs += ms;
}

// setTimeout(0) is clamped to 4 ms after a few nestings; a MessageChannel is not.
let channel: MessageChannel | null = null;
const queue: (() => void)[] = [];
function nextTask(fn: () => void): void {
  if (typeof MessageChannel === 'undefined') {
    setTimeout(fn, 0);
    return;
  }
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => queue.shift()?.();
  }
  queue.push(fn);
  channel.port2.postMessage(null);
}
