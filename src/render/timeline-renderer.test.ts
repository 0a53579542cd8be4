// The renderer against a recording canvas mock (Firefox-profiler style draw log): frames are
// merged, only changed layers repaint, nextFrame resolves, hit testing uses the store's view,
// and the work per frame does not grow with the trace.

import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTrace } from '../engine/load.ts';
import { createAppStore, type LoadedTrace } from '../store/app-store.ts';
import { TimelineRenderer } from './timeline-renderer.ts';
import { computeTrackLayout, ROW_HEIGHT, rowTop, RULER_HEIGHT } from './track-layout.ts';
import { tracePath } from '../testing/traces-dir.ts';
import { recordingContext } from '../testing/recording-context.ts';

interface Fake {
  canvas: HTMLCanvasElement;
  calls: Map<string, number>;
  runFrames: () => void;
  pendingFrames: () => number;
}

/** A canvas whose 2D context counts method calls, with a manual requestAnimationFrame. */
function fakeCanvas(width: number, height: number, dpr = 2): Fake {
  const { ctx, calls } = recordingContext();
  let queue: (() => void)[] = [];
  const makeCanvas = (): HTMLCanvasElement => ({ width: 0, height: 0, clientWidth: width, clientHeight: height, getContext: () => ctx, ownerDocument: doc }) as unknown as HTMLCanvasElement;
  const view = {
    devicePixelRatio: dpr,
    requestAnimationFrame: (cb: () => void) => queue.push(cb),
    cancelAnimationFrame: () => {
      queue = [];
    },
    matchMedia: () => ({ addEventListener() {}, removeEventListener() {} }),
  };
  const doc = { createElement: makeCanvas, defaultView: view };
  return {
    canvas: makeCanvas(),
    calls,
    runFrames: () => {
      const q = queue;
      queue = [];
      for (const cb of q) cb();
    },
    pendingFrames: () => queue.length,
  };
}

let trace: LoadedTrace;
beforeAll(async () => {
  const bytes = new Uint8Array(await readFile(tracePath('param__linear_kineto.json.gz')));
  trace = { id: 'a', name: 'linear', model: (await loadTrace(bytes, { name: 'linear' })).model, url: null };
});

