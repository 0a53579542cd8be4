// Turns the collector's temporary columns into the final model: matches B/E and async
// edges into slices, lays slices out in rows, binds flows to slices, names and orders
// processes and tracks, and computes the summary.

import { bindInTimeOrder } from '../index/row-index.ts';
import type { ParseOutcome } from '../parse/stream-parser.ts';
import type { Collector } from './collector.ts';
import { countingOrder } from '../lib/sort.ts';
import { FLAT_GROUPS, type FieldColumns } from './fields.ts';
import { buildFlows } from './flows.ts';
import { memoryCurves } from './memory-curves.ts';
import { orderByFloat } from '../lib/sort.ts';
import { layoutSlices, orderByStart } from './layout.ts';
import { buildTracks, markDeviceActivity } from './tracks.ts';
import {
  FLAG_ASYNC, FLAG_GPU, FLAG_INSTANT, FLAG_UNFINISHED,
  type KernelColumns, type SliceColumns, type Summary, type TraceModel,
} from './types.ts';

const PH_b = 98, PH_e = 101, PH_n = 110, PH_S = 83, PH_F = 70;

export interface FinishedTrace {
  model: TraceModel;
  /** Byte offset of each slice's event in the decoded stream (final order), for on-demand args. */
  offsets: Float64Array;
}

/** `tsBase` is the scanner's integer µs base: the absolute time of relative 0. */
export function finishTrace(c: Collector, outcome: ParseOutcome, fileName: string, tsBase: number): FinishedTrace {
  const traceStart = Number.isFinite(c.minTs) ? c.minTs : 0;
  const traceEnd = Number.isFinite(c.maxEnd) ? c.maxEnd : traceStart;
  addMemoryCounters(c);
  markDeviceActivity(c);
  const beToSlice = matchBeginEnd(c, traceEnd);
  matchAsync(c, traceEnd);

  // Views of the collector's columns, not copies: it is done with them, and a pass over
  // fresh memory costs as much as the work here.
  const tempStart = c.sStart.view();
  for (let i = 0; i < tempStart.length; i++) tempStart[i]! -= traceStart;
  const tempDur = c.sDur.view();
  const tempTrack = c.sTrack.view();
  const layout = layoutSlices(tempStart, tempDur, tempTrack, c.tracks.length);
  if (layout.clampedRows > 0) c.warnings.count('slices nested deeper than 65535 rows', layout.clampedRows);

  const n = tempStart.length;
  const { order } = layout;
  const rank = new Uint32Array(n);
  // Every column into the final order in one pass: the gathers from file order are cache
  // misses, and one loop lets them overlap instead of re-reading `order` seven times.
  const start = new Float64Array(n), dur = new Float64Array(n), offsets = new Float64Array(n);
  const name = new Uint32Array(n), cat = new Uint32Array(n), track = new Uint32Array(n);
  const flags = new Uint8Array(n);
  const tName = c.sName.view(), tCat = c.sCat.view(), tFlags = c.sFlags.view(), tOffset = c.sOffset.view();
  // The content: slices with a duration; one left open counts its start only (its end is
  // the trace's, which a lone far-off instant can set).
  let contentStart = Infinity, contentEnd = -Infinity;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    rank[i] = k;
    const s = (start[k] = tempStart[i]!);
    const d = (dur[k] = tempDur[i]!);
    name[k] = tName[i]!;
    cat[k] = tCat[i]!;
    const f = (flags[k] = tFlags[i]!);
    track[k] = tempTrack[i]!;
    offsets[k] = tOffset[i]!;
    if (d > 0) {
      if (s < contentStart) contentStart = s;
      const e = f & FLAG_UNFINISHED ? s : s + d;
      if (e > contentEnd) contentEnd = e;
    }
  }
  const slices: SliceColumns = { start, dur, name, cat, depth: layout.row, flags, track };

  const { processes, tracks } = buildTracks(c, layout.rowStarts, slices);

  // Flow endpoints bind to slices through the row index, a track at a time in time order.
  const bound = bindFlowEndpoints(c, layout.rowStarts, slices, traceStart);
  const bindV1 = (i: number): number => bound[i]!;
  const v2Slice = (k: number): number => {
    const ref = c.v2Ref.data[k]!;
    const temp = c.v2IsBE.data[k] ? beToSlice[ref]! : ref;
    return temp < 0 ? -1 : rank[temp]!;
  };
  const flowResult = buildFlows(c, bindV1, v2Slice, rank);
  if (flowResult.unbound > 0) c.warnings.count('flow endpoints with no slice to attach to', flowResult.unbound);

  const kernels = buildKernels(c, rank);
  const fields = buildFieldColumns(c, rank, start);
  const counters = c.counterList.map((d) => {
    const times = d.times.toArray();
    for (let i = 0; i < times.length; i++) times[i]! -= traceStart;
    return { track: d.track, name: d.name, times, values: d.values.toArray(), ...(d.unit ? { unit: d.unit } : {}) };
  });

  const content = contentStart < contentEnd ? { start: contentStart, end: contentEnd } : counterExtent(counters, traceEnd - traceStart);

  const summary = buildSummary(c, outcome, fileName, slices, tracks.length, flowResult, processes.length);
  const gpuStreams = tracks.filter((t) => t.kind === 'gpu' && hasGpuSlice(slices, t.rowStart));
  summary.gpu.streams = gpuStreams.length;
  summary.gpu.devices = new Set(gpuStreams.map((t) => t.process)).size;
  summary.gpu.busyUs = gpuBusy(slices, tracks.map((t) => (t.kind === 'gpu' ? t.process : -1)));

  const model: TraceModel = {
    name: fileName,
    startUs: traceStart + (Number.isFinite(tsBase) ? tsBase : 0),
    origin: { baseUs: Number.isFinite(tsBase) ? tsBase : 0, relUs: traceStart },
    endUs: traceEnd - traceStart,
    contentStartUs: content.start,
    contentEndUs: content.end,
    strings: c.strings.strings,
    processes,
    tracks,
    slices,
    flows: flowResult.flows,
    kernels,
    fields,
    counters,
    metadata: c.meta,
    summary,
  };
  summary.bytesPerEvent = summary.events.total > 0 ? modelBytes(model, offsets) / summary.events.total : 0;
  return { model, offsets };
}

