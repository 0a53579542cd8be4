// The analysis tables and search, for the page and window.kinetoscope: run over a loaded
// trace's columns in tasks of a few milliseconds (analysis/sliced.ts), each result kept
// per trace and window so that switching tabs or asking twice costs nothing.

import { kernelTableWork, type KernelRow } from '../analysis/kernels.ts';
import { operatorTableWork, type OperatorRow } from '../analysis/operators.ts';
import { matchNames, nameTest, parseQuery, sliceNameIds, slicesMatchingWork } from '../analysis/search.ts';
import { runSliced, type SliceStats, type Work } from '../analysis/sliced.ts';
import { rangeTableWork, type RangeTable } from '../analysis/slices.ts';
import type { TimeWindow } from '../analysis/window.ts';
import type { TraceModel } from '../model/types.ts';
import type { AppStore, Highlight, LoadedTrace } from '../store/app-store.ts';
import { regexMatches } from '../worker/name-match.ts';

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
    const work: Work<unknown> = kind === 'kernels' ? kernelTableWork(model, w) : kind === 'operators' ? operatorTableWork(model, w) : rangeTableWork(model, w);
    p = runSliced(work, 8, undefined, analysisStats);
    perModel.set(key, p);
    // Keep a handful of windows per trace: dragging a range asks for many.
    if (perModel.size > 24) perModel.delete(perModel.keys().next().value!);
  }
  return p as Promise<Result<K>>;
}

export function findTrace(store: AppStore, id?: string): LoadedTrace | undefined {
  const { traces } = store.getState();
  return id === undefined ? traces[0] : traces.find((t) => t.id === id || t.name === id);
}

/** Highlights every slice of the trace whose name id is marked, and returns the highlight. */
export async function highlightNames(store: AppStore, t: LoadedTrace, names: Uint8Array, label: string): Promise<Highlight> {
  const instances = await runSliced(slicesMatchingWork(t.model, names), 8, undefined, analysisStats);
  const h: Highlight = { trace: t.id, label, names, instances, at: -1 };
  store.setState({ highlight: h });
  return h;
}

/** Highlights the slices named `name` (a table row). */
export function highlightName(store: AppStore, t: LoadedTrace, name: string): Promise<Highlight> {
  const mask = new Uint8Array(t.model.strings.length);
  // A name can be interned once only, but look at every id: cheap, and never wrong.
  for (const id of sliceNameIds(t.model)) if (t.model.strings[id] === name) mask[id] = 1;
  return highlightNames(store, t, mask, name);
}

/** Moves the highlight's cursor by `delta` (wrapping) and returns the instance to show. */
export function stepHighlight(store: AppStore, delta: number): { trace: string; slice: number } | null {
  const h = store.getState().highlight;
  if (!h || h.instances.length === 0) return null;
  const n = h.instances.length;
  const at = h.at < 0 ? (delta >= 0 ? 0 : n - 1) : (((h.at + delta) % n) + n) % n;
  store.setState({ highlight: { ...h, at } });
  return { trace: h.trace, slice: h.instances[at]! };
}

export function clearHighlight(store: AppStore): void {
  store.setState({ highlight: null });
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
    store.setState({ search: { text, count: null, error: null, busy: false }, highlight: null });
    return { count: 0 };
  }
  const parsed = parseQuery(text);
  if ('error' in parsed) {
    store.setState({ search: { text, count: null, error: parsed.error, busy: false } });
    throw new Error(parsed.error);
  }
  store.setState({ search: { text, count: null, error: null, busy: true } });
  try {
    let count = 0;
    let first: Highlight | null = null;
    for (const t of traces) {
      let mask: Uint8Array;
      const q = parsed.query;
      if (q.kind === 'regex') {
        const ids = sliceNameIds(t.model);
        const names = Array.from(ids, (id) => t.model.strings[id]!);
        const hits = await regexMatches(names, q.source, q.flags);
        mask = new Uint8Array(t.model.strings.length);
        for (const k of hits) mask[ids[k]!] = 1;
      } else mask = matchNames(t.model, nameTest(q));
      const instances = await runSliced(slicesMatchingWork(t.model, mask), 8, undefined, analysisStats);
      if (seq !== searchSeq) return { count };
      count += instances.length;
      if (!first && instances.length > 0) first = { trace: t.id, label: text, names: mask, instances, at: -1 };
    }
    store.setState({ search: { text, count, error: null, busy: false }, highlight: first });
    return { count };
  } catch (e) {
    const error = (e as Error).message;
    if (seq === searchSeq) store.setState({ search: { text, count: null, error, busy: false }, highlight: null });
    throw e;
  }
}
