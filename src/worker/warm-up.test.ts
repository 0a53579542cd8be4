// The warm-up sample is only useful if it takes the paths real files take (see warm-up.ts):
// check that it is a clean Kineto-shaped trace that makes every table grow.

import { describe, expect, it } from 'vitest';
import { loadTrace } from '../engine/load.ts';
import { finishCopies } from '../engine/finish-copies.ts';
import { DRAWING_SAMPLE_EVENTS, sampleTrace, stopWarmUp, warmUp, warmUpSample } from './warm-up.ts';

describe('warm-up sample', () => {
  it('loads without a warning, with the phases and GPU work of a real Kineto file', async () => {
    const bytes = warmUpSample();
    const text = new TextDecoder().decode(bytes);
    const { model } = await loadTrace(new Blob([bytes as Uint8Array<ArrayBuffer>]), { name: 'warm-up' });
    const s = model.summary;
    expect(s.warnings).toEqual({});
    // independent counts from the text
    const count = (re: RegExp): number => text.match(re)?.length ?? 0;
    expect(s.events.total).toBe(count(/"ph": ?"/g));
    expect(s.gpu.kernels).toBe(count(/"cat": "kernel"/g));
    expect(s.gpu.memcpy).toBe(count(/"cat": "gpu_memcpy"/g));
    expect(s.gpu.memset).toBe(count(/"cat": "gpu_memset"/g));
    expect(s.gpu.launchLinked).toBe(s.gpu.kernels + s.gpu.memcpy + s.gpu.memset);
    expect(s.flows.unmatched).toBe(0);
    const missing = ['X', 'i', 's', 'f', 'M', 'B', 'E', 'b', 'e', 'C'].filter((ph) => !(s.events.byPhase[ph]! > 0));
    expect(missing).toEqual([]);
  });

  it('grows every table past its first capacity, with 7-digit ids and numbers past 2^31', async () => {
    const { model } = await loadTrace(warmUpSample(), { name: 'warm-up' });
    expect(model.strings.length).toBeGreaterThan(2048);
    expect(model.summary.gpu.kernels).toBeGreaterThan(1024);
    expect(model.tracks.some((t) => Number(t.tid) > 1_000_000)).toBe(true);
    expect(new TextDecoder().decode(warmUpSample())).toMatch(/"Addr": \d{14}/);
    expect(model.endUs).toBeGreaterThan(2 ** 31 / 1000); // a span whose ns do not fit 32 bits
  });

  it('finishes copies of the parsed sample into the model a whole load gives, again and again', async () => {
    const { model } = await loadTrace(warmUpSample(), { name: 'warm-up' });
    const finish = finishCopies(warmUpSample(), 'warm-up');
    for (let round = 0; round < 3; round++) {
      const again = finish().model;
      // (bytes read and times are the load's, not the finish's)
      const { timing: _a, bytes: _c, loadMs: _e, ...summary } = again.summary;
      const { timing: _b, bytes: _d, loadMs: _f, ...expected } = model.summary;
      expect(summary).toEqual(expected);
      expect(again.slices.start).toEqual(model.slices.start);
      expect(again.slices.depth).toEqual(model.slices.depth);
      expect(again.flows.from).toEqual(model.flows.from);
      expect(again.kernels.slice).toEqual(model.kernels.slice);
    }
  });

  it('is a small sample for a few steps (the page draws one to warm its renderer)', () => {
    expect(sampleTrace(DRAWING_SAMPLE_EVENTS).length).toBeLessThan(500_000);
  });

  it('stops when a real load starts', async () => {
    const t0 = performance.now();
    const done = warmUp(60_000);
    await new Promise((r) => setTimeout(r, 50));
    stopWarmUp();
    await done;
    expect(performance.now() - t0).toBeLessThan(3000); // not the 60 s budget
  });
});
