// The page's drawing warm-up paints a sample on a hidden canvas and leaves nothing behind.

import { describe, expect, it } from 'vitest';
import { loadTrace } from '../engine/load.ts';
import { DRAWING_SAMPLE_EVENTS, sampleTrace } from '../worker/warm-up.ts';
import { WARM_UP_SWEEP, warmUpDrawing } from './warm-up.ts';
import { recordingContext } from '../testing/recording-context.ts';

/** Just enough of a document: elements that record what was drawn on their 2D contexts. */
function fakeDocument() {
  const { ctx, calls } = recordingContext();
  const children: unknown[] = [];
  const view = { devicePixelRatio: 1, requestAnimationFrame: () => 1, cancelAnimationFrame() {}, matchMedia: () => ({ addEventListener() {}, removeEventListener() {} }) };
  const doc = {
    defaultView: view,
    body: { append: (el: unknown) => children.push(el) },
    createElement: () => {
      const el = {
        style: {} as Record<string, string>,
        width: 0,
        height: 0,
        clientWidth: 1280,
        clientHeight: 640,
        ownerDocument: null as unknown,
        getContext: () => ctx,
        setAttribute() {},
        append() {},
        remove: () => children.splice(children.indexOf(el), 1),
      };
      el.ownerDocument = doc;
      return el;
    },
  };
  return { doc: doc as unknown as Document, calls, children };
}

describe('warmUpDrawing', () => {
  it('paints the sample zoomed out and in, with labels and arrows, then removes its canvas', async () => {
    const { model } = await loadTrace(sampleTrace(DRAWING_SAMPLE_EVENTS), { name: 'warm-up' });
    const { doc, calls, children } = fakeDocument();
    warmUpDrawing(doc, model);
    expect(calls.get('drawImage')).toBe(4 + WARM_UP_SWEEP); // four frames, then the sweep
    expect(calls.get('fillText') ?? 0).toBeGreaterThan(20); // ruler and slice labels
    expect(calls.get('bezierCurveTo') ?? 0).toBeGreaterThan(0); // flow arrows
    expect(children).toEqual([]);
  });
});
