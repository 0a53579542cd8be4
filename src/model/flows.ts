// Flow arrows between slices from three sources: v1 flow events (s/t/f keyed by cat,
// name and id), v2 flows (bind_id with flow_out/flow_in on slices), and Kineto launch
// links by args.correlation (the robust path: many real files have flows to nowhere,
// or none at all). An arrow found twice (ac2g flow and correlation) is kept once, as a
// correlation link: the analysis counts GPU time launched by correlation only.

import { growU32, growU8, type Grow } from '../lib/grow.ts';
import { countingOrder, sortRuns } from '../lib/sort.ts';
import type { Collector } from './collector.ts';
import type { FlowColumns } from './types.ts';

const PH_s = 115;

export interface FlowResult {
  flows: FlowColumns;
  /** Event-level counts for the summary: arrows formed by flow events, and flow events that formed none. */
  matched: number;
  unmatched: number;
  /** Arrows whose end had no slice to attach to. */
  unbound: number;
  /** GPU events whose args.correlation is that of a runtime call (the summary's launchLinked). */
  launchLinked: number;
}

function phRank(p: number): number {
  return p === PH_s ? 0 : p === 116 ? 1 : 2;
}

export function buildFlows(
  c: Collector,
  bindV1: (endpoint: number) => number,
  v2Slice: (k: number) => number,
  rank: Uint32Array,
): FlowResult {
  const from = growU32();
  const to = growU32();
  const kind = growU8();
  let matched = 0;
  let unmatched = c.flowNoId;
  let unbound = 0;
  const arrow = (a: number, b: number, k: number): void => {
    if (a < 0 || b < 0) {
      unbound++;
      return;
    }
    from.push(a);
    to.push(b);
    kind.push(k);
  };

  // v1: group endpoints by key, in time order (s before t before f on ties).
  const m = c.flKey.length;
  const key = c.flKey.data, ts = c.flTs.data, ph = c.flPh.data;
  // Keys are dense ids and a group is a handful of events (s, t…, f): a counting sort by key,
  // then insertion sorts within groups, is several times faster than one comparison sort.
  const idx = countingOrder(key, m);
  sortRuns(idx, (i) => key[i]!, (a, b) => ts[a]! - ts[b]! || phRank(ph[a]!) - phRank(ph[b]!) || a - b);
  for (let g = 0; g < m; ) {
    let end = g;
    while (end < m && key[idx[end]!] === key[idx[g]!]) end++;
    let firstS = -1;
    let steps = 0;
    for (let k = g; k < end; k++) {
      if (ph[idx[k]!] === PH_s) {
        if (firstS < 0) firstS = idx[k]!;
      } else steps++;
    }
    if (firstS < 0) unmatched += steps;
    else if (steps === 0) unmatched += end - g;
    else {
      matched += steps;
      let source = firstS;
      for (let k = g; k < end; k++) {
        const i = idx[k]!;
        if (i === firstS) continue;
        if (ph[i] === PH_s) {
          source = i;
          continue;
        }
        arrow(bindV1(source), bindV1(i), 0);
        // A chain s → t → t → f links each step to the previous one; several f fan out from one s.
        if (ph[i] !== 102) source = i;
      }
    }
    g = end;
  }

  // v2: each flow_in joins the first flow_out with the same bind_id.
  const sources = new Map<number, number>();
  const v2n = c.v2Key.length;
  for (let k = 0; k < v2n; k++) {
    if (c.v2Dir.data[k]! & 1 && !sources.has(c.v2Key.data[k]!)) sources.set(c.v2Key.data[k]!, k);
  }
  const usedSources = new Set<number>();
  for (let k = 0; k < v2n; k++) {
    if (!(c.v2Dir.data[k]! & 2)) continue;
    const src = sources.get(c.v2Key.data[k]!);
    if (src === undefined) {
      unmatched++;
      continue;
    }
    matched++;
    usedSources.add(c.v2Key.data[k]!);
    arrow(v2Slice(src), v2Slice(k), 1);
  }
  for (let k = 0; k < v2n; k++) {
    if (c.v2Dir.data[k]! & 1 && !usedSources.has(c.v2Key.data[k]!)) unmatched++;
  }

  // Launch links by correlation id: runtime call → GPU activity.
  const launches = new Map<number, number>();
  const side = c.corrSide.data, value = c.corrValue.data, slice = c.corrSlice.data;
  for (let i = 0; i < c.corrSide.length; i++) {
    if (side[i] === 2 && !launches.has(value[i]!)) launches.set(value[i]!, rank[slice[i]!]!);
  }
  let launchLinked = 0;
  for (let i = 0; i < c.corrSide.length; i++) {
    if (side[i] !== 1) continue;
    const launch = launches.get(value[i]!);
    if (launch === undefined) continue;
    launchLinked++;
    arrow(launch, rank[slice[i]!]!, 2);
  }

  return { flows: toColumns(from, to, kind), matched, unmatched, unbound, launchLinked };
}

/** Which of two arrows for one pair is kept: the correlation link (the launch is certain), then v1, then v2. */
function keepFirst(kind: number): number {
  return kind === 2 ? 0 : kind + 1;
}

/** Sorted by (from, to), duplicates dropped (keepFirst says which stays). */
function toColumns(fromG: Grow<Uint32Array>, toG: Grow<Uint32Array>, kindG: Grow<Uint8Array>): FlowColumns {
  const n = fromG.length;
  const from = fromG.data, to = toG.data, kind = kindG.data;
  const idx = countingOrder(from, n);
  sortRuns(idx, (i) => from[i]!, (a, b) => to[a]! - to[b]! || keepFirst(kind[a]!) - keepFirst(kind[b]!));
  let kept = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    if (kept > 0) {
      const last = idx[kept - 1]!;
      if (from[last] === from[i] && to[last] === to[i]) continue;
    }
    idx[kept++] = i;
  }
  const f = new Uint32Array(kept);
  const t = new Uint32Array(kept);
  const kd = new Uint8Array(kept);
  for (let k = 0; k < kept; k++) {
    const i = idx[k]!;
    f[k] = from[i]!;
    t[k] = to[i]!;
    kd[k] = kind[i]!;
  }
  // Stable: arrows into one slice stay in `from` order.
  const byTo = countingOrder(t, kept);
  return { from: f, to: t, kind: kd, byTo };
}
