// Warms the drawing code before the first trace arrives: otherwise the first frame of a trace
// is many times slower than the next, as the painters run interpreted and the canvas has not
// yet drawn text. Painting a small sample model on a hidden canvas while the page is idle
// (four frames, then a sweep of views) moves that cost out of the user's first load.

import { createAppStore } from '../store/app-store.ts';
import { FLAG_GPU, type TraceModel } from '../model/types.ts';
import { TimelineRenderer } from './timeline-renderer.ts';

export const WARM_UP_SWEEP = 24;

/** Paints `model` on a hidden canvas the size of a typical window: full view, zoomed, selected, then a sweep of views. */
export function warmUpDrawing(doc: Document, model: TraceModel): void {
  const host = doc.createElement('div');
  host.setAttribute('aria-hidden', 'true');
  host.style.cssText = 'position:fixed;left:0;top:0;width:1280px;height:640px;visibility:hidden;pointer-events:none;contain:strict';
  const canvas = doc.createElement('canvas');
  canvas.style.cssText = 'display:block;width:100%;height:100%';
  host.append(canvas);
  doc.body.append(host);
  const store = createAppStore({ traces: [{ id: 'warm-up', name: 'warm-up', model, url: null }], view: { start: 0, end: model.endUs } });
  const renderer = new TimelineRenderer(canvas, store); // paints the whole trace
  try {
    const { slices } = model;
    let kernel = slices.flags.findIndex((f) => (f & FLAG_GPU) !== 0);
    if (kernel < 0) kernel = 0;
    const t = slices.start[kernel] ?? 0;
    const d = Math.max(slices.dur[kernel] ?? 1, 1);
    // Zoomed in far enough for labels, with a selection (and its launch arrow), a hover, a range.
    store.setState({ view: { start: t - 4 * d, end: t + 8 * d }, selection: { trace: 'warm-up', slice: kernel } });
    renderer.flush();
    store.setState({ hover: { trace: 'warm-up', slice: kernel }, range: { start: t, end: t + d } });
    renderer.flush();
    store.setState({ view: { start: 0, end: model.endUs / 2 }, showAllFlows: true });
    renderer.flush();
    renderer.hitTest(640, 100);
    // A few frames leave the painters in baseline code, unoptimised for the first real frame.
    // A sweep from the whole trace down to one kernel, and back, runs them often enough to be
    // optimised, while the page is idle.
    store.setState({ selection: null, hover: null, range: null, showAllFlows: false });
    for (let i = 0; i < WARM_UP_SWEEP; i++) {
      const f = (i < WARM_UP_SWEEP / 2 ? i : WARM_UP_SWEEP - i) / (WARM_UP_SWEEP / 2);
      const span = Math.max(d, model.endUs * (1 - f) ** 3);
      const from = Math.max(0, t - span / 2);
      store.setState({ view: { start: from, end: from + span } });
      renderer.flush();
    }
  } finally {
    renderer.dispose();
    host.remove();
  }
}
