import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadTrace } from '../engine/load.ts';
import type { ProcessInfo, TraceModel, TrackInfo, TrackKind } from '../model/types.ts';
import type { LoadedTrace } from '../store/app-store.ts';
import { tracePath } from '../testing/traces-dir.ts';
import {
  computeTrackLayout, COUNTER_HEIGHT, itemIndexAt, METRIC_HEIGHT, PROCESS_HEADER_HEIGHT, processKey, ROW_HEIGHT, rowTop,
  SUMMARY_HEIGHT, TRACE_HEADER_HEIGHT, TRACK_PAD, trackLayoutFor,
} from './track-layout.ts';

/** A model with only what the layout reads: processes, their tracks and the tracks' rows. */
function fakeTrace(id: string, procs: { pid: string; tracks: { kind: TrackKind; rows: number }[] }[]): LoadedTrace {
  const processes: ProcessInfo[] = [];
  const tracks: TrackInfo[] = [];
  for (const p of procs) {
    const info: ProcessInfo = { index: processes.length, pid: p.pid, name: `Process ${p.pid}`, labels: '', sortIndex: 0, isGpu: false, tracks: [] };
    for (const t of p.tracks) {
      info.tracks.push(tracks.length);
      tracks.push({
        index: tracks.length, kind: t.kind, process: info.index, tid: String(tracks.length), name: `track ${tracks.length}`,
        sortIndex: 0, rowStart: Array.from({ length: t.rows + 1 }, (_, r) => r * 10), counter: t.kind === 'counter' ? 0 : -1,
      });
    }
    processes.push(info);
  }
  const model = { name: id, processes, tracks } as unknown as TraceModel;
  return { id, name: `${id}.json`, model, url: null };
}

const one = fakeTrace('t1', [
  { pid: '10', tracks: [{ kind: 'counter', rows: 0 }, { kind: 'thread', rows: 3 }] },
  { pid: '20', tracks: [{ kind: 'gpu', rows: 1 }, { kind: 'thread', rows: 0 }] },
]);

