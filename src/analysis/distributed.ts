// The ranks of a distributed run: per rank and step, the TensorBoard plugin's breakdown
// (computation, communication, their overlap, other), and collectives matched across ranks
// with their wait and transfer time (../../docs/analysis.md).

import type { TraceModel } from '../model/types.ts';
import { categoryRoles, ROLE_KERNEL } from './roles.ts';

/** A step of one rank, µs in that rank's model time. */
export interface StepSpan {
  name: string;
  start: number;
  end: number;
}

export interface RankStep {
  name: string;
  computationUs: number;
  communicationUs: number;
  overlapUs: number;
  otherUs: number;
}

const isNccl = (name: string): boolean => name.toLowerCase().includes('nccl');

/**
 * Sorted, disjoint [start, end) pairs covering the intervals given (flat: s0, e0, s1, e1, ...);
 * touching intervals merge. Built from the starts and the ends sorted apart (native typed-array
 * sorts): the intervals open at t are #(starts ≤ t) − #(ends < t) whatever the pairing.
 */
export function mergeIntervals(flat: ArrayLike<number>): Float64Array {
  let n = 0;
  const S = new Float64Array(flat.length / 2);
  const E = new Float64Array(flat.length / 2);
  for (let k = 0; k + 1 < flat.length; k += 2) {
    if (!(flat[k + 1]! > flat[k]!)) continue;
    S[n] = flat[k]!;
    E[n++] = flat[k + 1]!;
  }
  const starts = S.subarray(0, n).sort();
  const ends = E.subarray(0, n).sort();
  const out: number[] = [];
  let i = 0;
  let j = 0;
  let depth = 0;
  let from = 0;
  while (j < n) {
    if (i < n && starts[i]! <= ends[j]!) {
      if (depth++ === 0) from = starts[i]!;
      i++;
    } else {
      if (--depth === 0) out.push(from, ends[j]!);
      j++;
    }
  }
  return Float64Array.from(out);
}

/** Pairs covering what both merged sets cover. */
export function intersectIntervals(a: Float64Array, b: Float64Array): Float64Array {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i]!, b[j]!);
    const e = Math.min(a[i + 1]!, b[j + 1]!);
    if (e > s) out.push(s, e);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return Float64Array.from(out);
}

/** How much of [s, e) the merged pairs cover (the first pair reaching s found by bisection). */
export function coveredWithin(merged: Float64Array, s: number, e: number): number {
  let lo = 0;
  let hi = merged.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (merged[2 * mid + 1]! <= s) lo = mid + 1;
    else hi = mid;
  }
  let t = 0;
  for (let k = 2 * lo; k < merged.length; k += 2) {
    if (merged[k]! >= e) break;
    t += Math.max(0, Math.min(e, merged[k + 1]!) - Math.max(s, merged[k]!));
  }
  return t;
}

/** The merged compute (non-NCCL) and NCCL kernel time of a trace. */
export function kernelCover(m: TraceModel): { compute: Float64Array; comm: Float64Array } {
  const roles = categoryRoles(m);
  const { start, dur, name, cat } = m.slices;
  const nccl = new Map<number, boolean>();
  const compute: number[] = [];
  const comm: number[] = [];
  for (let i = 0; i < start.length; i++) {
    if (roles[cat[i]!] !== ROLE_KERNEL) continue;
    let c = nccl.get(name[i]!);
    if (c === undefined) nccl.set(name[i]!, (c = isNccl(m.strings[name[i]!]!)));
    (c ? comm : compute).push(start[i]!, start[i]! + dur[i]!);
  }
  return { compute: mergeIntervals(compute), comm: mergeIntervals(comm) };
}

/** Per step: computation, communication, overlap, other (= step − computation − communication + overlap), µs. */
export function rankBreakdown(m: TraceModel, steps: StepSpan[]): RankStep[] {
  const { compute, comm } = kernelCover(m);
  const both = intersectIntervals(compute, comm);
  return steps.map((st) => {
    const computationUs = coveredWithin(compute, st.start, st.end);
    const communicationUs = coveredWithin(comm, st.start, st.end);
    const overlapUs = coveredWithin(both, st.start, st.end);
    return { name: st.name, computationUs, communicationUs, overlapUs, otherUs: st.end - st.start - computationUs - communicationUs + overlapUs };
  });
}

/** One NCCL kernel of a rank: times on the run's shared clock, µs. */
export interface CollectiveKernel {
  name: string;
  start: number;
  dur: number;
  /** `Process Group Name` when the trace has it. */
  group?: string;
  /** `Seq` (or `Comms Id`) when the trace has it. */
  seq?: string;
}

export interface Collective {
  name: string;
  /** How it was matched: `<group>#<seq>`, `<group>@<n>` (n-th in its group) or `@<n>` (n-th NCCL kernel). */
  key: string;
  /** How many ranks ran it. */
  ranks: number;
  /** Per rank given (NaN where a rank did not run it): its duration − the shortest across ranks. */
  waitUs: number[];
  /** The shortest duration across ranks. */
  transferUs: number;
  /** The latest start − the earliest. */
  skewUs: number;
  /** The rank index that started it last. */
  lastRank: number;
  /** Per rank given: its kernel's index in that rank's list (-1: none). */
  kernels: number[];
}

/**
 * Collectives matched across ranks: by group and sequence number when the kernels carry them,
 * else by their order within their group, else by order.
 */
