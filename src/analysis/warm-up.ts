// Runs every analysis a few times on a small model while the page waits for a file, so that
// V8 has optimised their loops before the first real trace's tables are asked for (the first
// runs of these loops are several times slower than later ones). Each run gets a fresh copy
// of the model object: the results are cached per model.

import { topIndices } from '../lib/sort.ts';
import type { TraceModel } from '../model/types.ts';
import { gpuMetricsWork } from './gpu-metrics.ts';
import { hintsWork } from './hints.ts';
import { allocationOperatorsWork, memoryWork } from './memory.ts';
import { overviewWork, type Overview } from './overview.ts';
import { kernelTableWork } from './kernels.ts';
import { parentsWork } from './nesting.ts';
import { operatorTableWork } from './operators.ts';
import { matchNames, nameTest, slicesMatchingWork } from './search.ts';
import { runNow } from './sliced.ts';
import { rangeTableWork } from './slices.ts';

/** The warm-up's steps, each a few ms on a sample model: run them in separate idle tasks. */
export function analysisWarmUpSteps(sample: TraceModel, rounds = 3): (() => void)[] {
  const steps: (() => void)[] = [];
  for (let r = 0; r < rounds; r++) {
    let m: TraceModel = sample;
    steps.push(() => {
      m = { ...sample };
      runNow(parentsWork(m));
    });
    steps.push(() => void runNow(operatorTableWork(m)));
    steps.push(() => void runNow(kernelTableWork(m)));
    steps.push(() => void runNow(gpuMetricsWork(m)));
    steps.push(() => void runNow(rangeTableWork(m)));
    steps.push(() => void runNow(slicesMatchingWork(m, matchNames(m, nameTest({ kind: 'substring', text: 'a' })))));
    // the insight analyses, which run unasked after every load
    let o: Overview | null = null;
    steps.push(() => void (o = runNow(overviewWork(m))));
    steps.push(() => {
      const mem = runNow(memoryWork(m));
      runNow(allocationOperatorsWork(m, mem.allocations));
    });
    steps.push(() => void runNow(hintsWork(m, { steps: o!.steps, dataLoaderUs: o!.breakdowns.map((b) => b.dataLoader) })));
    // what the sample is too small to reach: the selection of a hint's costliest occurrences
    steps.push(() => {
      const costs = Float64Array.from({ length: 8192 }, (_, i) => ((i * 7919) % 8191) + (i % 3) * 0.5);
      for (let k = 0; k < 4; k++) topIndices(costs, costs.length, 200, costs);
    });
  }
  return steps;
}
