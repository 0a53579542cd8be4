// The parent of every slice: the slice that directly encloses it on its own track, or -1.
//
// The layout (model/layout.ts) nests slices with a stack per lane, so a slice on row r that
// has a parent has it on row r − 1, and that row is sorted and disjoint: the candidate is
// the last slice of row r − 1 starting at or before it. Slices that overlap without nesting
// start lanes of their own (rows below), and the candidate above a lane's first row does not
// contain them. One merge of the two sorted rows, no sort; children always come after their parent
// in the columns' order, so a pass in index order sees a parent before its children.

import type { TraceModel } from '../model/types.ts';
import { firstStartingAfter } from '../index/row-index.ts';
import { YIELD_MASK, runNow, runSliced, type Work } from './sliced.ts';

/** Twice the layout's nesting tolerance (1e-6 µs): a child may overhang its parent by that, plus float slack. */
const EPS = 2e-6;

const cache = new WeakMap<TraceModel, Int32Array>();
const running = new WeakMap<TraceModel, Promise<Int32Array>>();

export function* parentsWork(m: TraceModel): Work<Int32Array> {
  const cached = cache.get(m);
  if (cached) return cached;
  const { start, dur } = m.slices;
  const parent = new Int32Array(start.length).fill(-1);
  // A piece of row [lo, hi) against the row above [above, aboveEnd): both sorted by start, so
  // the first slice above starting after s only moves on. A plain function, not a loop in the
  // generator, so that V8 optimises it (sliced.ts).
  const piece = (lo: number, hi: number, above: number, aboveEnd: number): void => {
    let after = firstStartingAfter(start, above, aboveEnd, start[lo]!);
    for (let i = lo; i < hi; i++) {
      const s = start[i]!;
      const e = s + dur[i]!;
      while (after < aboveEnd && start[after]! <= s) after++;
      // Walk back over the (rarely more than one) candidates still open at s.
      for (let p = after - 1; p >= above; p--) {
        const pe = start[p]! + dur[p]!;
        if (pe <= s) break; // ended by then: the layout closes a slice at its end
        if (e <= pe + EPS) {
          parent[i] = p;
          break;
        }
      }
    }
  };
  let steps = 0;
  for (const t of m.tracks) {
    const rows = t.rowStart;
    for (let r = 1; r + 1 < rows.length; r++) {
      for (let lo = rows[r]!; lo < rows[r + 1]!; lo += YIELD_MASK + 1) {
        const hi = Math.min(rows[r + 1]!, lo + YIELD_MASK + 1);
        piece(lo, hi, rows[r - 1]!, rows[r]!);
        steps += hi - lo;
        if (steps > YIELD_MASK) {
          steps = 0;
          yield;
        }
      }
    }
  }
  cache.set(m, parent);
  return parent;
}

/** parentsWork, at once. */
export function parentsOf(m: TraceModel): Int32Array {
  return runNow(parentsWork(m));
}

/** Keeps parents worked out elsewhere (analysis/whole.ts works them out in its own pass). */
export function rememberParents(m: TraceModel, parent: Int32Array): void {
  cache.set(m, parent);
}

/** The parents if they have been worked out already, else null. */
export function cachedParents(m: TraceModel): Int32Array | null {
  return cache.get(m) ?? null;
}

/** parentsWork in tasks of a few ms (runSliced), once per model however many ask at a time. */
export function parentsInBackground(m: TraceModel): Promise<Int32Array> {
  const done = cache.get(m);
  if (done) return Promise.resolve(done);
  let p = running.get(m);
  if (!p) {
    p = runSliced(parentsWork(m));
    running.set(m, p);
    const forget = (): void => void running.delete(m);
    p.then(forget, forget);
  }
  return p;
}
