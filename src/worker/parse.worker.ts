// A parse worker: reads the segments the trace worker sends it (engine/parallel.ts) and
// returns each as a dump whose typed arrays are transferred, not copied.

import * as Comlink from 'comlink';
import { SegmentHost } from '../engine/parallel.ts';
import { SegmentParser, type SegmentJob, type SegmentResult } from '../engine/segment.ts';
import { dumpTransferables } from '../model/merge.ts';
import { ownBuffers } from './transfer.ts';
import { sampleTrace } from './warm-up.ts';

const host = new SegmentHost();

const api = {
  async parse(job: SegmentJob): Promise<SegmentResult> {
    const result = await host.parse(job);
    return Comlink.transfer(result, dumpTransferables(result.dump));
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

  /** Gets the parser's hot paths optimised before the first real segment (see warm-up.ts). */
  warmUp(budgetMs: number): void {
    const chunks = [sampleTrace(400)];
    const t0 = performance.now();
    while (performance.now() - t0 < budgetMs) {
      new SegmentParser().parse({ session: 0, seq: 0, chunks, base: 0, form: null, tsBase: NaN, last: true, maxSlices: Infinity });
    }
  },
};

export type ParseWorkerApi = typeof api;

Comlink.expose(api);
