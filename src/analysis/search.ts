// Search by slice name: a case-insensitive substring, or `/regex/flags`. Names are tested
// once each (a trace has far fewer distinct names than slices); the matches are the slices
// and instants bearing a matching name, in time order.

import type { TraceModel } from '../model/types.ts';
import { orderByStart } from '../model/layout.ts';
import { forChunks, runNow, type Work } from './sliced.ts';

export type Query = { kind: 'substring'; text: string } | { kind: 'regex'; source: string; flags: string };

/** Reads what the user typed; an invalid regular expression comes back as an error to show. */
export function parseQuery(input: string): { query: Query } | { error: string } {
  const re = /^\/(.*)\/([a-z]*)$/s.exec(input);
  if (re && input.length >= 2) {
    const [, source, flags] = re as unknown as [string, string, string];
    if (source === '') return { error: 'empty regular expression' };
    const safeFlags = flags.replace(/[gy]/g, '');
    try {
      new RegExp(source, safeFlags);
    } catch (e) {
      return { error: `invalid regular expression: ${(e as Error).message}` };
    }
    return { query: { kind: 'regex', source, flags: safeFlags } };
  }
  return { query: { kind: 'substring', text: input } };
}

/** A test for one name (a regex is compiled once). */
export function nameTest(q: Query): (name: string) => boolean {
  if (q.kind === 'substring') {
    const needle = q.text.toLowerCase();
    return (s) => s.toLowerCase().includes(needle);
  }
  const re = new RegExp(q.source, q.flags);
  return (s) => re.test(s);
}

/**
 * The slices grouped by name id: `slices[first[id] .. first[id + 1])` are the slices named
 * `id`, in column order (track, row, start). A search then costs the matches, not the trace.
 */
export interface NameIndex {
  /** The distinct name ids the slices use, ascending. */
  ids: Uint32Array;
  first: Uint32Array;
  slices: Uint32Array;
}

const indexCache = new WeakMap<TraceModel, NameIndex>();

export function cachedNameIndex(m: TraceModel): NameIndex | null {
  return indexCache.get(m) ?? null;
}

export function* nameIndexWork(m: TraceModel): Work<NameIndex> {
  const cached = indexCache.get(m);
  if (cached) return cached;
  const names = m.slices.name;
  const first = new Uint32Array(m.strings.length + 1);
  yield* forChunks(names.length, (lo, hi) => {
    for (let i = lo; i < hi; i++) first[names[i]! + 1]!++;
  });
  let distinct = 0;
  for (let id = 0; id < m.strings.length; id++) {
    if (first[id + 1] !== 0) distinct++;
    first[id + 1]! += first[id]!;
  }
  const ids = new Uint32Array(distinct);
  for (let id = 0, k = 0; id < m.strings.length; id++) if (first[id + 1] !== first[id]) ids[k++] = id;
  const slices = new Uint32Array(names.length);
  const next = first.slice(0, m.strings.length);
  yield* forChunks(names.length, (lo, hi) => {
    for (let i = lo; i < hi; i++) slices[next[names[i]!]!++] = i;
  });
  const index: NameIndex = { ids, first, slices };
  indexCache.set(m, index);
  return index;
}

export function nameIndex(m: TraceModel): NameIndex {
  return runNow(nameIndexWork(m));
}

/** The distinct name ids the model's slices use, ascending. */
export function sliceNameIds(m: TraceModel): Uint32Array {
  return nameIndex(m).ids;
}

/** mask[nameId] = 1 where the name passes `test`. */
export function matchNames(m: TraceModel, test: (name: string) => boolean): Uint8Array {
  const mask = new Uint8Array(m.strings.length);
  for (const id of sliceNameIds(m)) if (test(m.strings[id]!)) mask[id] = 1;
  return mask;
}

/** The slices whose name id is marked, in index order (column order: track, row, start), from the name index: the cost of the matches. */
export function* slicesNamedWork(m: TraceModel, mask: Uint8Array): Work<Uint32Array> {
  const { ids, first, slices } = yield* nameIndexWork(m);
  let n = 0;
  let names = 0;
  for (const id of ids) {
    if (mask[id]) {
      n += first[id + 1]! - first[id]!;
      names++;
    }
  }
  const out = new Uint32Array(n);
  let k = 0;
  for (const id of ids) {
    if (!mask[id]) continue;
    out.set(slices.subarray(first[id]!, first[id + 1]!), k);
    k += first[id + 1]! - first[id]!;
  }
  if (names > 1) out.sort();
  return out;
}

/** The slices whose name id is marked: in column order (track, row, start) and in time order. */
export interface Matches {
  byRow: Uint32Array;
  byTime: Uint32Array;
}

export function* matchesWork(m: TraceModel, mask: Uint8Array): Work<Matches> {
  // Each name's slices are in column order; several names interleave: merged by sorting.
  const byRow = yield* slicesNamedWork(m, mask);
  if (byRow.length > 1 << 16) yield; // the time order below is a sort of its own
  // Within a row the columns are in time order already; rows interleave, so sort a copy once.
  const byTime = byRow.slice();
  orderByStart(byTime, m.slices.start, m.slices.dur);
  return { byRow, byTime };
}

/** The slices whose name id is marked, ordered by start (longest first on ties, then index). */
export function* slicesMatchingWork(m: TraceModel, mask: Uint8Array): Work<Uint32Array> {
  return (yield* matchesWork(m, mask)).byTime;
}

export function slicesMatching(m: TraceModel, mask: Uint8Array): Uint32Array {
  return runNow(slicesMatchingWork(m, mask));
}