/**
 * Per device with `[memory]` events, allocated and reserved counters (memory-curves.ts) in
 * the device's process: a GPU's under the GPU process (the one with device activity whose
 * pid is the device id, or labelled "GPU <id>"), else under the process of its events.
 * Here rather than on the page so that they are plain counters to everything downstream
 * (layout, drawing, hover, the URL, the transfer); only traces with such events pay.
 */
function addMemoryCounters(c: Collector): void {
  const g = FLAT_GROUPS.findIndex((x) => x.name === 'memory');
  const d = c.fieldDrafts[g]!;
  const n = d.slice.length;
  if (n === 0) return;
  const col = (name: string): Float64Array => d.cols[FLAT_GROUPS[g]!.slotColumns.indexOf(name)]!.data;
  const start = c.sStart.data, sliceOf = d.slice.data;
  const curves = memoryCurves(n, (r) => start[sliceOf[r]!]!, {
    bytes: col('bytes'), totalAllocated: col('totalAllocated'), totalReserved: col('totalReserved'),
    deviceType: col('deviceType'), deviceId: col('deviceId'),
  });
  for (const cv of curves) {
    let pid = c.tracks[c.sTrack.data[sliceOf[cv.rows[0]!]!]!]!.pid;
    if (cv.deviceType === 1) {
      for (const p of c.processes.values()) {
        if (p.gpuEvents > 0 && (c.strings.strings[p.pid] === String(cv.deviceId) || p.labels === `GPU ${cv.deviceId}`)) {
          pid = p.pid;
          break;
        }
      }
    }
    const add = (what: string, values: Float64Array): void => {
      const s = c.counterSeries(pid, `${cv.device} memory ${what} (bytes)`);
      c.derivedCounters++;
      s.unit = 'bytes';
      const times = s.times.ensure(values.length), vals = s.values.ensure(values.length);
      let at = s.times.length;
      for (let k = 0; k < values.length; k++) {
        if (Number.isNaN(values[k]!)) continue; // reserved before the first Total Reserved
        times[at] = cv.times[k]!;
        vals[at++] = values[k]!;
      }
      s.times.length = s.values.length = at;
    };
    add('allocated', cv.allocated);
    if (cv.reserved) add('reserved', cv.reserved);
  }
}