export function matchCollectives(ranks: CollectiveKernel[][]): Collective[] {
  const byKey = new Map<string, { order: number; name: string; kernels: number[] }>();
  ranks.forEach((ks, r) => {
    const nth = new Map<string, number>();
    ks.forEach((k, i) => {
      const g = k.group ?? '';
      const n = nth.get(g) ?? 0;
      nth.set(g, n + 1);
      const key = k.seq !== undefined ? `${g}#${k.seq}` : `${g}@${n}`;
      let c = byKey.get(key);
      if (!c) byKey.set(key, (c = { order: byKey.size, name: k.name, kernels: Array.from({ length: ranks.length }, () => -1) }));
      if (c.kernels[r]! < 0) c.kernels[r] = i;
    });
  });
  const out: Collective[] = [];
  for (const [key, c] of byKey) {
    let transferUs = Infinity;
    let first = Infinity;
    let last = -Infinity;
    let lastRank = -1;
    let count = 0;
    c.kernels.forEach((i, r) => {
      if (i < 0) return;
      const k = ranks[r]![i]!;
      count++;
      transferUs = Math.min(transferUs, k.dur);
      first = Math.min(first, k.start);
      if (k.start > last) {
        last = k.start;
        lastRank = r;
      }
    });
    const waitUs = c.kernels.map((i, r) => (i < 0 ? NaN : ranks[r]![i]!.dur - transferUs));
    out.push({ name: c.name, key, ranks: count, waitUs, transferUs, skewUs: last - first, lastRank, kernels: c.kernels });
  }
  return out;
}

/** The rank that started collectives last most often (null without a collective on two ranks). */
export function straggler(cs: Collective[]): { rank: number; times: number } | null {
  const times = new Map<number, number>();
  for (const c of cs) if (c.ranks > 1) times.set(c.lastRank, (times.get(c.lastRank) ?? 0) + 1);
  let best: { rank: number; times: number } | null = null;
  for (const [rank, t] of times) if (!best || t > best.times || (t === best.times && rank < best.rank)) best = { rank, times: t };
  return best;
}

/** The NCCL kernels of a trace in start order, shifted by `offsetUs` onto the run's clock. */
export function ncclKernels(m: TraceModel, offsetUs: number): { slices: number[]; kernels: CollectiveKernel[] } {
  const roles = categoryRoles(m);
  const { start, dur, name, cat } = m.slices;
  const slices: number[] = [];
  const nccl = new Map<number, boolean>();
  for (let i = 0; i < start.length; i++) {
    if (roles[cat[i]!] !== ROLE_KERNEL) continue;
    let c = nccl.get(name[i]!);
    if (c === undefined) nccl.set(name[i]!, (c = isNccl(m.strings[name[i]!]!)));
    if (c) slices.push(i);
  }
  slices.sort((a, b) => start[a]! - start[b]! || a - b);
  return { slices, kernels: slices.map((i) => ({ name: m.strings[name[i]!]!, start: start[i]! + offsetUs, dur: dur[i]! })) };
}

/** The slowest rank and the imbalance of a run, for the page to say in words. */
export interface RunBalance {
  /** By mean step time (index into the ranks given); null without steps. */
  slowest: { index: number; meanUs: number } | null;
  fastest: { index: number; meanUs: number } | null;
  /** The step (by name, on at least two ranks) whose time varies most across ranks: max − min, µs. */
  imbalance: { step: string; spreadUs: number; slowIndex: number; fastIndex: number } | null;
  /** Per rank given: the wait summed over its collectives (µs). */
  waitUs: number[];
}

/** Slowest rank, the largest step-time spread across ranks, each rank's summed collective wait. */
export function runBalance(ranks: { steps: StepSpan[] }[], collectives: Collective[]): RunBalance {
  let slowest: RunBalance['slowest'] = null;
  let fastest: RunBalance['fastest'] = null;
  ranks.forEach((r, index) => {
    if (r.steps.length === 0) return;
    const meanUs = r.steps.reduce((a, s) => a + (s.end - s.start), 0) / r.steps.length;
    if (!slowest || meanUs > slowest.meanUs) slowest = { index, meanUs };
    if (!fastest || meanUs < fastest.meanUs) fastest = { index, meanUs };
  });
  const byName = new Map<string, { index: number; us: number }[]>();
  ranks.forEach((r, index) => {
    for (const s of r.steps) {
      let l = byName.get(s.name);
      if (!l) byName.set(s.name, (l = []));
      l.push({ index, us: s.end - s.start });
    }
  });
  let imbalance: RunBalance['imbalance'] = null;
  for (const [step, l] of byName) {
    if (new Set(l.map((x) => x.index)).size < 2) continue;
    let hi = l[0]!;
    let lo = l[0]!;
    for (const x of l) {
      if (x.us > hi.us) hi = x;
      if (x.us < lo.us) lo = x;
    }
    if (!imbalance || hi.us - lo.us > imbalance.spreadUs) imbalance = { step, spreadUs: hi.us - lo.us, slowIndex: hi.index, fastIndex: lo.index };
  }
  const waitUs = ranks.map((_, r) => collectives.reduce((a, c) => a + (Number.isNaN(c.waitUs[r]!) ? 0 : c.waitUs[r]!), 0));
  return { slowest, fastest, imbalance, waitUs };
}
