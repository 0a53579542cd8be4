// The ranks of a distributed run: several rank files opened as one run (in rank order, on one
// clock) and what the Distributed tab and window.kinetoscope.distributed() show of them.

import type { Summary, TraceModel } from '../model/types.ts';
import type { Step } from '../analysis/steps.ts';
import { matchCollectives, ncclKernels, rankBreakdown, straggler, type Collective, type CollectiveKernel, type RankStep } from '../analysis/distributed.ts';
import { rankClock } from '../analysis/rank-clock.ts';
import type { AppStore, Highlight, LoadedTrace } from '../store/app-store.ts';
import { ranksLoaded, setHighlight } from '../store/actions.ts';
import { traceWorker } from '../worker/client.ts';
import { afterLoad, contentView, loadOne, type FrameWaiter, type Loaded } from './open-trace.ts';
import { forgetHighlights, overviewFor } from './analysis.ts';
import { offsetOf } from '../store/trace-time.ts';

/** `distributedInfo.rank` of a trace, or null when it gives none. */
export function rankOf(m: TraceModel): number | null {
  const info = m.metadata.distributedInfo;
  const r = info && typeof info === 'object' ? (info as Record<string, unknown>).rank : undefined;
  return typeof r === 'number' && Number.isInteger(r) && r >= 0 ? r : null;
}

/** The order of traces in a run: by rank, those without one after, in the order given. */
export function rankOrder(ranks: readonly (number | null)[]): number[] {
  return ranks.map((_, k) => k).sort((a, b) => {
    const ra = ranks[a]!;
    const rb = ranks[b]!;
    if (ra !== null && rb !== null && ra !== rb) return ra - rb;
    if ((ra === null) !== (rb === null)) return ra === null ? 1 : -1;
    return a - b;
  });
}

/** "rank 3 · worker3.json"; "no rank · x.json" for a file without distributedInfo.rank. */
export function rankLabel(rank: number | null, name: string): string {
  return `${rank === null ? 'no rank' : `rank ${rank}`} · ${name}`;
}

/**
 * Opens the files as the ranks of one run, one after the other (a failure drops those loaded
 * and leaves the page as it was). Returns their summaries in the order given.
 */
export async function openRanks(store: AppStore, sources: readonly (string | File | Blob)[], waitForFrame: FrameWaiter): Promise<Summary[]> {
  if (sources.length === 0) throw new Error('open([]): no trace given');
  const loaded: Loaded[] = [];
  try {
    for (let k = 0; k < sources.length; k++) {
      loaded.push(await loadOne(store, sources[k]!, (name) => `${name} (rank file ${k + 1} of ${sources.length})`));
    }
  } catch (e) {
    for (const l of loaded) void traceWorker().drop(l.entry.id);
    throw e;
  }
  const ranks = loaded.map((l) => rankOf(l.entry.model));
  const order = rankOrder(ranks);
  const clock = rankClock(order.map((k) => loaded[k]!.entry.model));
  const entries: LoadedTrace[] = order.map((k, i) => ({
    ...loaded[k]!.entry,
    rank: ranks[k]!,
    label: rankLabel(ranks[k]!, loaded[k]!.entry.name),
    offsetUs: clock.offsetsUs[i]!,
  }));
  const seen = new Map<number, number>();
  for (const r of ranks) if (r !== null) seen.set(r, (seen.get(r) ?? 0) + 1);
  const twice = [...seen].filter(([, n]) => n > 1).map(([r]) => r);
  const notes: string[] = [];
  if (twice.length > 0) notes.push(`More than one file says it is rank ${twice.join(', ')}: they are shown in the order given.`);
  const none = ranks.filter((r) => r === null).length;
  if (none > 0 && none < ranks.length) notes.push(`${none} of ${ranks.length} files have no distributedInfo.rank: they come last, in the order given.`);
  for (const old of store.getState().traces) void traceWorker().drop(old.id);
  forgetHighlights();
  ranksLoaded(store, entries, { clock: clock.description }, contentView(entries), notes.length > 0 ? notes.join(' ') : null);
  await afterLoad(store, order.map((k, i) => ({ ...loaded[k]!, entry: entries[i]! })), waitForFrame);
  return loaded.map((l) => l.entry.model.summary);
}

export interface RankResult {
  trace: LoadedTrace;
  rank: number | null;
  /** The steps (the overview's), µs in the rank's own time. */
  steps: Step[];
  breakdown: RankStep[];
  /** The rank's NCCL kernels (slice indexes) in start order: a collective's `kernels` index this. */
  ncclSlices: number[];
}