describe('TimelineRenderer', () => {
  it('paints only the background while the first trace loads, then the trace at once', () => {
    const f = fakeCanvas(800, 600, 1);
    const store = createAppStore({ traces: [], view: { start: 0, end: 1 }, theme: 'light' });
    const r = new TimelineRenderer(f.canvas, store); // mounted before the load
    expect(r.frameStats().frames).toBe(1);
    expect(f.calls.get('fillRect')).toBe(1);
    expect(f.calls.get('fillText') ?? 0).toBe(0); // no ruler for a trace that is not there
    store.setState({ traces: [trace], view: { start: 0, end: trace.model.endUs } });
    r.flush(); // what the automation API does before it waits for the frame
    expect(r.frameStats().frames).toBe(2);
    expect(f.pendingFrames()).toBe(0);
    expect(f.calls.get('fillText') ?? 0).toBeGreaterThan(0);
  });

  it('sizes the canvas in device pixels and paints at once', () => {
    const f = fakeCanvas(800, 600, 2);
    const store = createAppStore({ traces: [trace], view: { start: 0, end: trace.model.endUs }, theme: 'light' });
    const r = new TimelineRenderer(f.canvas, store);
    expect(f.canvas.width).toBe(1600);
    expect(f.canvas.height).toBe(1200);
    expect(r.frameStats().frames).toBe(1);
    expect(f.calls.get('drawImage')).toBe(1);
    r.dispose();
  });

  it('repaints on resize only when the size changed (a ResizeObserver first reports the size it mounted at)', () => {
    const f = fakeCanvas(800, 600, 2);
    const store = createAppStore({ traces: [trace], view: { start: 0, end: trace.model.endUs }, theme: 'light' });
    const r = new TimelineRenderer(f.canvas, store);
    r.resize();
    expect(r.frameStats().frames).toBe(1);
    (f.canvas as { clientWidth: number }).clientWidth = 900;
    r.resize();
    expect(r.frameStats().frames).toBe(2);
    expect(f.canvas.width).toBe(1800);
    r.dispose();
  });

  it('merges many store changes into one frame and repaints only the overlay on hover', () => {
    const f = fakeCanvas(800, 600);
    const store = createAppStore({ traces: [trace], view: { start: 0, end: trace.model.endUs }, theme: 'light' });
    const r = new TimelineRenderer(f.canvas, store);
    for (let i = 1; i <= 10; i++) store.setState({ view: { start: i, end: trace.model.endUs - i } });
    expect(f.pendingFrames()).toBe(1);
    const before = f.calls.get('fillText') ?? 0;
    f.runFrames();
    expect(r.frameStats().frames).toBe(2);
    expect(f.calls.get('fillText') ?? 0).toBeGreaterThan(before); // ruler labels repainted

    const rects = f.calls.get('rect') ?? 0;
    store.setState({ hover: { trace: 'a', slice: 0 } });
    f.runFrames();
    expect(r.frameStats().frames).toBe(3);
    // Overlay only: the slices were not rebuilt (only the clip rect of the overlay).
    expect((f.calls.get('rect') ?? 0) - rects).toBeLessThanOrEqual(1);
    r.dispose();
  });

  it('nextFrame: at once when the state on the canvas is current, else after the next frame', async () => {
    const f = fakeCanvas(400, 300);
    const store = createAppStore({ traces: [trace], view: { start: 0, end: 1000 } });
    const r = new TimelineRenderer(f.canvas, store); // paints the current state at once
    await r.nextFrame();
    expect(f.pendingFrames()).toBe(0);
    store.setState({ view: { start: 10, end: 500 } });
    let done = false;
    const p = r.nextFrame().then(() => {
      done = true;
    });
    expect(f.pendingFrames()).toBe(1);
    await Promise.resolve();
    expect(done).toBe(false);
    f.runFrames();
    await p;
    expect(done).toBe(true);
    r.dispose();
  });

  it('stops listening when disposed', () => {
    const f = fakeCanvas(400, 300);
    const store = createAppStore({ traces: [trace] });
    const r = new TimelineRenderer(f.canvas, store);
    r.dispose();
    store.setState({ view: { start: 5, end: 10 } });
    expect(f.pendingFrames()).toBe(0);
  });

  it('hit-tests with the current view and scroll', () => {
    const f = fakeCanvas(1000, 600);
    const m = trace.model;
    const gpu = m.tracks.find((t) => t.kind === 'gpu')!;
    const k = gpu.rowStart[0]! + 100;
    const s = m.slices.start[k]!;
    const d = Math.max(m.slices.dur[k]!, 0.01);
    const store = createAppStore({ traces: [trace], view: { start: s - d, end: s + 2 * d } });
    const r = new TimelineRenderer(f.canvas, store);
    const item = computeTrackLayout([trace], {}).items.find((i) => i.track === gpu.index)!;
    const y = RULER_HEIGHT + rowTop(item, 0) + ROW_HEIGHT / 2;
    store.setState({ scrollY: Math.max(0, y - 300) });
    expect(r.hitTest(500, y - store.getState().scrollY)).toEqual({ trace: 'a', slice: k });
    expect(r.hitTest(500, 5)).toBeNull();
    r.dispose();
  });

  it('draws a bounded number of rects however many slices are in view', () => {
    const f = fakeCanvas(1000, 2000, 1);
    const store = createAppStore({ traces: [trace], view: { start: 0, end: trace.model.endUs }, showAllFlows: true });
    const r = new TimelineRenderer(f.canvas, store);
    const rects = f.calls.get('rect') ?? 0;
    const rows = trace.model.tracks.reduce((a, t) => a + Math.max(0, t.rowStart.length - 1), 0);
    expect(trace.model.slices.start.length).toBeGreaterThan(50_000);
    expect(rects).toBeLessThanOrEqual(rows * 2 * 1000 + 10);
    // Flows are capped.
    expect(f.calls.get('bezierCurveTo') ?? 0).toBeLessThanOrEqual(2000);
    r.dispose();
  });
});
