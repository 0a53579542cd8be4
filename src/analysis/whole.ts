// The whole-trace operator and range tables in one pass over the slices, for the common
// question "where did the time go in this trace?": each pass over the columns costs tens of
// ms on a big trace, so this one finds every slice's parent (when not known yet), its nearest
// operator, and sums per name as it goes, with no per-slice arrays beyond those two. Windowed
// tables (a range) take the general paths in operators.ts and slices.ts; tests check both
// give the same rows for the whole trace.

import { FLAG_GPU, FLAG_LAUNCH, type TraceModel } from '../model/types.ts';
import { firstStartingAfter } from '../index/row-index.ts';
import { cachedParents, rememberParents } from './nesting.ts';
import { categoryRoles, ROLE_OPERATOR, ROLE_RUNTIME } from './roles.ts';
import { YIELD_MASK, type Work } from './sliced.ts';
import type { TimeWindow } from './window.ts';

/** As nesting.ts: a child may overhang its parent by this much (µs). */
const EPS = 2e-6;

export interface WholeTrace {
  /** Per name id: operators' calls, host total and self, device total and self (µs). */
  opCount: Uint32Array;
  opHostTotal: Float64Array;
  opHostSelf: Float64Array;
  opDeviceTotal: Float64Array;
  opDeviceSelf: Float64Array;
  /** Per name id · 2 + (1 on a GPU stream): slices' count, total, self, min and max (µs). */
  count: Uint32Array;
  total: Float64Array;
  self: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

const cache = new WeakMap<TraceModel, WholeTrace>();

/** The window is the whole trace (or none was given). */
export function coversWholeTrace(m: TraceModel, w: TimeWindow | undefined | null): boolean {
  return !w || (w.start <= 0 && w.end >= m.endUs);
}

export function* wholeTraceWork(m: TraceModel): Work<WholeTrace> {
  const done = cache.get(m);
  if (done) return done;
  const roles = categoryRoles(m);
  const { start, dur, cat, name, flags } = m.slices;
  const n = dur.length;
  const known = cachedParents(m);
  const parent = known ?? new Int32Array(n).fill(-1);
  const nearestOp = new Int32Array(n);
  const ids = m.strings.length;
  const w: WholeTrace = {
    opCount: new Uint32Array(ids), opHostTotal: new Float64Array(ids), opHostSelf: new Float64Array(ids),
    opDeviceTotal: new Float64Array(ids), opDeviceSelf: new Float64Array(ids),
    count: new Uint32Array(ids * 2), total: new Float64Array(ids * 2), self: new Float64Array(ids * 2),
    min: new Float64Array(ids * 2).fill(Infinity), max: new Float64Array(ids * 2),
  };
  const { opCount, opHostTotal, opHostSelf, opDeviceTotal, opDeviceSelf, count, total, self, min, max } = w;
  const { from, to, kind } = m.flows;
  let fc = 0; // flows are sorted by `from`: a cursor follows the slices
  // One row at a time, in slice order (tracks, then rows, then start): a parent, on the row
  // above, always comes first.
  const row = (lo: number, hi: number, above: number, aboveEnd: number, g: number): void => {
    let after = above < aboveEnd ? firstStartingAfter(start, above, aboveEnd, start[lo]!) : above;
    for (let i = lo; i < hi; i++) {
      const s = start[i]!;
      const d = dur[i]!;
      let p = -1;
      if (known) p = parent[i]!;
      else if (above < aboveEnd) {
        // As nesting.ts: the last slice above starting at or before s that is still open.
        while (after < aboveEnd && start[after]! <= s) after++;
        for (let c = after - 1; c >= above; c--) {
          const ce = start[c]! + dur[c]!;
          if (ce <= s) break;
          if (s + d <= ce + EPS) {
            p = c;
            break;
          }
        }
        parent[i] = p;
      }
      const q0 = p < 0 ? -1 : roles[cat[p]!] === ROLE_OPERATOR ? p : nearestOp[p]!;
      nearestOp[i] = q0;
      const nm = name[i]!;
      const k = nm * 2 + g;
      count[k]!++;
      total[k] += d;
      self[k] += d;
      if (d < min[k]!) min[k] = d;
      if (d > max[k]!) max[k] = d;
      if (p >= 0) self[name[p]! * 2 + g] -= d;
      const role = roles[cat[i]!];
      if (role === ROLE_OPERATOR) {
        opCount[nm]!++;
        opHostTotal[nm] += d;
        opHostSelf[nm] += d;
        if (q0 >= 0) opHostSelf[name[q0]!] -= d;
      }
      while (fc < from.length && from[fc]! < i) fc++;
      if (role !== ROLE_RUNTIME || !(flags[i]! & FLAG_LAUNCH)) continue;
      let launched = 0;
      for (let f = fc; f < from.length && from[f] === i; f++) {
        if (kind[f] === 2 && flags[to[f]!]! & FLAG_GPU) launched += dur[to[f]!]!;
      }
      if (launched === 0 || q0 < 0) continue;
      opDeviceSelf[name[q0]!] += launched;
      for (let q = q0; q >= 0; q = nearestOp[q]!) opDeviceTotal[name[q]!] += launched;
    }
  };
  let steps = 0;
  for (const t of m.tracks) {
    const rows = t.rowStart;
    const g = t.kind === 'gpu' ? 1 : 0;
    for (let r = 0; r + 1 < rows.length; r++) {
      // Long rows in pieces, so the page gets its thread back.
      for (let lo = rows[r]!; lo < rows[r + 1]!; lo += YIELD_MASK + 1) {
        row(lo, Math.min(rows[r + 1]!, lo + YIELD_MASK + 1), r > 0 ? rows[r - 1]! : 0, r > 0 ? rows[r]! : 0, g);
        steps += YIELD_MASK + 1;
        if (steps > YIELD_MASK) {
          steps = 0;
          yield;
        }
      }
    }
  }
  if (!known) rememberParents(m, parent);
  cache.set(m, w);
  return w;
}
