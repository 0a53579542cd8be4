// A trace shifted on the shared timeline (LoadedTrace.offsetUs): drawn, hit and highlighted at
// its time + offset, while an unshifted trace beside it stays where it was; the helpers of
// store/trace-time.ts and the named action that sets offsets.

import { describe, expect, it } from 'vitest';
import { loadEvents } from '../testing/load-text.ts';
import { recordingContext } from '../testing/recording-context.ts';
import { createAppStore, highlightIn, type LoadedTrace } from '../store/app-store.ts';
import { setTraceOffsets } from '../store/actions.ts';
import { offsetById, offsetOf, toTrace, toView, traceWindow, viewExtent, viewSpan } from '../store/trace-time.ts';
import { viewLimits } from '../components/timeline/view-math.ts';
import { firstVisibleSlice } from '../components/timeline/slice-nav.ts';
import { themeColors } from './colors.ts';
import { SlicePainter } from './draw-slices.ts';
import { paintHighlight } from './draw-highlight.ts';
import { sliceBox } from './draw-overlay.ts';
import { scaleOf, traceScales, type FrameContext } from './frame-context.ts';
import { hitTestAt } from './hit-test.ts';
import { TimeScale } from './time-scale.ts';
import { computeTrackLayout, ROW_HEIGHT, rowTop, RULER_HEIGHT } from './track-layout.ts';

/** One thread with three 10 µs slices at 0, 100 and 200 µs (the first at the trace's start). */
async function threeSlices(id: string, offsetUs?: number): Promise<LoadedTrace> {
  const events = [0, 100, 200].map((ts, k) => ({ ph: 'X', name: `s${k}`, cat: 'cpu_op', pid: 1, tid: 1, ts: 1000 + ts, dur: 10 }));
  const { model } = await loadEvents(events);
  return { id, name: `${id}.json`, model, url: null, ...(offsetUs !== undefined ? { offsetUs } : {}) };
}

/** The names mask of `s2` in the trace. */
function mask(t: LoadedTrace): Uint8Array {
  const m = new Uint8Array(t.model.strings.length);
  m[t.model.strings.indexOf('s2')] = 1;
  return m;
}

function frame(traces: LoadedTrace[], view: TimeScale, log = true): { fc: FrameContext; ops: ReturnType<typeof recordingContext>['ops'] } {
  const rec = recordingContext({ log });
  const fc: FrameContext = {
    ctx: rec.ctx, dpr: 1, width: view.width, height: 600, scale: view, scales: traceScales(traces, view, new Map()),
    colors: themeColors('light'), layout: computeTrackLayout(traces, {}), traces, scrollY: 0, highlight: null,
  };
  return { fc, ops: rec.ops };
}

describe('trace-time helpers', () => {
  it('convert between a trace time and view time by the offset (0 when none)', () => {
    const b = { id: 'b', offsetUs: 250 };
    expect(offsetOf(undefined)).toBe(0);
    expect(offsetOf({})).toBe(0);
    expect(offsetOf({ offsetUs: Number.NaN })).toBe(0);
    expect(offsetById([{ id: 'a' }, b], 'b')).toBe(250);
    expect(offsetById([{ id: 'a' }, b], 'zz')).toBe(0);
    expect(toView(b, 10)).toBe(260);
    expect(toTrace(b, 260)).toBe(10);
    expect(traceWindow(b, { start: 300, end: 400 })).toEqual({ start: 50, end: 150 });
    expect(viewSpan(b, { start: 50, end: 150 })).toEqual({ start: 300, end: 400 });
  });

  it('give the extent of shifted traces and view limits reaching before 0', async () => {
    const a = await threeSlices('a');
    const b = await threeSlices('b', -500);
    expect(a.model.endUs).toBe(210);
    expect(viewExtent([a, b])).toEqual({ start: -500, end: 210 });
    const lim = viewLimits([a, b]);
    expect(lim.start).toBe(-500);
    expect(lim.whole).toBe(210);
    expect(lim.maxSpan).toBeCloseTo(710 * 1.1, 9);
  });

  it('setTraceOffsets changes the named traces only, and nothing when unchanged', async () => {
    const a = await threeSlices('a');
    const b = await threeSlices('b');
    const store = createAppStore({ traces: [a, b] });
    setTraceOffsets(store, { b: 1234.5 });
    const after = store.getState().traces;
    expect(after[0]).toBe(a);
    expect(after[1]!.offsetUs).toBe(1234.5);
    setTraceOffsets(store, { b: 1234.5, nope: 3 });
    expect(store.getState().traces).toBe(after);
  });
});

