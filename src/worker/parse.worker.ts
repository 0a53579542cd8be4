// A parse worker: reads the segments the trace worker sends it (engine/parallel.ts) and
// returns each as a dump (copied: see parse()).

import * as Comlink from 'comlink';
import { SegmentHost } from '../engine/parallel.ts';
import { SegmentParser, type SegmentJob, type SegmentResult } from '../engine/segment.ts';
import { ownBuffers } from './transfer.ts';
import { releaseWarmUpSample, warmUpBlob } from './warm-up.ts';

const host = new SegmentHost();
/** A load began or a real segment arrived: the warm-up stops (it would only delay them). */
let working = false;

const api = {
  async parse(job: SegmentJob): Promise<SegmentResult> {
    working = true;
    // Copied, not transferred. V8 compiles typed-array code assuming no ArrayBuffer of this
    // thread was ever detached, and the first transfer throws all of it away, so every later
    // segment would run deoptimised. A dump is ~40 bytes an event: the copy is cheap.
    return host.parse(job);
  },

  take(session: number, seq: number): Uint8Array[] {
    const chunks = host.takeNow(session, seq);
    return Comlink.transfer(chunks, ownBuffers(chunks));
  },

  drop(session: number, seq: number): void {
    host.drop(session, seq);
  },

  release(session: number): void {
    host.release(session);
  },

  /** A load began: the warm-up stops at once (it would take a core from the load). */
  stopWarmUp(): void {
    working = true;
  },

  /** Gets the parser's hot paths optimised before the first real segment (see warm-up.ts). */
  async warmUp(budgetMs: number): Promise<void> {
    // Read from a Blob in chunks, as the segments of a dropped file are.
    const blob = warmUpBlob();
    releaseWarmUpSample();
    const t0 = performance.now();
    while (performance.now() - t0 < budgetMs) {
      if (working) return;
      await new SegmentParser().parseBlob({ session: 0, seq: 0, chunks: [], blob, end: blob.size, base: 0, form: null, tsBase: NaN, last: true, maxSlices: Infinity }, () => working);
      await new Promise((r) => setTimeout(r, 0));
    }
  },
};

export type ParseWorkerApi = typeof api;

Comlink.expose(api);