/** Without slices that last: the counters' samples; without those, the whole trace. */
function counterExtent(counters: { times: Float64Array }[], endUs: number): { start: number; end: number } {
  let lo = Infinity, hi = -Infinity;
  for (const { times } of counters) {
    for (let i = 0; i < times.length; i++) {
      if (times[i]! < lo) lo = times[i]!;
      if (times[i]! > hi) hi = times[i]!;
    }
  }
  return lo < hi ? { start: lo, end: hi } : { start: 0, end: endUs };
}

function hasGpuSlice(slices: SliceColumns, rowStart: number[]): boolean {
  const lo = rowStart[0]!;
  const hi = rowStart[rowStart.length - 1]!;
  for (let i = lo; i < hi; i++) if (slices.flags[i]! & FLAG_GPU) return true;
  return false;
}

/** Matches B/E per thread in time order (E first on ties); appends the slices. */
function matchBeginEnd(c: Collector, traceEnd: number): Int32Array {
  const m = c.beTs.length;
  const beToSlice = new Int32Array(m).fill(-1);
  if (m === 0) return beToSlice;
  const track = c.beTrack.data, ts = c.beTs.data, ends = c.beEnd.data;
  const idx = new Uint32Array(m);
  for (let i = 0; i < m; i++) idx[i] = i;
  idx.sort((a, b) => track[a]! - track[b]! || ts[a]! - ts[b]! || ends[b]! - ends[a]! || a - b);
  const stack: number[] = [];
  let current = -1;
  let unmatchedEnd = 0;
  const closeOpen = (): void => {
    while (stack.length > 0) {
      const b = stack.pop()!;
      beToSlice[b] = pushSlice(c, b, traceEnd, FLAG_UNFINISHED);
      c.warnings.add('B without E (closed at the end of the trace)', -1, c.beOffset.data[b]!, c.strings.strings[c.beName.data[b]!] ?? '');
    }
  };
  for (let k = 0; k < m; k++) {
    const i = idx[k]!;
    if (track[i] !== current) {
      closeOpen();
      current = track[i]!;
    }
    if (!ends[i]) stack.push(i);
    else if (stack.length === 0) unmatchedEnd++;
    else {
      const b = stack.pop()!;
      if (c.beName.data[b] === 0xffffffff && c.beName.data[i] !== 0xffffffff) c.beName.data[b] = c.beName.data[i]!;
      beToSlice[b] = pushSlice(c, b, ts[i]!, 0);
    }
  }
  closeOpen();
  c.warnings.count('E without B (ignored)', unmatchedEnd);
  return beToSlice;
}

function pushSlice(c: Collector, b: number, end: number, flags: number): number {
  const idx = c.sStart.length;
  const s = c.beTs.data[b]!;
  const name = c.beName.data[b]!;
  c.sStart.push(s);
  c.sDur.push(Math.max(0, end - s));
  c.sTrack.push(c.beTrack.data[b]!);
  c.sName.push(name === 0xffffffff ? c.strings.intern('') : name);
  c.sCat.push(c.beCat.data[b]!);
  c.sFlags.push(flags);
  c.sOffset.push(c.beOffset.data[b]!);
  return idx;
}