describe('computeTrackLayout', () => {
  it('puts a GPU metric track first in its device’s process, none while collapsed', () => {
    const empty = { t: new Float64Array(0), v: new Float64Array(0), p: new Float64Array(0) };
    const withMetrics: LoadedTrace = { ...one, gpuMetrics: [{ device: '3', process: 1, kernels: 1, busy: empty, sm: null, smKernels: 0 }] };
    const { items, totalHeight } = computeTrackLayout([withMetrics], {});
    expect(items.map((i) => [i.kind, i.y, i.height, i.metric ?? null])).toEqual([
      ['process', 0, PROCESS_HEADER_HEIGHT, null],
      ['track', 22, COUNTER_HEIGHT, null],
      ['track', 62, 3 * ROW_HEIGHT + TRACK_PAD, null],
      ['process', 120, PROCESS_HEADER_HEIGHT, null],
      ['track', 142, METRIC_HEIGHT, 0],
      ['track', 142 + METRIC_HEIGHT, ROW_HEIGHT + TRACK_PAD, null],
      ['track', 164 + METRIC_HEIGHT, ROW_HEIGHT + TRACK_PAD, null],
    ]);
    expect(totalHeight).toBe(186 + METRIC_HEIGHT);
    expect(items[4]!.label).toBe('GPU 3 metrics, % (computed)');
    expect(items[4]!.track).toBeUndefined();
    expect(items[4]!.metricSm).toBe(false);
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
    const folded = computeTrackLayout([withMetrics], { [processKey('t1', '20')]: true });
    expect(folded.items.some((i) => i.metric !== undefined)).toBe(false);
  });

  it('stacks process headers and tracks with the documented heights', () => {
    const { items, totalHeight } = computeTrackLayout([one], {});
    expect(items.map((i) => [i.kind, i.y, i.height])).toEqual([
      ['process', 0, PROCESS_HEADER_HEIGHT],
      ['track', 22, COUNTER_HEIGHT],
      ['track', 62, 3 * ROW_HEIGHT + TRACK_PAD],
      ['process', 120, PROCESS_HEADER_HEIGHT],
      ['track', 142, ROW_HEIGHT + TRACK_PAD],
      ['track', 164, ROW_HEIGHT + TRACK_PAD], // an empty track still shows one row
    ]);
    expect(totalHeight).toBe(186);
    expect(items[2]!.depthRows).toBe(3);
    expect(items[1]!.counter).toBe(true);
    expect(items[0]!.key).toBe(processKey('t1', '10'));
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
  });

  it('replaces a collapsed process’s tracks by one summary row', () => {
    const layout = computeTrackLayout([one], { [processKey('t1', '10')]: true });
    expect(layout.items.map((i) => [i.kind, i.y, i.height, i.collapsed ?? null])).toEqual([
      ['process', 0, PROCESS_HEADER_HEIGHT + SUMMARY_HEIGHT, true],
      ['process', 36, PROCESS_HEADER_HEIGHT, false],
      ['track', 58, 22, null],
      ['track', 80, 22, null],
    ]);
    expect(Array.from(layout.trackItem.get('t1')!)).toEqual([-1, -1, 2, 3]);
    expect(Array.from(layout.processItem.get('t1')!)).toEqual([0, 1]);
  });

  it('puts a compared trace under its own header, after the first', () => {
    const two = fakeTrace('t2', [{ pid: '10', tracks: [{ kind: 'thread', rows: 2 }] }]);
    const { items, totalHeight } = computeTrackLayout([one, two], {});
    expect(items[0]).toMatchObject({ kind: 'trace', traceId: 't1', y: 0, height: TRACE_HEADER_HEIGHT, label: 't1.json' });
    const second = items.findIndex((i) => i.kind === 'trace' && i.traceId === 't2');
    expect(items[second]!.y).toBe(TRACE_HEADER_HEIGHT + 186);
    expect(items.slice(second + 1).every((i) => i.traceId === 't2')).toBe(true);
    // Same pid in both traces: distinct collapse keys.
    expect(items[second + 1]!.key).not.toBe(items[1]!.key);
    expect(totalHeight).toBe(2 * TRACE_HEADER_HEIGHT + 186 + PROCESS_HEADER_HEIGHT + 2 * ROW_HEIGHT + TRACK_PAD);
  });

  it('finds the item at a y by bisection, and row tops', () => {
    const { items } = computeTrackLayout([one], {});
    expect(itemIndexAt(items, 0)).toBe(0);
    expect(itemIndexAt(items, 21.9)).toBe(0);
    expect(itemIndexAt(items, 22)).toBe(1);
    expect(itemIndexAt(items, 119)).toBe(2);
    expect(itemIndexAt(items, 10_000)).toBe(5);
    expect(itemIndexAt(items, -5)).toBe(0);
    expect(itemIndexAt([], 5)).toBe(-1);
    expect(rowTop(items[2]!, 2)).toBe(62 + TRACK_PAD / 2 + 2 * ROW_HEIGHT);
  });

  it('memoizes on the identity of its inputs', () => {
    const traces = [one];
    const collapsed = {};
    expect(trackLayoutFor(traces, collapsed)).toBe(trackLayoutFor(traces, collapsed));
    expect(trackLayoutFor(traces, {})).not.toBe(trackLayoutFor(traces, collapsed));
  });

  it('lays out a real Kineto trace: every track once, heights adding up', async () => {
    const bytes = new Uint8Array(await readFile(tracePath('hta__benchmark_simple_add_trace.json.gz')));
    const { model } = await loadTrace(bytes, { name: 'simple_add' });
    const { items, totalHeight } = computeTrackLayout([{ id: 'a', name: 'simple_add', model, url: null }], {});
    const tracks = items.filter((i) => i.kind === 'track').map((i) => i.track);
    expect(tracks.sort()).toEqual(model.tracks.map((t) => t.index).sort());
    let y = 0;
    for (const item of items) {
      expect(item.y).toBe(y);
      y += item.height;
    }
    expect(totalHeight).toBe(y);
    const gpu = items.find((i) => i.kind === 'process' && i.label === 'GPU 0');
    expect(gpu).toBeDefined();
  });
});
