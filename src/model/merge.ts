// Parallel parsing: each parse worker fills its own Collector from one segment of the file,
// sends it back as a `CollectorDump` (plain data and typed arrays, cheap to post), and the
// coordinator absorbs the dumps in file order into one Collector, as if a single parser had
// read every event. String ids differ per worker, so everything that holds one is mapped
// through `remap` (worker id → coordinator id); slice and edge indexes are offset.

import type { Grow } from '../lib/grow.ts';
import type { Collector, ProcessDraft, TrackDraft } from './collector.ts';
import { TRACK_KEY, TraceTooLargeError } from './collector.ts';
import type { WarningExample } from './warnings.ts';

export interface CollectorDump {
  /** The scanner's integer µs base for this segment's relative times (NaN: no timestamp). */
  tsBase: number;
  counts: [string, number][];
  examples: WarningExample[];
  meta: [string, unknown][];
  byPhase: [string, number][];
  spanMin: number;
  spanMax: number;
  minTs: number;
  maxEnd: number;
  processes: ProcessDraft[];
  usedPids: number[];
  tracks: TrackDraft[];
  threadNames: [number, string][];
  threadSort: [number, number][];
  slices: { start: Float64Array; dur: Float64Array; track: Uint32Array; name: Uint32Array; cat: Uint32Array; flags: Uint8Array; offset: Float64Array };
  be: { track: Uint32Array; ts: Float64Array; end: Uint8Array; name: Uint32Array; cat: Uint32Array; offset: Float64Array };
  async: { key: Uint32Array; track: Uint32Array; ts: Float64Array; ph: Uint8Array; name: Uint32Array; cat: Uint32Array; offset: Float64Array };
  asyncKeyParts: number[];
  flows: { key: Uint32Array; ph: Uint8Array; thread: Float64Array; ts: Float64Array; enclosing: Uint8Array };
  flowKeyParts: number[];
  flowNoId: number;
  v2: { ref: Uint32Array; isBE: Uint8Array; key: Uint32Array; dir: Uint8Array };
  corr: { slice: Uint32Array; value: Float64Array; side: Uint8Array };
  kernels: { slice: Uint32Array; f64: Float64Array[] };
  /** Parsed args fields (fields.ts), per group in FLAT_GROUPS' order. */
  fields: { slice: Uint32Array; cols: Float64Array[] }[];
  counters: { pid: number; name: string; times: Float64Array; values: Float64Array }[];
  gpuCounts: { kernels: number; memcpy: number; memset: number };
  skippedPhases: number;
}

/** The collector's content as a dump: views of its columns, not copies (the collector is done). */
export function dumpCollector(c: Collector, tsBase: number): CollectorDump {
  return {
    tsBase,
    counts: [...c.warnings.counts],
    examples: c.warnings.examples,
    meta: c.metadataKeys.map((k) => [k, c.meta[k]]),
    byPhase: [...c.byPhase],
    spanMin: c.spanMin,
    spanMax: c.spanMax,
    minTs: c.minTs,
    maxEnd: c.maxEnd,
    processes: [...c.processes.values()],
    usedPids: [...c.usedPids],
    tracks: c.tracks,
    threadNames: [...c.threadNames],
    threadSort: [...c.threadSort],
    slices: {
      start: c.sStart.view(), dur: c.sDur.view(), track: c.sTrack.view(), name: c.sName.view(),
      cat: c.sCat.view(), flags: c.sFlags.view(), offset: c.sOffset.view(),
    },
    be: {
      track: c.beTrack.view(), ts: c.beTs.view(), end: c.beEnd.view(), name: c.beName.view(),
      cat: c.beCat.view(), offset: c.beOffset.view(),
    },
    async: {
      key: c.asKey.view(), track: c.asTrack.view(), ts: c.asTs.view(), ph: c.asPh.view(),
      name: c.asName.view(), cat: c.asCat.view(), offset: c.asOffset.view(),
    },
    asyncKeyParts: c.asyncKeyParts,
    flows: { key: c.flKey.view(), ph: c.flPh.view(), thread: c.flThread.view(), ts: c.flTs.view(), enclosing: c.flEnclosing.view() },
    flowKeyParts: c.flowKeyParts,
    flowNoId: c.flowNoId,
    v2: { ref: c.v2Ref.view(), isBE: c.v2IsBE.view(), key: c.v2Key.view(), dir: c.v2Dir.view() },
    corr: { slice: c.corrSlice.view(), value: c.corrValue.view(), side: c.corrSide.view() },
    kernels: { slice: c.kSlice.view(), f64: c.kF64.map((g) => g.view()) },
    fields: c.fieldDrafts.map((g) => ({ slice: g.slice.view(), cols: g.cols.map((col) => col.view()) })),
    counters: c.counterList.map((d) => ({ pid: d.pid, name: d.name, times: d.times.view(), values: d.values.view() })),
    gpuCounts: { ...c.gpuCounts },
    skippedPhases: c.skippedPhases,
  };
}

