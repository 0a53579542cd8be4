// The analysis tables and search, for the page and window.kinetoscope: run over a loaded
// trace's columns in tasks of a few milliseconds (analysis/sliced.ts), each result kept
// per trace and window so that switching tabs or asking twice costs nothing.

import { adoptCategoryRoles, categoryRoles, ROLE_OPERATOR } from '../analysis/roles.ts';
import { parentsInBackground } from '../analysis/nesting.ts';
import { kernelTableWork, type KernelRow } from '../analysis/kernels.ts';
import { hintsWork, memoryPeakHints, type Hint } from '../analysis/hints.ts';
import { overviewWork, type Overview } from '../analysis/overview.ts';
import { gpuMetricsWork } from '../analysis/gpu-metrics.ts';
import { allocationOperatorsWork, memoryWork, type MemoryAnalysis } from '../analysis/memory.ts';
import { operatorShapeTableWork, operatorSlices, operatorTableWork, type OperatorRow, type OperatorShapeRow, type SliceShapes } from '../analysis/operators.ts';
import { nameTest, parseQuery, sliceNameIds, matchesWork, nameIndexWork, type NameIndex } from '../analysis/search.ts';
import { runSliced, type SliceStats, type Work } from '../analysis/sliced.ts';
import { rangeTableWork, type RangeTable } from '../analysis/slices.ts';
import type { TimeWindow } from '../analysis/window.ts';
import type { GpuMetricTrack, TraceModel } from '../model/types.ts';
import type { AppStore, Highlight, LoadedTrace, SliceRef } from '../store/app-store.ts';
import { Comlink, traceWorker } from '../worker/client.ts';
import { regexMatches } from '../worker/name-match.ts';
import type { StepBreakdown, WorkerMemory } from '../worker/insight.ts';
import { setHighlight, setSearch, setView } from '../store/actions.ts';

export type TableKind = 'kernels' | 'operators' | 'range';
type Result<K extends TableKind> = K extends 'kernels' ? KernelRow[] : K extends 'operators' ? OperatorRow[] : RangeTable;

const cache = new WeakMap<TraceModel, Map<string, Promise<unknown>>>();

/** The longest task any analysis took on this thread, for the bench. */
export const analysisStats: SliceStats = { longestMs: 0, tasks: 0 };

export function tableFor<K extends TableKind>(model: TraceModel, kind: K, window: TimeWindow | null): Promise<Result<K>> {
  let perModel = cache.get(model);
  if (!perModel) cache.set(model, (perModel = new Map()));
  const key = `${kind}|${window ? `${window.start}|${window.end}` : 'all'}`;
  let p = perModel.get(key);
  if (!p) {
    const w = window ?? undefined;
    const work = (): Work<unknown> => (kind === 'kernels' ? kernelTableWork(model, w) : kind === 'operators' ? operatorTableWork(model, w) : rangeTableWork(model, w));
    // Operators and the range need every slice's parent: join the run the load started
    // (open-trace.ts) rather than work them out a second time beside it.
    p = kind === 'kernels' ? runSliced(work(), 8, undefined, analysisStats) : parentsInBackground(model).then(() => runSliced(work(), 8, undefined, analysisStats));
    perModel.set(key, p);
    const mine = p;
    p.catch(() => perModel.get(key) === mine && perModel.delete(key)); // try again next time
    // Keep a handful of windows per trace: dragging a range asks for many.
    if (perModel.size > 24) perModel.delete(perModel.keys().next().value!);
  }
  return p as Promise<Result<K>>;
}

const hintCache = new WeakMap<TraceModel, Promise<Hint[]>>();

/**
 * The insight analyses' own stopwatches, per trace: the overview, the memory analysis and the
 * hints run unasked after a load (for the Overview tab and the toolbar's badge), so they stay
 * out of analysisStats, which times what a caller asked for (tables, searches).
 */
export interface InsightStats {
  overview: SliceStats;
  memory: SliceStats;
  hints: SliceStats;
  /** The trace worker's time on the overview's steps and breakdown, and on the memory analysis (not the page's), ms. */
  overviewWorkerMs?: number;
  memoryWorkerMs?: number;
  /** performance.now() when the model reached the page, and when the hints (the last of the three) were done. */
  loadedAt?: number;
  doneAt?: number;
}
const insightStats = new WeakMap<TraceModel, InsightStats>();

