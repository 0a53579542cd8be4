// window.kinetoscope: the scripting API used by the e2e tests, the benchmark and anyone
// automating the viewer (documented in the README; a contract: extend, never rename).

import type { Summary } from '../model/types.ts';
import { warningLines, type AppStore } from '../store/app-store.ts';
import type { FrameStats } from '../render/frame-timer.ts';
import { openTrace, type FrameWaiter } from './open-trace.ts';
import { createAnalysisApi, type AnalysisApi } from './analysis-api.ts';
import { TimeScale } from '../render/time-scale.ts';
import { rowTop, RULER_HEIGHT, trackLayoutFor } from '../render/track-layout.ts';
import { select, setView } from '../store/actions.ts';
import { permalink } from './permalink.ts';
import { libraryList } from './library.ts';
import { eventOf } from './events.ts';
import { distributedFor, openRanks } from './ranks.ts';
import { align, comparisonOf, runsOf, wholeDiffNow } from './compare.ts';

export interface RendererHandle {
  nextFrame(): Promise<void>;
  /** Paints a pending frame now instead of at the next animation frame. */
  flush(): void;
  frameStats(reset?: boolean): FrameStats;
}

export interface KinetoscopeApi extends AnalysisApi {
  open(source: string | File | Blob, options?: { compare?: boolean }): Promise<Summary>;
  /** An array: the rank files of one distributed run (in rank order, on one clock); their summaries in the order given. */
  open(sources: (string | File | Blob)[], options?: { compare?: boolean }): Promise<Summary[]>;
  /**
   * The ranks of the run open (one trace: a run of one rank): per rank and step the
   * computation / communication / overlap / other breakdown (µs), and the collectives matched
   * across ranks with each rank's wait (NaN where a rank did not run it) and the transfer time.
   */
  distributed(): Promise<DistributedApiResult>;
  state(): {
    traces: { id: string; name: string; summary: Summary }[];
    view: { start: number; end: number };
    selection: null | { trace: string; track: string; name: string; start: number; dur: number };
    range: null | { start: number; end: number };
    warnings: string[];
  };
  setView(start: number, end: number): void;
  /**
   * Selects the nth slice (by start time) named `name`: in the first trace that has the name,
   * or, with `trace`, in that trace (its id as in state().traces, or its name).
   */
  select(query: { name: string; nth?: number; trace?: string }): boolean;
  frameStats(reset?: boolean): FrameStats;
  /** Extras. */
  event(): Promise<Record<string, unknown> | null>;
  tracks(): { trace: string; process: string; name: string; kind: string; rows: number; slices: number }[];
  /** Where each laid-out track is drawn: canvas CSS px of its first row's top (or counter area), its height. */
  trackBoxes(): { trace: string; name: string; kind: string; y: number; height: number; rows: number }[];
  /** The ruler's major ticks as drawn for a canvas `width` CSS px wide: times (µs) and labels. */
  ruler(width: number): { times: number[]; labels: string[]; originLabel: string | null };
  /** The URL of the current view: its traces (references, never content), window, selection, range, tab. */
  permalink(): string;
  /** The traces kept in this browser, newest first (after any being kept now); open one with open('lib:' + key). */
  library(): Promise<{ key: string; name: string; bytes: number; opened: string }[]>;
  /**
   * Places the compared run (B) against the first: at its start, so that the steps named
   * `step` start together, or shifted by `offsetUs` µs (B's time t then shows at t + offsetUs).
   * Throws with one trace open, or for a step B or A does not have.
   */
  align(how: { start: true } | { step: string } | { offsetUs: number }): void;
  /**
   * The two runs' diff over the whole runs: one row per (category as written in the trace,
   * name), count and summed duration (µs) in A and B, sorted by |Δ total|. Throws with one trace.
   */
  compareTable(): { kind: string; name: string; countA: number; countB: number; totalUsA: number; totalUsB: number }[];
  /** The comparison: how B is aligned and the shift applied to it (µs); null with one trace. */
  compare(): null | { aligned: 'start' | 'step' | 'manual'; offsetUs: number };
}

export interface DistributedApiResult {
  ranks: { rank: number | null; file: string; steps: { name: string; computationUs: number; communicationUs: number; overlapUs: number; otherUs: number }[] }[];
  collectives: { name: string; ranks: number; waitUs: number[]; transferUs: number }[];
}