describe('a shifted trace on screen', () => {
  it('hit tests its slices at their time + offset; the unshifted trace is unmoved', async () => {
    const a = await threeSlices('a');
    const b = await threeSlices('b', 50);
    const traces = [a, b];
    const layout = computeTrackLayout(traces, {});
    const view = new TimeScale(0, 400, 400); // 1 px a µs
    const rowY = (id: string): number => {
      const item = layout.items.find((i) => i.kind === 'track' && i.traceId === id)!;
      return RULER_HEIGHT + rowTop(item, 0) + ROW_HEIGHT / 2;
    };
    // B's slice s1 [100, 110] shows at [150, 160]; A's at [100, 110].
    expect(hitTestAt(traces, layout, view, 0, 155, rowY('b'), 0)).toEqual({ trace: 'b', slice: 1 });
    expect(hitTestAt(traces, layout, view, 0, 105, rowY('b'), 0)).toBeNull();
    expect(hitTestAt(traces, layout, view, 0, 105, rowY('a'), 0)).toEqual({ trace: 'a', slice: 1 });
    expect(hitTestAt(traces, layout, view, 0, 155, rowY('a'), 0)).toBeNull();
    // Its first slice, at its own time 0, at pixel 50.
    expect(hitTestAt(traces, layout, view, 0, 52, rowY('b'), 0)).toEqual({ trace: 'b', slice: 0 });
    expect(hitTestAt(traces, layout, view, 0, 48, rowY('b'), 0)).toBeNull();
  });

  it('paints its slices, outlines and highlight at their time + offset', async () => {
    const a = await threeSlices('a');
    const b = await threeSlices('b', 50);
    const traces = [a, b];
    const { fc, ops } = frame(traces, new TimeScale(0, 400, 400));
    expect(scaleOf(fc, 'a')).toBe(fc.scale);
    expect(scaleOf(fc, 'b').timeToPx(0)).toBe(50);
    const painter = new SlicePainter();
    painter.begin(fc, 'hatch');
    const itemOf = (id: string) => fc.layout.items.find((i) => i.kind === 'track' && i.traceId === id)!;
    painter.paint(fc, itemOf('b'), b.model);
    const xs = (): number[] => ops.filter((o) => o.name === 'rect').map((o) => o.args[0] as number).sort((p, q) => p - q); // batched by colour
    expect(xs()).toEqual([50, 150, 250]);
    ops.length = 0;
    painter.paint(fc, itemOf('a'), a.model);
    expect(xs()).toEqual([0, 100, 200]);

    const box = new Float64Array(4);
    expect(sliceBox(fc, 'b', b.model, 2, box)).toBe(true);
    expect(box[0]).toBe(250);

    // A highlight on B: its slices painted over at the shifted place.
    const names = new Uint8Array(b.model.strings.length);
    names[b.model.strings.indexOf('s1')] = 1;
    fc.highlight = { trace: 'b', label: 's1', names, instances: Uint32Array.of(1), byRow: Uint32Array.of(1), at: -1 };
    ops.length = 0;
    paintHighlight(fc);
    expect(ops.filter((o) => o.name === 'fillRect').map((o) => o.args[0])).toEqual([150]);
  });

  it('follows the view: a pan moves both traces, an offset only its own', async () => {
    const a = await threeSlices('a');
    const b = await threeSlices('b', -100);
    const map = new Map<string, TimeScale>();
    const view = new TimeScale(-100, 300, 400);
    traceScales([a, b], view, map);
    expect(map.has('a')).toBe(false);
    expect(map.get('b')!.timeToPx(0)).toBe(0); // B's start at view time -100: the left edge
    view.set(0, 400, 400);
    traceScales([a, { ...b, offsetUs: 0 }], view, map);
    expect(map.size).toBe(0); // back at 0: the view's own scale
  });

  it('the first slice an arrow key picks is the first one in view in the trace\'s own time', async () => {
    const a = await threeSlices('a');
    const b = await threeSlices('b', 150);
    const traces = [b, a]; // B first in the layout
    const layout = computeTrackLayout(traces, {});
    // View [140, 180]: A's s1 ended at 110, B's s0 is at [150, 160].
    expect(firstVisibleSlice(traces, layout, { start: 140, end: 180 }, 0, 500)).toEqual({ trace: 'b', slice: 0 });
    expect(firstVisibleSlice([a], computeTrackLayout([a], {}), { start: 140, end: 180 }, 0, 500)).toBeNull();
  });

  it('paints a highlight that covers both runs (a Diff row) on each, each at its own offset', async () => {
    const a = await threeSlices('a');
    const b = await threeSlices('b', 50);
    const { fc, ops } = frame([a, b], new TimeScale(0, 400, 400));
    const hb = { trace: 'b', label: 's2', names: mask(b), instances: Uint32Array.of(2), byRow: Uint32Array.of(2), at: -1 };
    fc.highlight = { trace: 'a', label: 's2', names: mask(a), instances: Uint32Array.of(2), byRow: Uint32Array.of(2), at: -1, also: [hb] };
    paintHighlight(fc);
    expect(ops.filter((o) => o.name === 'fillRect').map((o) => o.args[0])).toEqual([200, 250]);
    // The dimming mask of each run's tracks is that run's highlight.
    expect(highlightIn(fc.highlight, 'a')).toBe(fc.highlight);
    expect(highlightIn(fc.highlight, 'b')).toBe(hb);
    expect(highlightIn(fc.highlight, 'c')).toBeNull();
  });
});