export function insightStatsOf(model: TraceModel): InsightStats {
  let s = insightStats.get(model);
  if (!s) {
    const fresh = (): SliceStats => ({ longestMs: 0, tasks: 0, totalMs: 0 });
    insightStats.set(model, (s = { overview: fresh(), memory: fresh(), hints: fresh() }));
  }
  return s;
}

/** The trace's bottleneck hints (analysis/hints.ts), worked out once in short tasks (after the overview they build on). */
export function hintsFor(t: LoadedTrace): Promise<Hint[]> {
  let p = hintCache.get(t.model);
  if (!p) {
    // over the overview's steps and breakdown: worked out once for both tabs
    const m = t.model;
    // (the name index, which some rules read, is built after every load for the search)
    p = Promise.all([overviewFor(m), memoryFor(m), nameIndexFor(m)])
      .then(([o, mem]) => runSliced(hintsWork(m, { steps: o.steps, dataLoaderUs: o.breakdowns.map((b) => b.dataLoader), extra: memoryPeakHints(m, mem) }), 8, undefined, insightStatsOf(m).hints))
      .then((h) => {
        insightStatsOf(m).doneAt ??= performance.now();
        return h;
      });
    hintCache.set(t.model, p);
    p.catch(() => hintCache.delete(t.model)); // try again next time
  }
  return p;
}

const nameIndexes = new WeakMap<TraceModel, Promise<NameIndex>>();

/** The slices grouped by name (analysis/search.ts), built once per trace in short tasks: after every load (for the search), and for the hints. */
export function nameIndexFor(model: TraceModel): Promise<NameIndex> {
  let p = nameIndexes.get(model);
  if (!p) {
    p = runSliced(nameIndexWork(model), 8, undefined, analysisStats);
    nameIndexes.set(model, p);
    p.catch(() => nameIndexes.delete(model));
  }
  return p;
}

const overviews = new WeakMap<TraceModel, Promise<Overview>>();
/** The steps and their breakdown, and the memory analysis, of a trace as its worker works them out after the load (worker/insight.ts). */
const workerBreakdowns = new WeakMap<TraceModel, Promise<StepBreakdown | null>>();
const workerMemories = new WeakMap<TraceModel, Promise<WorkerMemory | null>>();

/** The worker is working these out for this trace: the overview and the memory analysis wait for them rather than do them again. */
export function expectWorkerInsight(model: TraceModel, breakdown: Promise<StepBreakdown | null>, memory: Promise<WorkerMemory | null>): void {
  insightStatsOf(model).loadedAt = performance.now();
  workerBreakdowns.set(model, breakdown.catch(() => null));
  workerMemories.set(model, memory.catch(() => null));
}

/** The trace's steps, their breakdown and the device figures (analysis/overview.ts), once per trace. */
export function overviewFor(model: TraceModel): Promise<Overview> {
  let p = overviews.get(model);
  if (!p) {
    // on the GPU metric tracks (worked out at load for the timeline): one sweep for both;
    // and on the steps' breakdown from the trace worker, when it has one
    p = Promise.all([gpuMetricsFor(model), workerBreakdowns.get(model) ?? null]).then(([metrics, pre]) => {
      workerBreakdowns.delete(model);
      const stats = insightStatsOf(model);
      if (pre) {
        stats.overviewWorkerMs = pre.workerMs;
        adoptCategoryRoles(model, pre.roles);
      }
      return runSliced(overviewWork(model, metrics, pre ?? undefined), 8, undefined, stats.overview);
    });
    overviews.set(model, p);
    p.catch(() => overviews.get(model) === p && overviews.delete(model)); // try again next time
  }
  return p;
}

const gpuMetricRuns = new WeakMap<TraceModel, Promise<GpuMetricTrack[]>>();

/** The trace's GPU metric tracks (per device: utilization and SM efficiency over time), worked out once, in short tasks. */
export function gpuMetricsFor(model: TraceModel): Promise<GpuMetricTrack[]> {
  let p = gpuMetricRuns.get(model);
  if (!p) {
    p = runSliced(gpuMetricsWork(model), 8, undefined, analysisStats);
    gpuMetricRuns.set(model, p);
    p.catch(() => gpuMetricRuns.delete(model)); // try again next time
  }
  return p;
}

const memories = new WeakMap<TraceModel, Promise<MemoryAnalysis>>();