export interface Distributed {
  ranks: RankResult[];
  collectives: Collective[];
  /** How the collectives were matched. */
  matchedBy: 'group and Seq' | 'order within a process group' | 'order';
  straggler: { rank: number; times: number } | null;
  /** How many collectives ran on more than one rank (the straggler's count is out of these). */
  shared: number;
}

/** NCCL kernels read back per rank for their Process Group Name / Seq, at most. */
const READ_BACK_MAX = 256;

/** `Process Group Name` and `Seq` (or `Comms Id`) of a rank's NCCL kernels, read back from its file. */
async function groupArgs(t: LoadedTrace, kernels: CollectiveKernel[], slices: number[]): Promise<void> {
  if (slices.length === 0 || slices.length > READ_BACK_MAX) return;
  const worker = traceWorker();
  const first = await worker.event(t.id, slices[0]!).catch(() => null);
  const a = first?.args as Record<string, unknown> | undefined;
  if (!a || (a['Process Group Name'] === undefined && a.Seq === undefined && a['Comms Id'] === undefined)) return;
  for (let k = 0; k < slices.length; k++) {
    const ev = k === 0 ? first : await worker.event(t.id, slices[k]!).catch(() => null);
    const args = ev?.args as Record<string, unknown> | undefined;
    if (!args) continue;
    const g = args['Process Group Name'];
    const seq = args.Seq ?? args['Comms Id'];
    if (g !== undefined && g !== null) kernels[k]!.group = String(g);
    if (seq !== undefined && seq !== null) kernels[k]!.seq = String(seq);
  }
}

let cache: { key: string; value: Promise<Distributed> } | null = null;

const turn = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** The run's breakdown per rank and step, and its collectives matched across ranks (once per run). */
export function distributedFor(traces: readonly LoadedTrace[]): Promise<Distributed> {
  const key = traces.map((t) => `${t.id}@${offsetOf(t)}`).join(',');
  if (cache?.key === key) return cache.value;
  const value = (async (): Promise<Distributed> => {
    const ranks: RankResult[] = [];
    const all: CollectiveKernel[][] = [];
    // Each rank's passes are linear in its slices (a few ms per 10^5): one task each, the page
    // gets a turn between them.
    for (const t of traces) {
      const o = await overviewFor(t.model);
      await turn();
      const { slices, kernels } = ncclKernels(t.model, offsetOf(t));
      await groupArgs(t, kernels, slices);
      await turn();
      const breakdown = rankBreakdown(t.model, o.steps);
      ranks.push({ trace: t, rank: t.rank ?? null, steps: o.steps, breakdown, ncclSlices: slices });
      all.push(kernels);
    }
    const collectives = matchCollectives(all);
    const flat = all.flat();
    const matchedBy = flat.length > 0 && flat.every((k) => k.seq !== undefined) ? 'group and Seq' : flat.some((k) => k.group !== undefined) ? 'order within a process group' : 'order';
    return { ranks, collectives, matchedBy, straggler: straggler(collectives), shared: collectives.filter((c) => c.ranks > 1).length };
  })();
  cache = { key, value };
  value.catch(() => cache?.value === value && (cache = null));
  return value;
}

/** Highlights one collective's kernel on every rank that ran it (stepped through rank by rank). */
export function highlightCollective(store: AppStore, d: Distributed, c: Collective): Highlight | null {
  const parts: { trace: string; slice: number; names: Uint8Array }[] = [];
  c.kernels.forEach((k, r) => {
    if (k < 0) return;
    const rr = d.ranks[r]!;
    parts.push({ trace: rr.trace.id, slice: rr.ncclSlices[k]!, names: new Uint8Array(rr.trace.model.strings.length) });
  });
  if (parts.length === 0) return null;
  const [head, ...rest] = parts;
  const h: Highlight = {
    trace: head!.trace,
    label: `${shortKernel(c.name)} (${c.key})`,
    names: head!.names,
    instances: Uint32Array.from(parts.map((p) => p.slice)),
    instanceTraces: parts.map((p) => p.trace),
    byRow: Uint32Array.of(head!.slice),
    also: rest.map((p) => ({ trace: p.trace, names: p.names, byRow: Uint32Array.of(p.slice) })),
    at: -1,
  };
  forgetHighlights();
  setHighlight(store, h);
  return h;
}

/** "ncclKernel_AllReduce_RING_LL_Sum_float" without its parameter list. */
export function shortKernel(name: string): string {
  const p = name.indexOf('(');
  return p > 0 ? name.slice(0, p) : name;
}
