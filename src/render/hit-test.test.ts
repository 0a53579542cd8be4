import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTrace } from '../engine/load.ts';
import type { LoadedTrace } from '../store/app-store.ts';
import { counterHitAt, hitTestAt, metricHitAt, rowAt, sliceNear } from './hit-test.ts';
import { gpuMetrics } from '../analysis/gpu-metrics.ts';
import { bucketAt } from './draw-gpu-metrics.ts';
import { TimeScale } from './time-scale.ts';
import { computeTrackLayout, ROW_HEIGHT, rowTop, RULER_HEIGHT } from './track-layout.ts';
import { tracePath } from '../testing/traces-dir.ts';

describe('sliceNear', () => {
  const start = Float64Array.from([0, 10, 20]);
  const dur = Float64Array.from([5, 5, 5]);

  it('returns the slice containing t', () => {
    expect(sliceNear(start, dur, 0, 3, 12, 0)).toBe(1);
    expect(sliceNear(start, dur, 0, 3, 15, 0)).toBe(1); // the end is inclusive
  });

  it('returns the nearest neighbour within the tolerance, else -1', () => {
    expect(sliceNear(start, dur, 0, 3, 16, 2)).toBe(1);
    expect(sliceNear(start, dur, 0, 3, 19, 2)).toBe(2);
    expect(sliceNear(start, dur, 0, 3, 17.5, 1)).toBe(-1);
    expect(sliceNear(start, dur, 0, 3, 30, 100)).toBe(2);
    expect(sliceNear(start, dur, 0, 3, -3, 5)).toBe(0);
    expect(sliceNear(start, dur, 0, 0, 3, 5)).toBe(-1);
  });

  it('stays within its row', () => {
    expect(sliceNear(start, dur, 1, 2, 3, 100)).toBe(1);
  });
});

describe('rowAt', () => {
  it('maps a y inside a track to its row', () => {
    expect(rowAt(100, 3, 100)).toBe(-1); // top padding
    expect(rowAt(100, 3, 102)).toBe(0);
    expect(rowAt(100, 3, 102 + ROW_HEIGHT)).toBe(1);
    expect(rowAt(100, 3, 102 + 3 * ROW_HEIGHT)).toBe(-1);
  });
});

describe('hitTestAt on a real trace', () => {
  let trace: LoadedTrace;
  beforeAll(async () => {
    const bytes = new Uint8Array(await readFile(tracePath('hta__benchmark_simple_add_trace.json.gz')));
    trace = { id: 'a', name: 'simple_add', model: (await loadTrace(bytes, { name: 'simple_add' })).model, url: null };
  });

  it('finds every slice of the GPU stream at its own centre, and nothing in the ruler', () => {
    const m = trace.model;
    const layout = computeTrackLayout([trace], {});
    const scale = new TimeScale(0, m.endUs, 1000);
    const gpuTrack = m.tracks.find((t) => t.kind === 'gpu')!;
    const item = layout.items.find((i) => i.track === gpuTrack.index)!;
    const scrollY = 0;
    for (let i = gpuTrack.rowStart[0]!; i < gpuTrack.rowStart[1]!; i++) {
      // Zoom onto the slice so neighbours are far apart.
      const s = m.slices.start[i]!;
      const d = Math.max(m.slices.dur[i]!, 0.001);
      scale.set(s - d, s + 2 * d, 900);
      const x = scale.timeToPx(s + d / 2);
      const y = RULER_HEIGHT + rowTop(item, 0) + ROW_HEIGHT / 2 - scrollY;
      expect(hitTestAt([trace], layout, scale, scrollY, x, y)).toEqual({ trace: 'a', slice: i });
    }
    expect(hitTestAt([trace], layout, scale, 0, 10, RULER_HEIGHT - 1)).toBeNull();
  });

  it('misses process headers and respects the vertical scroll', () => {
    const m = trace.model;
    const layout = computeTrackLayout([trace], {});
    const scale = new TimeScale(0, m.endUs, 1000);
    expect(hitTestAt([trace], layout, scale, 0, 500, RULER_HEIGHT + 5)).toBeNull(); // first process header
    const item = layout.items.find((i) => i.kind === 'track' && i.depthRows > 0)!;
    const y = RULER_HEIGHT + rowTop(item, 0) + 5;
    const direct = hitTestAt([trace], layout, scale, 0, 500, y);
    const scrolled = hitTestAt([trace], layout, scale, 20, 500, y - 20);
    expect(direct).not.toBeNull();
    expect(scrolled).toEqual(direct);
  });
});