/** The trace's memory curves, peaks and allocations (analysis/memory.ts), once per trace. */
export function memoryFor(model: TraceModel): Promise<MemoryAnalysis> {
  let p = memories.get(model);
  if (!p) {
    // from the trace worker when it has it
    p = Promise.resolve(workerMemories.get(model) ?? null).then((pre) => {
      workerMemories.delete(model);
      const stats = insightStatsOf(model);
      if (!pre) return runSliced(memoryWork(model), 8, undefined, stats.memory);
      stats.memoryWorkerMs = pre.workerMs;
      return pre.memory;
    });
    memories.set(model, p);
    p.catch(() => memories.get(model) === p && memories.delete(model)); // try again next time
  }
  return p;
}

/**
 * Shows an occurrence: the view zooms to its time range (a quarter of it as margin each side)
 * and its slices are highlighted (the rest dimmed), to be stepped through; returns the first
 * of them in time that shares time with it, for the caller to select and reveal (the timeline
 * knows the scrolling).
 */
export function showOccurrence(store: AppStore, t: LoadedTrace, o: { start: number; end: number; slices: number[] }, label: string): SliceRef | null {
  const m = t.model;
  const pad = Math.max(o.end - o.start, 1) * 0.25;
  const byTime = Uint32Array.from(o.slices).sort((a, b) => m.slices.start[a]! - m.slices.start[b]! || a - b);
  const byRow = Uint32Array.from(o.slices).sort();
  // The one selected: the first sharing time with the occurrence (a launch call may lie well before it).
  let at = byTime.findIndex((i) => m.slices.start[i]! <= o.end && m.slices.start[i]! + m.slices.dur[i]! >= o.start);
  if (at < 0) at = byTime.length ? 0 : -1;
  highlightSeq++;
  setHighlight(store, { trace: t.id, label, names: new Uint8Array(m.strings.length), instances: byTime, byRow, at });
  setView(store, { start: o.start - pad, end: o.end + pad });
  return at >= 0 ? { trace: t.id, slice: byTime[at]! } : null;
}

const allocators = new WeakMap<TraceModel, Promise<Int32Array>>();

/** The operator slice that made each allocation of memoryFor (-1: none), once per trace. */
export function allocationOperatorsFor(model: TraceModel): Promise<Int32Array> {
  let p = allocators.get(model);
  if (!p) {
    p = memoryFor(model).then((mem) => runSliced(allocationOperatorsWork(model, mem.allocations), 8, undefined, analysisStats));
    allocators.set(model, p);
    p.catch(() => allocators.get(model) === p && allocators.delete(model));
  }
  return p;
}

/** Operators read to tell whether a trace has Input Dims (Kineto writes them on every op, or on none). */
const PROBE_OPS = 16;

const probes = new WeakMap<TraceModel, Promise<boolean>>();

/** Whether the trace's operators carry `Input Dims`: the first few in file order, read back by the worker. */
export function hasInputShapes(t: LoadedTrace): Promise<boolean> {
  let p = probes.get(t.model);
  if (!p) {
    const ops = operatorSlices(t.model);
    p = ops.length === 0 ? Promise.resolve(false) : traceWorker().inputShapes(t.id, Comlink.transfer(ops, [ops.buffer]), PROBE_OPS).then((r) => r.shapes.length > 0);
    probes.set(t.model, p);
    p.catch(() => probes.delete(t.model)); // try again next time
  }
  return p;
}

interface ShapesPass {
  promise: Promise<SliceShapes>;
  /** Share of the operators read so far (0–1). */
  progress: number;
  listeners: Set<(fraction: number) => void>;
}

const shapePasses = new WeakMap<TraceModel, ShapesPass>();

/**
 * Every operator's `Input Dims`, per slice (-1: none), read back in one pass over the file by
 * the trace worker; once per trace. `onProgress` hears the share read (0–1) while it runs.
 */
