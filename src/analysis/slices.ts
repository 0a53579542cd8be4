// The range table: per slice name, over the slices that overlap a window, each clipped to
// it: count, total, self (clipped duration − the clipped durations of its direct children on
// its track), mean, min, max, share of the window; slices of CPU tracks and of GPU
// streams apart. And per GPU stream, the share of the window it is busy (the union of its
// slices, so overlapping kernels count once).

import { FLAG_GPU, type TraceModel } from '../model/types.ts';
import { firstEndingAtOrAfter } from '../index/row-index.ts';
import { parentsWork } from './nesting.ts';
import { YIELD_MASK, runNow, type Work } from './sliced.ts';
import { inWindow, type TimeWindow } from './window.ts';
import { coversWholeTrace, wholeTraceWork } from './whole.ts';

export interface SliceRow {
  name: string;
  group: 'cpu' | 'gpu';
  count: number;
  totalUs: number;
  selfUs: number;
  minUs: number;
  maxUs: number;
  meanUs: number;
  pctOfRange: number;
}

export interface StreamBusy {
  /** Track index in the model. */
  track: number;
  process: string;
  name: string;
  busyUs: number;
  busyPct: number;
}

export interface RangeTable {
  window: TimeWindow;
  rows: SliceRow[];
  streams: StreamBusy[];
}

export function* rangeTableWork(m: TraceModel, window?: TimeWindow): Work<RangeTable> {
  const w = window ?? { start: 0, end: m.endUs };
  const t0 = w.start;
  const t1 = w.end;
  const span = t1 - t0;
  const ids = m.strings.length;
  // Keyed by name id · 2 + (1 for GPU).
  let count: Uint32Array, total: Float64Array, self: Float64Array, min: Float64Array, max: Float64Array;
  if (coversWholeTrace(m, window)) ({ count, total, self, min, max } = yield* wholeTraceWork(m));
  else ({ count, total, self, min, max } = yield* clippedSums(m, w));
  const out: SliceRow[] = [];
  for (let k = 0; k < ids * 2; k++) {
    const n = count[k]!;
    if (n === 0) continue;
    out.push({
      name: m.strings[k >> 1]!,
      group: k & 1 ? 'gpu' : 'cpu',
      count: n,
      totalUs: total[k]!,
      selfUs: Math.max(0, self[k]!),
      minUs: min[k]!,
      maxUs: max[k]!,
      meanUs: total[k]! / n,
      pctOfRange: span > 0 ? (100 * total[k]!) / span : 0,
    });
  }
  out.sort((a, b) => (a.group === b.group ? b.totalUs - a.totalUs || (a.name < b.name ? -1 : 1) : a.group === 'gpu' ? 1 : -1));
  const streams: StreamBusy[] = [];
  for (const t of m.tracks) {
    if (t.kind !== 'gpu') continue;
    const busy = yield* busyWork(m, t.rowStart, t0, t1);
    if (busy === null) continue;
    streams.push({ track: t.index, process: m.processes[t.process]!.name, name: t.name, busyUs: busy, busyPct: span > 0 ? (100 * busy) / span : 0 });
  }
  return { window: { start: t0, end: t1 }, rows: out, streams };
}

/** The union of a track's GPU slices clipped to [t0, t1], µs; null when it has no GPU slice at all. */
function* busyWork(m: TraceModel, rows: number[], t0: number, t1: number): Work<number | null> {
  const { start, dur, flags } = m.slices;
  let any = false;
  for (let i = rows[0]!; i < rows[rows.length - 1]! && !any; i++) any = (flags[i]! & FLAG_GPU) !== 0;
  if (!any) return null;
  // Merge the rows' sorted runs by start with a cursor per row (a stream has few rows).
  const nRows = rows.length - 1;
  const cur = new Int32Array(nRows);
  for (let r = 0; r < nRows; r++) cur[r] = firstEndingAtOrAfter(start, dur, rows[r]!, rows[r + 1]!, t0);
  let busy = 0;
  let openS = NaN;
  let openE = NaN;
  let steps = 0;
  for (;;) {
    let best = -1;
    for (let r = 0; r < nRows; r++) {
      const i = cur[r]!;
      if (i < rows[r + 1]! && start[i]! <= t1 && (best < 0 || start[i]! < start[cur[best]!]!)) best = r;
    }
    if (best < 0) break;
    const i = cur[best]!++;
    if ((++steps & YIELD_MASK) === 0) yield;
    if (!(flags[i]! & FLAG_GPU)) continue;
    const s = Math.max(start[i]!, t0);
    const e = Math.min(start[i]! + dur[i]!, t1);
    if (!(e > s)) continue;
    if (s > openE || Number.isNaN(openE)) {
      if (!Number.isNaN(openE)) busy += openE - openS;
      openS = s;
      openE = e;
    } else if (e > openE) openE = e;
  }
  if (!Number.isNaN(openE)) busy += openE - openS;
  return busy;
}

export function rangeTable(m: TraceModel, window?: TimeWindow): RangeTable {
  return runNow(rangeTableWork(m, window));
}

/** Per name and group, over the slices sharing time with the window, clipped to it. */
function* clippedSums(m: TraceModel, w: TimeWindow): Work<{ count: Uint32Array; total: Float64Array; self: Float64Array; min: Float64Array; max: Float64Array }> {
  const t0 = w.start;
  const t1 = w.end;
  const parent = yield* parentsWork(m);
  const { start, dur, name } = m.slices;
  const ids = m.strings.length;
  const count = new Uint32Array(ids * 2);
  const total = new Float64Array(ids * 2);
  const self = new Float64Array(ids * 2);
  const min = new Float64Array(ids * 2).fill(Infinity);
  const max = new Float64Array(ids * 2);
  let steps = 0;
  for (const t of m.tracks) {
    const rows = t.rowStart;
    // A slice and its parent share a track, so a track's group is theirs.
    const g = t.kind === 'gpu' ? 1 : 0;
    for (let r = 0; r + 1 < rows.length; r++) {
      const hi = rows[r + 1]!;
      for (let i = firstEndingAtOrAfter(start, dur, rows[r]!, hi, t0); i < hi && start[i]! <= t1; i++) {
        if ((++steps & YIELD_MASK) === 0) yield;
        const s = start[i]!;
        if (!inWindow(w, s, dur[i]!)) continue; // touches the range's edge only
        const c = Math.max(0, Math.min(s + dur[i]!, t1) - Math.max(s, t0));
        const k = name[i]! * 2 + g;
        count[k]!++;
        total[k] += c;
        self[k] += c;
        if (c < min[k]!) min[k] = c;
        if (c > max[k]!) max[k] = c;
        const p = parent[i]!;
        if (p >= 0) self[name[p]! * 2 + g] -= c;
      }
    }
  }
  return { count, total, self, min, max };
}
