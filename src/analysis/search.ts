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

const namesCache = new WeakMap<TraceModel, Uint32Array>();

/** The distinct name ids the model's slices use, ascending. */
export function sliceNameIds(m: TraceModel): Uint32Array {
  let ids = namesCache.get(m);
  if (ids) return ids;
  const seen = new Uint8Array(m.strings.length);
  const names = m.slices.name;
  let n = 0;
  for (let i = 0; i < names.length; i++) {
    if (!seen[names[i]!]) {
      seen[names[i]!] = 1;
      n++;
    }
  }
  ids = new Uint32Array(n);
  for (let id = 0, k = 0; id < seen.length; id++) if (seen[id]) ids[k++] = id;
  namesCache.set(m, ids);
  return ids;
}

/** mask[nameId] = 1 where the name passes `test`. */
export function matchNames(m: TraceModel, test: (name: string) => boolean): Uint8Array {
  const mask = new Uint8Array(m.strings.length);
  for (const id of sliceNameIds(m)) if (test(m.strings[id]!)) mask[id] = 1;
  return mask;
}

/** The slices whose name id is marked: in column order (track, row, start) and in time order. */
export interface Matches {
  byRow: Uint32Array;
  byTime: Uint32Array;
}

export function* matchesWork(m: TraceModel, mask: Uint8Array): Work<Matches> {
  const { name, start } = m.slices;
  let n = 0;
  yield* forChunks(name.length, (lo, hi) => {
    for (let i = lo; i < hi; i++) if (mask[name[i]!]) n++;
  });
  const byRow = new Uint32Array(n);
  let k = 0;
  yield* forChunks(name.length, (lo, hi) => {
    for (let i = lo; i < hi; i++) if (mask[name[i]!]) byRow[k++] = i;
  });
  // Within a row the columns are in time order already; rows interleave, so sort a copy once.
  yield;
  const byTime = byRow.slice();
  orderByStart(byTime, start, m.slices.dur);
  return { byRow, byTime };
}

/** The slices whose name id is marked, ordered by start (longest first on ties, then index). */
export function* slicesMatchingWork(m: TraceModel, mask: Uint8Array): Work<Uint32Array> {
  return (yield* matchesWork(m, mask)).byTime;
}

export function slicesMatching(m: TraceModel, mask: Uint8Array): Uint32Array {
  return runNow(slicesMatchingWork(m, mask));
}