export function inputShapesFor(t: LoadedTrace, onProgress?: (fraction: number) => void): Promise<SliceShapes> {
  let pass = shapePasses.get(t.model);
  if (!pass) {
    const ops = operatorSlices(t.model);
    const n = t.model.slices.dur.length;
    const listeners = new Set<(fraction: number) => void>();
    const state: ShapesPass = { promise: null as unknown as Promise<SliceShapes>, progress: 0, listeners };
    const tell = (done: number, total: number): void => {
      state.progress = total > 0 ? done / total : 1;
      for (const l of listeners) l(state.progress);
    };
    const slices = ops.slice();
    state.promise = traceWorker()
      .inputShapes(t.id, Comlink.transfer(ops, [ops.buffer]), undefined, Comlink.proxy(tell))
      .then((r) => {
        const ids = new Int32Array(n).fill(-1);
        for (let k = 0; k < slices.length; k++) ids[slices[k]!] = r.ids[k]!;
        return { ids, shapes: r.shapes };
      });
    // A failed pass is not kept: asking again reads again.
    state.promise.catch(() => shapePasses.delete(t.model));
    shapePasses.set(t.model, (pass = state));
  }
  if (onProgress) {
    const l = onProgress;
    pass.listeners.add(l);
    l(pass.progress);
    void pass.promise.finally(() => pass.listeners.delete(l)).catch(() => undefined);
  }
  return pass.promise;
}

/** The operator table grouped by name and input shapes (reading the shapes first if need be). */
export async function operatorShapeTableFor(t: LoadedTrace, window: TimeWindow | null, onProgress?: (fraction: number) => void): Promise<OperatorShapeRow[]> {
  const shapes = await inputShapesFor(t, onProgress);
  let perModel = cache.get(t.model);
  if (!perModel) cache.set(t.model, (perModel = new Map()));
  const key = `operators-shapes|${window ? `${window.start}|${window.end}` : 'all'}`;
  let p = perModel.get(key) as Promise<OperatorShapeRow[]> | undefined;
  if (!p) {
    p = runSliced(operatorShapeTableWork(t.model, shapes, window ?? undefined), 8, undefined, analysisStats);
    perModel.set(key, p);
  }
  return p;
}

export function findTrace(store: AppStore, id?: string): LoadedTrace | undefined {
  const { traces } = store.getState();
  return id === undefined ? traces[0] : traces.find((t) => t.id === id || t.name === id);
}

/** Bumped by each highlight or search asked for, and by a new trace: a late answer is dropped. */
let highlightSeq = 0;

/** The highlight and any search running are out of date (a new trace came in). */
export function forgetHighlights(): void {
  highlightSeq++;
  searchSeq++;
}

/** The trace is still loaded and no newer highlight was asked for since `seq`. */
function current(store: AppStore, t: LoadedTrace, seq: number): boolean {
  // By id and model: aligning a run replaces its LoadedTrace (a new offset), not its model.
  return seq === highlightSeq && store.getState().traces.some((x) => x.id === t.id && x.model === t.model);
}

/** Highlights every slice of the trace whose name id is marked, and returns the highlight. */
export async function highlightNames(store: AppStore, t: LoadedTrace, names: Uint8Array, label: string, seq = ++highlightSeq): Promise<Highlight> {
  const { byTime, byRow } = await runSliced(matchesWork(t.model, names), 8, undefined, analysisStats);
  const h: Highlight = { trace: t.id, label, names, instances: byTime, byRow, at: -1 };
  if (current(store, t, seq)) setHighlight(store, h);
  return h;
}

/**
 * Highlights the slices named `name` in every trace given that has it (a Diff row: both runs);
 * the first with the name is the one stepped through. Null when none has it.
 */
export async function highlightNameIn(store: AppStore, traces: readonly LoadedTrace[], name: string): Promise<Highlight | null> {
  const seq = ++highlightSeq;
  const hs: Highlight[] = [];
  for (const t of traces) {
    const mask = new Uint8Array(t.model.strings.length);
    let any = false;
    for (const id of sliceNameIds(t.model)) {
      if (t.model.strings[id] === name) {
        mask[id] = 1;
        any = true;
      }
    }
    if (!any) continue;
    const { byTime, byRow } = await runSliced(matchesWork(t.model, mask), 8, undefined, analysisStats);
    hs.push({ trace: t.id, label: name, names: mask, instances: byTime, byRow, at: -1 });
  }
  if (hs.length === 0) return null;
  const h: Highlight = { ...hs[0]!, also: hs.slice(1) };
  if (seq === highlightSeq && traces.every((t) => store.getState().traces.some((x) => x.id === t.id && x.model === t.model))) setHighlight(store, h);
  return h;
}