export function createAutomationApi(store: AppStore, renderer: () => RendererHandle | null): KinetoscopeApi {
  const waitForFrame: FrameWaiter = async () => {
    // The view mounts its renderer with the page; wait for it if a load comes first (?trace=).
    for (let i = 0; i < 2000 && !renderer(); i++) await new Promise((r) => setTimeout(r, 1));
    // The new trace is painted at once, not at the next animation frame: a background tab
    // gets none (a ?trace=…&cmp=… link opened there would not load its second trace).
    renderer()?.flush();
    await renderer()?.nextFrame();
  };
  return {
    ...createAnalysisApi(store),
    open: ((source: string | File | Blob | (string | File | Blob)[], options: { compare?: boolean } = {}) =>
      Array.isArray(source) ? openRanks(store, source, waitForFrame) : openTrace(store, source, options, waitForFrame)) as KinetoscopeApi['open'],
    async distributed() {
      const { traces, ranks } = store.getState();
      if (traces.length === 0) throw new Error('no trace is loaded');
      // Two compared runs are not ranks of one: the first is then a run of one rank.
      const d = await distributedFor(ranks ? traces : traces.slice(0, 1));
      return {
        ranks: d.ranks.map((r) => ({ rank: r.rank, file: r.trace.name, steps: r.breakdown.map((b) => ({ ...b })) })),
        collectives: d.collectives.map((c) => ({ name: c.name, ranks: c.ranks, waitUs: [...c.waitUs], transferUs: c.transferUs })),
      };
    },
    state() {
      const s = store.getState();
      let selection = null;
      if (s.selection) {
        const t = s.traces.find((x) => x.id === s.selection!.trace);
        if (t) {
          const m = t.model;
          const i = s.selection.slice;
          selection = {
            trace: t.id,
            track: m.tracks[m.slices.track[i]!]!.name,
            name: m.strings[m.slices.name[i]!]!,
            start: m.slices.start[i]!,
            dur: m.slices.dur[i]!,
          };
        }
      }
      return {
        traces: s.traces.map((t) => ({ id: t.id, name: t.name, summary: t.model.summary })),
        view: { ...s.view },
        selection,
        range: s.range ? { ...s.range } : null,
        warnings: warningLines(s.traces),
      };
    },
    setView(start, end) {
      if (!(end > start)) return;
      setView(store, { start, end });
    },
    select({ name, nth = 0, trace }) {
      const traces = store.getState().traces;
      const scope = trace === undefined ? traces : traces.filter((t) => t.id === trace);
      // An id wins over a name: another trace may be named like this one's id.
      if (trace !== undefined && scope.length === 0) scope.push(...traces.filter((t) => t.name === trace));
      for (const t of scope) {
        const m = t.model;
        const id = m.strings.indexOf(name);
        if (id < 0) continue;
        const hits: number[] = [];
        for (let i = 0; i < m.slices.name.length; i++) if (m.slices.name[i] === id) hits.push(i);
        hits.sort((a, b) => m.slices.start[a]! - m.slices.start[b]! || a - b);
        const hit = hits[nth];
        if (hit === undefined) return false;
        select(store, { trace: t.id, slice: hit });
        return true;
      }
      return false;
    },
    frameStats: (reset) => renderer()?.frameStats(reset) ?? { frames: 0, p50Ms: 0, p95Ms: 0, maxMs: 0 },
    async event() {
      const sel = store.getState().selection;
      return sel ? eventOf(sel.trace, sel.slice) : null;
    },
    tracks() {
      const out = [];
      for (const t of store.getState().traces) {
        for (const p of t.model.processes) {
          for (const ti of p.tracks) {
            const tr = t.model.tracks[ti]!;
            out.push({
              trace: t.id, process: p.name, name: tr.name, kind: tr.kind,
              rows: tr.rowStart.length - 1,
              slices: tr.rowStart[tr.rowStart.length - 1]! - tr.rowStart[0]!,
            });
          }
        }
      }
      return out;
    },
    trackBoxes() {
      const s = store.getState();
      const out = [];
      for (const item of trackLayoutFor(s.traces, s.collapsed).items) {
        if (item.metric !== undefined) {
          // A GPU metric track (derived): its chart area, kind 'gpu-metrics'.
          out.push({ trace: item.traceId, name: item.label, kind: 'gpu-metrics', y: RULER_HEIGHT + item.y - s.scrollY, height: item.height, rows: 0 });
          continue;
        }
        if (item.kind !== 'track' || item.track === undefined) continue;
        const tr = s.traces.find((t) => t.id === item.traceId)!.model.tracks[item.track]!;
        const top = item.counter ? item.y : rowTop(item, 0);
        out.push({
          trace: item.traceId, name: tr.name, kind: tr.kind,
          y: RULER_HEIGHT + top - s.scrollY, height: item.height - (top - item.y), rows: item.depthRows,
        });
      }
      return out;
    },
    ruler(width) {
      const { view } = store.getState();
      const t = new TimeScale(view.start, view.end, width).ticks();
      return { times: t.times, labels: t.labels, originLabel: t.originLabel };
    },
    permalink: () => permalink(store),
    library: () => libraryList(),
    align: (how) => align(store, how),
    compareTable() {
      const runs = runsOf(store.getState().traces);
      if (!runs) throw new Error('one trace is open: open a second to compare (Compare…, Shift+drop, or open(source, { compare: true }))');
      return wholeDiffNow(runs[0].model, runs[1].model).map((r) => ({ kind: r.kind, name: r.name, countA: r.countA, countB: r.countB, totalUsA: r.totalUsA, totalUsB: r.totalUsB }));
    },
    compare() {
      const s = store.getState();
      return comparisonOf(s.traces, s.compare);
    },
  };
}

declare global {
  interface Window {
    kinetoscope: KinetoscopeApi;
  }
}
