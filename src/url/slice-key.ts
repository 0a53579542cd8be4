// A slice by a key that survives a reload (its track's pid and tid, start and name), and back.

import type { TraceModel } from '../model/types.ts';
import { formatUs, parseUs, type SliceKey } from './view-url.ts';

export function sliceKey(m: TraceModel, slice: number, trace: number): SliceKey {
  const track = m.tracks[m.slices.track[slice]!]!;
  return {
    trace,
    pid: m.processes[track.process]!.pid,
    tid: track.tid,
    // As the URL will carry it, so a key compares equal to its own round trip.
    start: parseUs(formatUs(m.slices.start[slice]!))!,
    name: m.strings[m.slices.name[slice]!]!,
  };
}

/** Half a nanosecond, and a little for the float64 sum: the URL writes starts to the ns. */
const TOLERANCE = 0.0005 + 1e-9;

/**
 * The slice of `m` with this key, or -1: in the tracks of the process with that pid and that
 * tid (a thread, a GPU stream, or an async category), the slice named so whose start rounds to
 * the key's, searched by bisection in each row (a row's starts are sorted).
 */
export function findSliceByKey(m: TraceModel, key: Pick<SliceKey, 'pid' | 'tid' | 'start' | 'name'>): number {
  const nameId = m.strings.indexOf(key.name);
  if (nameId < 0) return -1;
  const { start, name } = m.slices;
  let best = -1;
  let bestDiff = Infinity;
  for (const p of m.processes) {
    if (p.pid !== key.pid) continue;
    for (const ti of p.tracks) {
      const t = m.tracks[ti]!;
      if (t.tid !== key.tid) continue;
      for (let r = 0; r + 1 < t.rowStart.length; r++) {
        const hi0 = t.rowStart[r + 1]!;
        // First slice of the row starting at or after key.start - TOLERANCE.
        let lo = t.rowStart[r]!;
        let hi = hi0;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (start[mid]! < key.start - TOLERANCE) lo = mid + 1;
          else hi = mid;
        }
        for (let i = lo; i < hi0 && start[i]! <= key.start + TOLERANCE; i++) {
          const d = Math.abs(start[i]! - key.start);
          if (name[i] === nameId && d < bestDiff) {
            best = i;
            bestDiff = d;
          }
        }
      }
    }
  }
  return best;
}
