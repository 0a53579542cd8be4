// Warms the JIT before the first real load: the byte scanner runs interpreted at first, and
// code optimised on a sample that lacks what real files have is thrown away mid-load (V8
// "deopts" on a field it never saw, a number past 2^31, a column that had to grow, a read
// that ended inside an event). So the sample is the synthetic Kineto trace
// (engine/synth-trace.ts) with what real files also carry (`variety`: B/E, async and counter
// events, thousands of python_function names seen once) and long idle gaps between steps (a
// span whose ns do not fit 32 bits). It is parsed from a Blob, as a dropped file is, in chunks.

import { finishCopies } from '../engine/finish-copies.ts';
import { loadTrace } from '../engine/load.ts';
import { synthTraceBytes } from '../engine/synth-trace.ts';
import type { FinishedTrace } from '../model/finish.ts';
import { insightNow } from './insight.ts';

/** A Kineto-shaped trace of `events` events (~285 bytes each). */
export function sampleTrace(events: number): Uint8Array {
  return synthTraceBytes({ events, seed: 1, variety: true, roundGapNs: 160_000_000 });
}

let warming: Promise<void> | null = null;
const stop = new AbortController();

/**
 * Events in the sample: enough that every column and table grows past its first capacity
 * (over 2048 distinct strings, over 1024 kernels), as in any real file.
 */
export const WARM_UP_EVENTS = 12_000;

/** The page's drawing warm-up sample (render/warm-up.ts): small. */
export const DRAWING_SAMPLE_EVENTS = 1300;

let sample: Uint8Array | null = null;

/** The warm-up sample (built once: ~3.4 MB). */
export function warmUpSample(): Uint8Array {
  sample ??= sampleTrace(WARM_UP_EVENTS);
  return sample;
}

/** The sample as a dropped file would be: a Blob, read in chunks. */
export function warmUpBlob(): Blob {
  return new Blob([warmUpSample() as Uint8Array<ArrayBuffer>]);
}

/** Lets the sample go once warming is over. */
export function releaseWarmUpSample(): void {
  sample = null;
}

/**
 * Rounds of finishing alone (copies of the sample parsed once: engine/finish-copies.ts) per
 * whole load of the sample. `finish` runs once per load, with loops over every slice: after
 * a second of whole loads only, V8 still compiled the layout, sorts and flow code during the
 * first real load (its log), and a 30 MB file's finish took 45–140 ms there, ~30 warm.
 */
const FINISHES_PER_LOAD = 4;

/**
 * How long the trace worker and the parse workers warm up. Two seconds, not one: V8 was
 * still replacing the scanner's optimised code near the end of the first (a rare path met,
 * deoptimised, recompiled), and then compiled it again during the first real load while
 * running slower code. In paired loads of a 30 MB file with this and the finish rounds,
 * against neither: load median 0.96×, finish 0.90× (16 pairs).
 */
export const WARM_UP_MS = 2000;

/**
 * Loads the sample, and finishes copies of it, for up to `budgetMs` (the round under way
 * ends first), yielding between runs; a real load stops it at once.
 */
export function warmUp(budgetMs = WARM_UP_MS): Promise<void> {
  warming ??= (async () => {
    const blob = warmUpBlob();
    let finish: (() => FinishedTrace) | null = null;
    const t0 = performance.now();
    try {
      while (!stop.signal.aborted && performance.now() - t0 < budgetMs) {
        let loaded;
        try {
          loaded = await loadTrace(blob, { name: 'warm-up', signal: stop.signal });
        } catch (e) {
          if (stop.signal.aborted) return; // a real load began
          throw e;
        }
        if (stop.signal.aborted) return;
        // the analyses that follow every real load (insight.ts)
        await new Promise((r) => setTimeout(r, 0));
        if (stop.signal.aborted) return;
        insightNow(loaded.model);
        // (after a whole load: its parse, which cannot be interrupted, then runs in warm code)
        finish ??= finishCopies(warmUpSample(), 'warm-up');
        for (let i = 0; i < FINISHES_PER_LOAD && !stop.signal.aborted; i++) {
          await new Promise((r) => setTimeout(r, 0));
          if (!stop.signal.aborted) finish();
        }
        await new Promise((r) => setTimeout(r, 0));
      }
    } finally {
      releaseWarmUpSample();
    }
  })();
  return warming;
}

export function stopWarmUp(): void {
  stop.abort();
}
