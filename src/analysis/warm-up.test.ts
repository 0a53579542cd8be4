import { describe, expect, it } from 'vitest';
import { loadText } from '../testing/load-text.ts';
import { randomTrace, toJson } from '../testing/random-kineto.ts';
import { cachedParents } from './nesting.ts';
import { gpuMetricsWork } from './gpu-metrics.ts';
import { memoryWork } from './memory.ts';
import { analysisWarmUpSteps } from './warm-up.ts';

describe('analysis warm-up', () => {
  it('runs every analysis on copies of the sample and leaves nothing cached on the sample itself', async () => {
    const { model } = await loadText(JSON.stringify({ traceEvents: toJson(randomTrace(3)) }));
    const steps = analysisWarmUpSteps(model, 2);
    expect(steps).toHaveLength(20);
    for (const step of steps) step();
    expect(cachedParents(model)).toBeNull();
    // The GPU metrics were worked out on the copies: on the sample itself it starts afresh.
    expect(gpuMetricsWork(model).next().done).toBe(false);
    expect(memoryWork(model).next().done).toBe(false); // (a cached analysis returns at once)
  });
});