/** A segment's key ids → c's: `parts` holds three numbers per key, in key order. */
function mapKeyParts(parts: number[], key: (a: number, b: number, id: number) => number): Uint32Array {
  const out = new Uint32Array(parts.length / 3);
  for (let k = 0; k < out.length; k++) out[k] = key(parts[3 * k]!, parts[3 * k + 1]!, parts[3 * k + 2]!);
  return out;
}

// Appends src to g, each value passed through f.
function appendMapped(g: Grow<Uint32Array>, src: Uint32Array, f: (v: number) => number): void {
  const n = src.length;
  const data = g.ensure(n);
  const at = g.length;
  for (let i = 0; i < n; i++) data[at + i] = f(src[i]!);
  g.length += n;
}

function append<T extends Float64Array | Uint32Array | Uint8Array>(g: Grow<T>, src: T, shift = 0): void {
  const data = g.ensure(src.length);
  if (shift === 0) data.set(src as never, g.length);
  else for (let i = 0; i < src.length; i++) data[g.length + i] = src[i]! + shift;
  g.length += src.length;
}

/**
 * Adds one segment's events to `c` after those already there. `remap[id]` is c's string id
 * of the segment's string `id`; `eventBase` is how many events came before the segment;
 * `tsBase` is c's time base (the segment's times are shifted when its base differs).
 */
