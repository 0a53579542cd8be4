import { describe, expect, it } from 'vitest';
import type { TraceModel } from '../../model/types.ts';
import type { LoadedTrace } from '../../store/app-store.ts';
import { computeTrackLayout, RULER_HEIGHT } from '../../render/track-layout.ts';
import { clampScroll, clampView, fitRange, MIN_SPAN_US, panBy, panToReveal, viewLimits, zoomAt } from './view-math.ts';

const lim = { start: 0, whole: 1000, maxSpan: 1100 };
const t = (endUs: number): LoadedTrace => ({ id: 'x', name: 'x', url: null, model: { endUs } as TraceModel });

describe('view math', () => {
  it('takes its limits from the longest trace', () => {
    expect(viewLimits([t(500), t(1000)])).toEqual({ start: 0, whole: 1000, maxSpan: 1100 });
    expect(viewLimits([]).whole).toBe(1);
  });

  it('zooms about the anchor, keeping the time under it fixed', () => {
    const v = zoomAt({ start: 100, end: 300 }, 0.5, 0.25, lim);
    expect(v.end - v.start).toBeCloseTo(100);
    // The anchor time was 150 at 25 %; it still is.
    expect(v.start + 0.25 * (v.end - v.start)).toBeCloseTo(150);
  });

  it('stops zooming in at ~10 ns and out at the whole trace × 1.1', () => {
    let v = { start: 400, end: 600 };
    for (let i = 0; i < 100; i++) v = zoomAt(v, 0.5, 0.5, lim);
    expect(v.end - v.start).toBeCloseTo(MIN_SPAN_US, 9);
    expect(v.start).toBeGreaterThan(499);
    for (let i = 0; i < 100; i++) v = zoomAt(v, 2, 0.5, lim);
    expect(v.end - v.start).toBeCloseTo(1100);
    expect(v.start).toBeCloseTo(-50);
  });

  it('pans but never past the trace (plus a margin)', () => {
    expect(panBy({ start: 0, end: 100 }, 50, lim)).toEqual({ start: 50, end: 150 });
    expect(panBy({ start: 0, end: 100 }, -500, lim)).toEqual({ start: -50, end: 50 });
    expect(panBy({ start: 900, end: 1000 }, 500, lim)).toEqual({ start: 950, end: 1050 });
  });

  it('clamps a view that is too wide to the maximum span', () => {
    expect(clampView({ start: -1e6, end: 1e6 }, lim)).toEqual({ start: -50, end: 1050 });
  });

  it('fits a slice with a margin, and an instant with a small window', () => {
    const v = fitRange(100, 200, lim);
    expect(v.start).toBeCloseTo(90);
    expect(v.end).toBeCloseTo(210);
    const i = fitRange(500, 500, lim);
    expect(i.end - i.start).toBeCloseTo(10);
    expect((i.start + i.end) / 2).toBeCloseTo(500);
  });

  it('pans to reveal only when the slice is off-screen', () => {
    const v = { start: 0, end: 100 };
    expect(panToReveal(v, 50, 60, lim)).toBe(v);
    const moved = panToReveal(v, 500, 520, lim);
    expect(moved.end - moved.start).toBeCloseTo(100);
    expect((moved.start + moved.end) / 2).toBeCloseTo(510);
  });

  it('bounds the vertical scroll by the layout height', () => {
    const model = {
      processes: [{ index: 0, pid: '1', name: 'p', labels: '', sortIndex: 0, isGpu: false, tracks: [0] }],
      tracks: [{ index: 0, kind: 'thread', process: 0, tid: '1', name: 't', sortIndex: 0, rowStart: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], counter: -1 }],
    } as unknown as TraceModel;
    const layout = computeTrackLayout([{ id: 'a', name: 'a', url: null, model }], {});
    expect(layout.totalHeight).toBe(22 + 184);
    expect(clampScroll(1000, layout, RULER_HEIGHT + 100)).toBe(206 - 100);
    expect(clampScroll(-5, layout, 400)).toBe(0);
    expect(clampScroll(50, layout, 1000)).toBe(0);
  });
});
