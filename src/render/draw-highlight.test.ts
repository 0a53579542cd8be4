import { describe, expect, it } from 'vitest';
import { runNow } from '../analysis/sliced.ts';
import { matchesWork } from '../analysis/search.ts';
import { loadEvents } from '../testing/load-text.ts';
import { recordingContext } from '../testing/recording-context.ts';
import type { LoadedTrace } from '../store/app-store.ts';
import { themeColors } from './colors.ts';
import { paintHighlight } from './draw-highlight.ts';
import { traceScales, type FrameContext } from './frame-context.ts';
import { TimeScale } from './time-scale.ts';
import { computeTrackLayout } from './track-layout.ts';

describe('paintHighlight', () => {
  it('paints at most one highlighted slice per pixel column of a row, and every column that has one', async () => {
    // 20,000 back-to-back 1 µs slices, every other one named "hit": 10,000 matches in 200 px.
    const events = [];
    for (let k = 0; k < 20_000; k++) events.push({ ph: 'X', name: k % 2 ? 'miss' : 'hit', cat: 'cpu_op', pid: 1, tid: 1, ts: k, dur: 1 });
    const { model } = await loadEvents(events);
    const mask = new Uint8Array(model.strings.length);
    mask[model.strings.indexOf('hit')] = 1;
    const { byRow, byTime } = runNow(matchesWork(model, mask));
    expect(byRow.length).toBe(10_000);
    const traces: LoadedTrace[] = [{ id: 't1', name: 'x', model, url: null }];
    const rec = recordingContext({ log: true });
    const width = 200;
    const fc: FrameContext = {
      ctx: rec.ctx, dpr: 1, width, height: 300, scale: new TimeScale(0, 20_000, width), colors: themeColors('light'),
      layout: computeTrackLayout(traces, {}), traces, scrollY: 0,
      highlight: { trace: 't1', label: 'hit', names: mask, instances: byTime, byRow, at: -1 },
    };
    paintHighlight(fc);
    const xs = rec.ops.filter((o) => o.name === 'fillRect').map((o) => Math.floor(o.args[0] as number));
    expect(new Set(xs).size).toBe(xs.length); // one per column
    expect(xs.length).toBe(width); // and one in each (each column holds 50 "hit" slices)
  });
});

describe('a highlight across traces (a collective on every rank)', () => {
  it('paints its slice in each trace, at each trace\'s offset, and nothing else', async () => {
    const ev = (ts: number) => [{ ph: 'X', name: 'nccl', cat: 'kernel', pid: 0, tid: 7, ts, dur: 10 }, { ph: 'X', name: 'other', cat: 'kernel', pid: 0, tid: 7, ts: ts + 50, dur: 10 }];
    const a = (await loadEvents(ev(0))).model;
    const b = (await loadEvents(ev(0))).model;
    const traces: LoadedTrace[] = [
      { id: 'r0', name: 'a', model: a, url: null, rank: 0, label: 'rank 0 · a' },
      { id: 'r1', name: 'b', model: b, url: null, rank: 1, label: 'rank 1 · b', offsetUs: 20 },
    ];
    const k = (m: typeof a): number => Array.from(m.slices.name).findIndex((n) => m.strings[n] === 'nccl');
    const rec = recordingContext({ log: true });
    const width = 100;
    const fc: FrameContext = {
      ctx: rec.ctx, dpr: 1, width, height: 600, scale: new TimeScale(0, 100, width), colors: themeColors('light'),
      layout: computeTrackLayout(traces, {}), traces, scrollY: 0,
      scales: traceScales(traces, new TimeScale(0, 100, width), new Map()),
      highlight: {
        trace: 'r0', label: 'nccl', names: new Uint8Array(a.strings.length), instances: Uint32Array.of(k(a), k(b)), instanceTraces: ['r0', 'r1'],
        byRow: Uint32Array.of(k(a)), also: [{ trace: 'r1', names: new Uint8Array(b.strings.length), byRow: Uint32Array.of(k(b)) }], at: -1,
      },
    };
    paintHighlight(fc);
    const rects = rec.ops.filter((o) => o.name === 'fillRect').map((o) => [Math.round(o.args[0] as number), Math.round(o.args[2] as number)]);
    // Rank 0's kernel at 0..10 µs, rank 1's at 20..30 µs (its offset): 1 px a µs.
    expect(rects).toEqual([[0, 10], [20, 10]]);
  });
});