/**
 * Async spans per (pid, cat, id); n as instants. A nestable e closes the innermost open b
 * of its name (an e without a name: the innermost open one), as chrome://tracing and
 * Perfetto do; a legacy F closes the innermost open S.
 */
function matchAsync(c: Collector, traceEnd: number): void {
  const m = c.asTs.length;
  if (m === 0) return;
  const key = c.asKey.data, ts = c.asTs.data, ph = c.asPh.data, name = c.asName.data;
  const emptyName = c.strings.intern('');
  const idx = new Uint32Array(m);
  for (let i = 0; i < m; i++) idx[i] = i;
  idx.sort((a, b) => key[a]! - key[b]! || ts[a]! - ts[b]! || isEnd(ph[b]!) - isEnd(ph[a]!) || a - b);
  const stack: number[] = [];
  let current = -1;
  let unmatched = 0;
  const push = (b: number, end: number, flags: number): void => {
    c.sStart.push(ts[b]!);
    c.sDur.push(Math.max(0, end - ts[b]!));
    c.sTrack.push(c.asTrack.data[b]!);
    c.sName.push(c.asName.data[b]!);
    c.sCat.push(c.asCat.data[b]!);
    c.sFlags.push(FLAG_ASYNC | flags);
    c.sOffset.push(c.asOffset.data[b]!);
  };
  const closeOpen = (): void => {
    while (stack.length > 0) {
      push(stack.pop()!, traceEnd, FLAG_UNFINISHED);
      c.warnings.count('async span without end (closed at the end of the trace)');
    }
  };
  for (let k = 0; k < m; k++) {
    const i = idx[k]!;
    if (key[i] !== current) {
      closeOpen();
      current = key[i]!;
    }
    const p = ph[i]!;
    if (p === PH_b || p === PH_S) stack.push(i);
    else if (p === PH_e || p === PH_F) {
      const at = p === PH_e ? openBegin(stack, name, name[i]!, emptyName) : stack.length - 1;
      if (at < 0) unmatched++;
      else push(at === stack.length - 1 ? stack.pop()! : stack.splice(at, 1)[0]!, ts[i]!, 0);
    } else if (p === PH_n) push(i, ts[i]!, FLAG_INSTANT);
    // T (step into) marks a point inside an open S/F span; it adds no slice.
  }
  closeOpen();
  c.warnings.count('async end without begin (ignored)', unmatched);
}

/** Stack position of the innermost open begin named `end` (any, when `end` is empty); -1: none. */
function openBegin(stack: number[], names: Uint32Array, end: number, empty: number): number {
  if (end === empty) return stack.length - 1;
  for (let k = stack.length - 1; k >= 0; k--) if (names[stack[k]!] === end) return k;
  return -1;
}

function isEnd(p: number): number {
  return p === PH_e || p === PH_F ? 1 : 0;
}

function buildKernels(c: Collector, rank: Uint32Array): KernelColumns {
  const m = c.kSlice.length;
  // Order kernel rows by their final slice index without a comparison sort: mark each
  // final slice with its kernel row, then walk the slices in order.
  const rowOfSlice = new Int32Array(rank.length).fill(-1);
  const slice = c.kSlice.data;
  for (let k = 0; k < m; k++) rowOfSlice[rank[slice[k]!]!] = k;
  const order = new Uint32Array(m);
  const finalSlice = new Uint32Array(m);
  let at = 0;
  for (let i = 0; i < rowOfSlice.length; i++) {
    const k = rowOfSlice[i]!;
    if (k >= 0) {
      order[at] = k;
      finalSlice[at++] = i;
    }
  }
  const col = (j: number): Float64Array => {
    const src = c.kF64[j]!.data;
    const out = new Float64Array(m);
    for (let k = 0; k < m; k++) out[k] = src[order[k]!]!;
    return out;
  };
  const u32 = (j: number): Uint32Array => {
    const v = col(j);
    const out = new Uint32Array(m);
    for (let k = 0; k < m; k++) out[k] = v[k]! > 0 ? v[k]! : 0;
    return out;
  };
  const f32 = (j: number): Float32Array => new Float32Array(col(j));
  return {
    slice: finalSlice,
    gridX: u32(0), gridY: u32(1), gridZ: u32(2),
    blockX: u32(3), blockY: u32(4), blockZ: u32(5),
    registers: f32(6),
    sharedMemory: col(7),
    blocksPerSm: f32(8),
    warpsPerSm: f32(9),
    occupancy: f32(10),
    correlation: col(11),
    device: f32(12),
    stream: f32(13),
  };
}