/** Highlights the slices named `name` (a table row). */
export function highlightName(store: AppStore, t: LoadedTrace, name: string): Promise<Highlight> {
  const mask = new Uint8Array(t.model.strings.length);
  // A name can be interned once only, but look at every id: cheap, and never wrong.
  for (const id of sliceNameIds(t.model)) if (t.model.strings[id] === name) mask[id] = 1;
  return highlightNames(store, t, mask, name);
}

/**
 * Highlights the calls of operator `name` with these input shapes (null: those without): the
 * instances stepped through are theirs; the canvas marks the name.
 */
export async function highlightNameShapes(store: AppStore, t: LoadedTrace, name: string, shapes: string | null, label: string): Promise<Highlight> {
  const seq = ++highlightSeq;
  const mask = new Uint8Array(t.model.strings.length);
  for (const id of sliceNameIds(t.model)) if (t.model.strings[id] === name) mask[id] = 1;
  const h = await highlightNames(store, t, mask, name, -1); // not shown: the shapes' subset is
  const { ids, shapes: all } = await inputShapesFor(t);
  const want = shapes === null ? -1 : all.indexOf(shapes);
  const roles = categoryRoles(t.model);
  const cat = t.model.slices.cat;
  const mine = (i: number): boolean => ids[i] === want && roles[cat[i]!] === ROLE_OPERATOR;
  const out: Highlight = { ...h, label, instances: h.instances.filter(mine), byRow: h.byRow.filter(mine) };
  if (current(store, t, seq)) setHighlight(store, out);
  return out;
}

/** Moves the highlight's cursor by `delta` (wrapping) and returns the instance to show. */
export function stepHighlight(store: AppStore, delta: number): { trace: string; slice: number } | null {
  const h = store.getState().highlight;
  if (!h || h.instances.length === 0) return null;
  const n = h.instances.length;
  const at = h.at < 0 ? (delta >= 0 ? 0 : n - 1) : (((h.at + delta) % n) + n) % n;
  setHighlight(store, { ...h, at });
  return { trace: h.instanceTraces?.[at] ?? h.trace, slice: h.instances[at]! };
}

export function clearHighlight(store: AppStore): void {
  setHighlight(store, null);
}

let searchSeq = 0;

/**
 * Searches slice and instant names in every loaded trace, highlights the matches of the first
 * trace that has any, and returns the count over all traces. An invalid or runaway regular
 * expression is reported in the store (and rejects).
 */
export async function runSearch(store: AppStore, text: string): Promise<{ count: number }> {
  const seq = ++searchSeq;
  const traces = store.getState().traces;
  if (text.trim() === '') {
    setSearch(store, { text, count: null, error: null, busy: false }, null);
    return { count: 0 };
  }
  const parsed = parseQuery(text);
  if ('error' in parsed) {
    setSearch(store, { text, count: null, error: parsed.error, busy: false });
    throw new Error(parsed.error);
  }
  setSearch(store, { text, count: null, error: null, busy: true });
  try {
    let count = 0;
    let first: Highlight | null = null;
    for (const t of traces) {
      let mask: Uint8Array;
      const q = parsed.query;
      // Built in the background after a load (a resolved promise: the search goes on in this task).
      const { ids } = await nameIndexFor(t.model);
      if (seq !== searchSeq) return { count };
      if (q.kind === 'regex') {
        const names = Array.from(ids, (id) => t.model.strings[id]!);
        const hits = await regexMatches(names, q.source, q.flags);
        mask = new Uint8Array(t.model.strings.length);
        for (const k of hits) mask[ids[k]!] = 1;
      } else {
        const test = nameTest(q);
        mask = new Uint8Array(t.model.strings.length);
        for (const id of ids) if (test(t.model.strings[id]!)) mask[id] = 1;
      }
      if (seq !== searchSeq) return { count }; // a newer search (or trace) took over
      const { byTime, byRow } = await runSliced(matchesWork(t.model, mask), 8, undefined, analysisStats, true);
      if (seq !== searchSeq) return { count };
      count += byTime.length;
      if (!first && byTime.length > 0) first = { trace: t.id, label: text, names: mask, instances: byTime, byRow, at: -1 };
    }
    highlightSeq++; // a row's highlight asked for before this search must not replace it
    setSearch(store, { text, count, error: null, busy: false }, first);
    return { count };
  } catch (e) {
    const error = (e as Error).message;
    if (seq === searchSeq) setSearch(store, { text, count: null, error, busy: false }, null);
    throw e;
  }
}