export function absorbDump(c: Collector, d: CollectorDump, remap: ArrayLike<number>, eventBase: number, tsBase: number): void {
  const str = (id: number): number => remap[id]!;
  const strOrNone = (id: number): number => (id === 0xffffffff ? id : remap[id]!);
  const dt = Number.isNaN(d.tsBase) || Number.isNaN(tsBase) ? 0 : d.tsBase - tsBase;

  const slicesBefore = c.sStart.length;
  if (slicesBefore + d.slices.start.length > c.maxSlices) throw new TraceTooLargeError(c.maxSlices);
  const beBefore = c.beTs.length;

  // warnings: counts add up; examples keep the first few per reason, in file order
  const seen = new Map<string, number>();
  for (const ex of d.examples) {
    const already = (c.warnings.counts.get(ex.reason) ?? 0) + (seen.get(ex.reason) ?? 0);
    seen.set(ex.reason, (seen.get(ex.reason) ?? 0) + 1);
    if (already < 3) c.warnings.examples.push({ ...ex, index: ex.index >= 0 ? ex.index + eventBase : ex.index });
  }
  for (const [reason, n] of d.counts) c.warnings.count(reason, n);
  for (const [key, value] of d.meta) c.metadata(key, value);
  for (const [ph, n] of d.byPhase) c.countPhase(ph.charCodeAt(0), n);
  c.spanMin = Math.min(c.spanMin, d.spanMin + dt);
  c.spanMax = Math.max(c.spanMax, d.spanMax + dt);
  c.minTs = Math.min(c.minTs, d.minTs + dt);
  c.maxEnd = Math.max(c.maxEnd, d.maxEnd + dt);

  // processes: names and sort indexes set later in the file win, as they would in one pass
  for (const p of d.processes) {
    const g = c.process(str(p.pid));
    if (p.name) g.name = p.name;
    if (p.hasLabels) {
      g.labels = p.labels;
      g.hasLabels = true;
    }
    if (p.hasSortIndex) {
      g.sortIndex = p.sortIndex;
      g.hasSortIndex = true;
    }
    g.gpuEvents += p.gpuEvents;
  }
  for (const pid of d.usedPids) c.usedPids.add(str(pid));
  const threadKey = (k: number): number => {
    const pid = Math.floor(k / TRACK_KEY);
    return str(pid) * TRACK_KEY + str(k - pid * TRACK_KEY);
  };
  for (const [k, name] of d.threadNames) {
    const g = threadKey(k);
    if (!c.threadNames.has(g)) c.threadNames.set(g, name);
  }
  for (const [k, v] of d.threadSort) c.threadSort.set(threadKey(k), v);

  const trackMap = new Uint32Array(d.tracks.length);
  for (let t = 0; t < d.tracks.length; t++) {
    const tr = d.tracks[t]!;
    if (tr.kind === 'thread') trackMap[t] = c.threadTrack(str(tr.pid), str(tr.tid));
    else if (tr.kind === 'async') trackMap[t] = c.otherTrack('async', str(tr.pid), str(tr.tid), '');
    else trackMap[t] = c.otherTrack('counter', str(tr.pid), -1, tr.label);
  }
  const track = (t: number): number => trackMap[t]!;

  const s = d.slices;
  append(c.sStart, s.start, dt);
  append(c.sDur, s.dur);
  appendMapped(c.sTrack, s.track, track);
  appendMapped(c.sName, s.name, str);
  appendMapped(c.sCat, s.cat, str);
  append(c.sFlags, s.flags);
  append(c.sOffset, s.offset);

  const be = d.be;
  appendMapped(c.beTrack, be.track, track);
  append(c.beTs, be.ts, dt);
  append(c.beEnd, be.end);
  appendMapped(c.beName, be.name, strOrNone);
  appendMapped(c.beCat, be.cat, str);
  append(c.beOffset, be.offset);

  // Ids below 0 are not string ids (none, or a plain integer) and stay as they are.
  const idOf = (id: number): number => (id < 0 ? id : str(id));
  const asyncMap = mapKeyParts(d.asyncKeyParts, (pid, cat, id) => c.asyncKey(str(pid), str(cat), idOf(id)));
  const as = d.async;
  appendMapped(c.asKey, as.key, (k) => asyncMap[k]!);
  appendMapped(c.asTrack, as.track, track);
  append(c.asTs, as.ts, dt);
  append(c.asPh, as.ph);
  appendMapped(c.asName, as.name, str);
  appendMapped(c.asCat, as.cat, str);
  append(c.asOffset, as.offset);

  const flowMap = mapKeyParts(d.flowKeyParts, (cat, name, id) => c.flowKey(str(cat), str(name), idOf(id)));
  const fl = d.flows;
  appendMapped(c.flKey, fl.key, (k) => flowMap[k]!);
  append(c.flPh, fl.ph);
  {
    const data = c.flThread.ensure(fl.thread.length);
    for (let i = 0; i < fl.thread.length; i++) data[c.flThread.length + i] = threadKey(fl.thread[i]!);
    c.flThread.length += fl.thread.length;
  }
  append(c.flTs, fl.ts, dt);
  append(c.flEnclosing, fl.enclosing);
  c.flowNoId += d.flowNoId;

  const v2 = d.v2;
  {
    const data = c.v2Ref.ensure(v2.ref.length);
    for (let i = 0; i < v2.ref.length; i++) data[c.v2Ref.length + i] = v2.ref[i]! + (v2.isBE[i] ? beBefore : slicesBefore);
    c.v2Ref.length += v2.ref.length;
  }
  append(c.v2IsBE, v2.isBE);
  appendMapped(c.v2Key, v2.key, str);
  append(c.v2Dir, v2.dir);

  appendMapped(c.corrSlice, d.corr.slice, (i) => i + slicesBefore);
  append(c.corrValue, d.corr.value);
  append(c.corrSide, d.corr.side);

  appendMapped(c.kSlice, d.kernels.slice, (i) => i + slicesBefore);
  for (let j = 0; j < d.kernels.f64.length; j++) append(c.kF64[j]!, d.kernels.f64[j]!);

  for (let g = 0; g < d.fields.length; g++) {
    const from = d.fields[g]!, to = c.fieldDrafts[g]!;
    appendMapped(to.slice, from.slice, (i) => i + slicesBefore);
    for (let j = 0; j < from.cols.length; j++) append(to.cols[j]!, from.cols[j]!); // (numbers only: nothing to remap)
  }

  for (const series of d.counters) {
    const g = c.counterSeries(str(series.pid), series.name);
    append(g.times, series.times, dt);
    append(g.values, series.values);
  }
  c.gpuCounts.kernels += d.gpuCounts.kernels;
  c.gpuCounts.memcpy += d.gpuCounts.memcpy;
  c.gpuCounts.memset += d.gpuCounts.memset;
  c.skippedPhases += d.skippedPhases;
}