/**
 * Each field group's rows in time order, ties in file order (so that the page finds the
 * memory curves' order made: memory-curves.ts), with their slices' final indexes (fields.ts).
 */
function buildFieldColumns(c: Collector, rank: Uint32Array, start: Float64Array): FieldColumns {
  const out: Record<string, Record<string, Uint32Array | Float64Array>> = {};
  FLAT_GROUPS.forEach((g, gi) => {
    const d = c.fieldDrafts[gi]!;
    const m = d.slice.length;
    const src = d.slice.data;
    const slice = new Uint32Array(m);
    for (let k = 0; k < m; k++) slice[k] = rank[src[k]!]!;
    const order = orderByFloat(Float64Array.from(slice, (i) => start[i]!));
    for (let k = 0; k < m; k++) slice[k] = rank[src[order[k]!]!]!;
    const cols: Record<string, Uint32Array | Float64Array> = { slice };
    g.slotColumns.forEach((name, j) => {
      const from = d.cols[j]!.data;
      const to = g.slotU32[j] ? new Uint32Array(m) : new Float64Array(m);
      for (let k = 0; k < m; k++) to[k] = from[order[k]!]!;
      cols[name] = to;
    });
    out[g.name] = cols;
  });
  return out as unknown as FieldColumns;
}

/** Per device, the length of the union of its GPU slices' intervals; summed. */
function gpuBusy(slices: SliceColumns, deviceOfTrack: number[]): number {
  const byDevice = new Map<number, number[]>();
  const { start, dur, flags, track } = slices;
  for (let i = 0; i < start.length; i++) {
    if (!(flags[i]! & FLAG_GPU)) continue;
    const d = deviceOfTrack[track[i]!]!;
    let list = byDevice.get(d);
    if (!list) byDevice.set(d, (list = []));
    list.push(i);
  }
  let total = 0;
  for (const indices of byDevice.values()) {
    // by the layout's radix sort: the comparison sort before took most of this function's time
    const list = Uint32Array.from(indices);
    orderByStart(list, start, dur);
    let s = -Infinity;
    let e = -Infinity;
    for (const i of list) {
      const a = start[i]!;
      const b = a + dur[i]!;
      if (a > e) {
        if (e > s) total += e - s;
        s = a;
        e = b;
      } else if (b > e) e = b;
    }
    if (e > s) total += e - s;
  }
  return total;
}

