// What the details panel adds to a slice's own fields: its self time, the chain of slices
// enclosing it, the GPU work it launched or that launched it, and for a CPU op the GPU work
// launched inside it. All by bisection over the columns around the one slice.

import { FLAG_GPU, FLAG_LAUNCH, type TraceModel } from '../model/types.ts';
import { firstStartingAtOrAfter } from '../index/row-index.ts';
import { parentsOf } from './nesting.ts';

/** A flow that is a launch link by args.correlation (model/flows.ts). */
const CORRELATION = 2;

export interface LinkedSlice {
  slice: number;
  name: string;
  track: string;
  start: number;
  /** The GPU event's start − its launch call's start, µs. */
  latencyUs: number;
}

export interface SliceAnalysis {
  /** Duration − the durations of its direct children on its track, µs. */
  selfUs: number;
  /** Enclosing slices, the outermost first. */
  parents: number[];
  /** For a GPU event: the runtime call that launched it. */
  launch: LinkedSlice | null;
  /** For a launch call: the GPU events it launched, in time order. */
  launched: LinkedSlice[];
  /** For any slice with launches inside it on its thread: how many GPU events, and their summed duration. */
  gpuInside: { count: number; deviceUs: number } | null;
}

function trackName(m: TraceModel, i: number): string {
  const t = m.tracks[m.slices.track[i]!]!;
  return `${m.processes[t.process]!.name} / ${t.name}`;
}

function link(m: TraceModel, slice: number, gpu: number, launch: number): LinkedSlice {
  const s = m.slices.start;
  return { slice, name: m.strings[m.slices.name[slice]!]!, track: trackName(m, slice), start: s[slice]!, latencyUs: s[gpu]! - s[launch]! };
}

/** The direct children of slice i (its track's next row, within its span, whose parent it is). */
export function childrenOf(m: TraceModel, i: number, parent: Int32Array = parentsOf(m)): number[] {
  const { start, dur, depth, track } = m.slices;
  const rows = m.tracks[track[i]!]!.rowStart;
  const r = depth[i]! + 1;
  if (r + 1 >= rows.length) return [];
  const out: number[] = [];
  const end = start[i]! + dur[i]!;
  for (let k = firstStartingAtOrAfter(start, rows[r]!, rows[r + 1]!, start[i]!); k < rows[r + 1]! && start[k]! <= end; k++) {
    if (parent[k] === i) out.push(k);
  }
  return out;
}

/** The launch links of slice i: its launch call (a GPU event) or its GPU events (a launch call). Needs no nesting. */
export function launchLinks(m: TraceModel, i: number): Pick<SliceAnalysis, 'launch' | 'launched'> {
  const flags = m.slices.flags;
  const F = m.flows;
  let launch: LinkedSlice | null = null;
  if (flags[i]! & FLAG_GPU) {
    for (let k = lowerBound(F.to, F.byTo, i); k < F.byTo.length && F.to[F.byTo[k]!] === i; k++) {
      const from = F.from[F.byTo[k]!]!;
      if (F.kind[F.byTo[k]!] === CORRELATION && flags[from]! & FLAG_LAUNCH) {
        launch = link(m, from, i, from);
        break;
      }
    }
  }
  const launched: LinkedSlice[] = [];
  gpuOf(m, i, (b) => launched.push(link(m, b, b, i)));
  launched.sort((a, b) => a.start - b.start);
  return { launch, launched };
}

/** Calls visit for each GPU event that launch call `a` launched (by correlation). */
function gpuOf(m: TraceModel, a: number, visit: (gpu: number) => void): void {
  const flags = m.slices.flags;
  const F = m.flows;
  if (!(flags[a]! & FLAG_LAUNCH)) return;
  for (let f = lowerBound(F.from, null, a); f < F.from.length && F.from[f] === a; f++) {
    const b = F.to[f]!;
    if (F.kind[f] === CORRELATION && flags[b]! & FLAG_GPU) visit(b);
  }
}

export function analyseSlice(m: TraceModel, i: number): SliceAnalysis {
  const parent = parentsOf(m);
  const { start, dur, flags, depth, track } = m.slices;
  let selfUs = dur[i]!;
  for (const c of childrenOf(m, i, parent)) selfUs -= dur[c]!;
  const parents: number[] = [];
  for (let p = parent[i]!; p >= 0; p = parent[p]!) parents.unshift(p);
  const { launch, launched } = launchLinks(m, i);

  // Launches anywhere below it on its track (rows deeper than its own, within its span).
  let count = 0;
  let deviceUs = 0;
  const rows = m.tracks[track[i]!]!.rowStart;
  const end = start[i]! + dur[i]!;
  for (let r = depth[i]! + 1; r + 1 < rows.length; r++) {
    for (let k = firstStartingAtOrAfter(start, rows[r]!, rows[r + 1]!, start[i]!); k < rows[r + 1]! && start[k]! <= end; k++) {
      if (!(flags[k]! & FLAG_LAUNCH)) continue;
      let inside = false;
      for (let p = parent[k]!; p >= 0 && !inside; p = parent[p]!) inside = p === i;
      if (!inside) continue;
      gpuOf(m, k, (b) => {
        count++;
        deviceUs += dur[b]!;
      });
    }
  }
  return { selfUs, parents, launch, launched, gpuInside: count > 0 ? { count, deviceUs } : null };
}

/** First k with key(k) >= v, where key(k) = keys[perm ? perm[k] : k] (sorted ascending). */
function lowerBound(keys: Uint32Array, perm: Uint32Array | null, v: number): number {
  let lo = 0;
  let hi = perm ? perm.length : keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[perm ? perm[mid]! : mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
