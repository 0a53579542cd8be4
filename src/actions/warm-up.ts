// While the page waits for a file, the trace worker warms its parser (worker/warm-up.ts) and
// the page its drawing code (render/warm-up.ts) and its analyses (analysis/warm-up.ts), so that the first trace loads as fast as later ones.

import type { AppStore } from '../store/app-store.ts';
import { warmUpDrawing } from '../render/warm-up.ts';
import { analysisWarmUpSteps } from '../analysis/warm-up.ts';
import { traceWorker } from '../worker/client.ts';

const idle: (cb: () => void) => void = (cb) => (window.requestIdleCallback ? window.requestIdleCallback(cb) : setTimeout(cb, 200));

/** A trace is loaded or loading: warming would only delay it. */
function busy(store: AppStore): boolean {
  const s = store.getState();
  return s.traces.length > 0 || s.loading !== null;
}

/** `start`: only start the workers (the page's ?warm=start), no warm-up runs. */
export function warmUpWhileIdle(store: AppStore, mode: 'full' | 'start' = 'full'): void {
  idle(() => {
    const worker = traceWorker();
    if (busy(store)) return; // started by ?trace= or an early drop: the worker is at work already
    void worker.warmUp(mode === 'full');
    if (mode === 'start') return;
    worker.sampleModel().then(
      (model) => {
        idle(() => busy(store) || warmUpDrawing(document, model));
        // Then the analyses, one step per idle task.
        const steps = analysisWarmUpSteps(model);
        const total = steps.length;
        const next = (): void => {
          const step = steps.shift();
          if (!step || busy(store)) {
            // (for the bench and profiles: how far the warm-up got before a trace came)
            performance.mark('kt-analysis-warm-up', { detail: { done: total - steps.length - (step ? 1 : 0), total } });
            return;
          }
          step();
          idle(next);
        };
        idle(next);
      },
      () => undefined, // only a warm-up
    );
  });
}