function buildSummary(
  c: Collector,
  o: ParseOutcome,
  file: string,
  slices: SliceColumns,
  trackCount: number,
  flows: { matched: number; unmatched: number; launchLinked: number },
  processCount: number,
): Summary {
  const warnings = c.warnings;
  if (o.truncated) warnings.count(`file truncated at byte ${o.truncated.atByte}: ${o.truncated.afterEvents} complete events loaded`);
  if (o.syntaxError) {
    warnings.count(`syntax error at byte ${o.syntaxError.atByte}: ${o.syntaxError.message} near "${o.syntaxError.context}"`, o.syntaxErrors || 1);
  }
  if (o.nonObjectElements > 0) warnings.count('non-object elements in traceEvents', o.nonObjectElements);
  if (o.trailingGarbage) warnings.count('data after the end of the trace (ignored)');
  if (o.form === 'object' && !o.eventsArray && !o.syntaxError && !o.truncated) {
    warnings.count('no traceEvents array');
  }
  let threads = 0;
  for (const t of c.tracks) if (t.kind === 'thread') threads++;
  return {
    file,
    bytes: 0,
    loadMs: 0,
    events: { total: o.events, byPhase: Object.fromEntries(c.byPhase) },
    processes: processCount,
    threads,
    counters: c.counterList.length - c.derivedCounters, // the file's (the summary's contract), not the memory curves
    gpu: {
      devices: 0,
      streams: 0,
      kernels: c.gpuCounts.kernels,
      memcpy: c.gpuCounts.memcpy,
      memset: c.gpuCounts.memset,
      launchLinked: flows.launchLinked,
      busyUs: 0,
    },
    flows: { matched: flows.matched, unmatched: flows.unmatched },
    spanUs: Number.isFinite(c.spanMin) ? c.spanMax - c.spanMin : 0,
    metadata: c.metadataKeys,
    warnings: warnings.toRecord(),
    slices: slices.start.length,
    tracks: trackCount,
    truncated: o.truncated,
    syntaxError: o.syntaxError,
    examples: warnings.examples,
    bytesPerEvent: 0,
    timing: { parseMs: 0, finishMs: 0, workers: 0, segments: 0, workerSegments: 0, recuts: 0, waitMs: 0, mergeMs: 0, workerMs: 0, readWaitMs: 0, readerWorker: false, wasmEvents: 0, wasmCollected: 0 },
  };
}

function modelBytes(m: TraceModel, offsets: Float64Array): number {
  let bytes = offsets.byteLength;
  const add = (o: object): void => {
    for (const v of Object.values(o)) if (ArrayBuffer.isView(v)) bytes += v.byteLength;
  };
  add(m.slices);
  add(m.flows);
  add(m.kernels);
  for (const g of Object.values(m.fields)) add(g);
  for (const cs of m.counters) bytes += cs.times.byteLength + cs.values.byteLength;
  return bytes;
}

/** The slice each v1 flow endpoint binds to (-1: none): grouped by track, then in time order. */
function bindFlowEndpoints(c: Collector, rowStarts: number[][], slices: SliceColumns, traceStart: number): Int32Array {
  const m = c.flKey.length;
  const bound = new Int32Array(m).fill(-1);
  if (m === 0) return bound;
  // Track + 1 per endpoint (0: a thread with no slices), counted into groups.
  const group = new Uint32Array(m);
  const t = new Float64Array(m);
  let tMin = Infinity;
  const thread = c.flThread.data, ts = c.flTs.data;
  let lastThread = NaN;
  let lastGroup = 0;
  for (let i = 0; i < m; i++) {
    // Runs of endpoints on one thread are common: look the track up once per run.
    if (thread[i] !== lastThread) {
      lastThread = thread[i]!;
      lastGroup = (c.threadTracks.get(lastThread) ?? -1) + 1;
    }
    group[i] = lastGroup;
    t[i] = ts[i]! - traceStart;
    if (t[i]! < tMin) tMin = t[i]!;
  }
  const order = countingOrder(group, m);
  // The radix sort wants non-negative keys: times from the earliest endpoint.
  const key = new Float64Array(m);
  for (let i = 0; i < m; i++) key[i] = t[i]! - tMin;
  const noDur = new Float64Array(m);
  for (let lo = 0; lo < m; ) {
    const g = group[order[lo]!]!;
    let hi = lo + 1;
    while (hi < m && group[order[hi]!] === g) hi++;
    if (g > 0) {
      const seg = order.subarray(lo, hi);
      orderByStart(seg, key, noDur);
      bindInTimeOrder(slices, rowStarts[g - 1]!, seg, t, c.flEnclosing.data, bound);
    }
    lo = hi;
  }
  return bound;
}