describe('counterHitAt on a real trace', () => {
  it('finds the sample in force under the pointer on every counter track, and no slice there', async () => {
    const path = tracePath('catapult__instance_counters.json');
    const raw = JSON.parse(await readFile(path, 'utf8')) as { ph: string; ts: number; id?: string; args: { value: number } }[];
    const bytes = new Uint8Array(await readFile(path));
    const trace: LoadedTrace = { id: 'c', name: 'counters', model: (await loadTrace(bytes, { name: 'counters' })).model, url: null };
    const m = trace.model;
    const origin = Math.min(...raw.map((e) => e.ts));
    const layout = computeTrackLayout([trace], {});
    const scale = new TimeScale(0, m.endUs, 1000);
    let checked = 0;
    for (const id of ['123', 'b']) {
      const samples = raw.filter((e) => e.ph === 'C' && e.id === id).sort((a, b) => a.ts - b.ts);
      const series = m.counters.findIndex((c) => c.name.includes(`[${id}]`));
      const item = layout.items.find((i) => i.track === m.counters[series]!.track)!;
      const y = RULER_HEIGHT + item.y + item.height / 2;
      for (let px = 0; px <= 1000; px += 7) {
        const t = scale.pxToTime(px) + origin;
        const k = samples.findLastIndex((e) => e.ts <= t);
        const hit = counterHitAt([trace], layout, scale, 0, px, y);
        expect(hit).toEqual(k < 0 ? null : { trace: 'c', counter: series, sample: k });
        expect(hit ? m.counters[series]!.values[hit.sample] : null).toBe(k < 0 ? null : samples[k]!.args.value);
        if (hit) checked++;
        expect(hitTestAt([trace], layout, scale, 0, px, y)).toBeNull();
      }
    }
    expect(checked).toBeGreaterThan(200);
    // Slice tracks and the ruler have no counter samples.
    const thread = layout.items.find((i) => i.kind === 'track' && !i.counter)!;
    expect(counterHitAt([trace], layout, scale, 0, 500, RULER_HEIGHT + rowTop(thread, 0) + 5)).toBeNull();
    expect(counterHitAt([trace], layout, scale, 0, 500, 5)).toBeNull();
  });
});

describe('metricHitAt', () => {
  it('finds the 3-px bucket under the pointer on a GPU metric track, and nothing elsewhere', async () => {
    const bytes = new Uint8Array(await readFile(tracePath('hta__benchmark_simple_add_trace.json.gz')));
    const model = (await loadTrace(bytes, { name: 'simple_add' })).model;
    const trace: LoadedTrace = { id: 'a', name: 'simple_add', model, url: null, gpuMetrics: gpuMetrics(model) };
    const layout = computeTrackLayout([trace], {});
    const item = layout.items.find((i) => i.metric !== undefined)!;
    expect(item).toBeDefined();
    const scale = new TimeScale(0, model.endUs, 900);
    const y = RULER_HEIGHT + item.y + item.height / 2;
    const hit = metricHitAt([trace], layout, scale, 0, 450, y)!;
    expect(hit.device).toBe('0');
    const w = (3 * model.endUs) / 900;
    expect(Math.abs(hit.end - hit.start - w) / w).toBeLessThan(1e-9);
    const t = scale.pxToTime(450);
    expect(hit.start).toBeLessThanOrEqual(t);
    expect(hit.end).toBeGreaterThan(t);
    expect(Math.abs(hit.start / w - Math.round(hit.start / w))).toBeLessThan(1e-6); // on the grid
    expect(bucketAt(scale, t)).toEqual({ start: hit.start, end: hit.end });
    // Not on the ruler, not on a slice track, not for the slice hit test.
    expect(metricHitAt([trace], layout, scale, 0, 450, 10)).toBeNull();
    const other = layout.items.find((i) => i.kind === 'track' && i.metric === undefined)!;
    expect(metricHitAt([trace], layout, scale, 0, 450, RULER_HEIGHT + other.y + 5)).toBeNull();
    expect(hitTestAt([trace], layout, scale, 0, 450, y)).toBeNull();
    expect(counterHitAt([trace], layout, scale, 0, 450, y)).toBeNull();
  });
});
