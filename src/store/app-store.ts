// UI state (zustand, vanilla so the canvas renderer can subscribe without React).
// The store is the single source of truth for what the page shows; the URL mirrors the view
// part of it (actions/permalink.ts).
//
// Times in the view ("view time") are µs on the shared timeline: the first trace's own time;
// every other trace is shifted by its `offsetUs` (store/trace-time.ts converts).

import { createStore } from 'zustand/vanilla';
import type { GpuMetricTrack, Summary, TraceModel } from '../model/types.ts';

export interface LoadedTrace {
  id: string;
  name: string;
  model: TraceModel;
  /**
   * What a permalink names it by: the URL it was opened from, `lib:<key>` for a file kept in
   * this browser's library, or null (a file not kept, or not yet).
   */
  url: string | null;
  /**
   * Per GPU device, its utilization and estimated SM efficiency over time (derived, worked out
   * in the background after the load): drawn as a track in the device's process. Absent until
   * then, and for traces without kernels.
   */
  gpuMetrics?: GpuMetricTrack[];
  /**
   * Its shift on the shared timeline, µs: its time t shows at view time t + offsetUs (absent:
   * 0). The first trace is at 0; a compared run is aligned by moving it; the ranks of a
   * distributed run are put on one clock with it. Only store/trace-time.ts reads it.
   */
  offsetUs?: number;
  /** What the timeline's group header says (absent: the name); "rank 0 · file" for a rank. */
  label?: string;
  /**
   * Present on the ranks of a distributed run (`AppState.ranks`): its `distributedInfo.rank`,
   * null when the file gives none.
   */
  rank?: number | null;
}

/** A trace kept in this browser's library (actions/library.ts), as the page lists it. */
export interface LibraryEntry {
  key: string;
  name: string;
  bytes: number;
  /** When it was last opened, ISO 8601. */
  opened: string;
}

export interface LibraryState {
  /** Newest first; null until read. */
  entries: LibraryEntry[] | null;
  /** The origin's storage in use and its quota (navigator.storage.estimate()), when known. */
  usage: { used: number; quota: number } | null;
  /** "Keep opened traces in this browser". */
  keep: boolean;
}

export interface SliceRef {
  trace: string;
  slice: number;
}

/** A sample of a counter series: `TraceModel.counters[counter]`, sample index `sample`. */
export interface CounterRef {
  trace: string;
  counter: number;
  sample: number;
}

/** A bucket of a GPU metric track under the pointer: device `device` of the trace, over [start, end] (µs). */
export interface MetricRef {
  trace: string;
  device: string;
  start: number;
  end: number;
}

export interface LoadingState {
  name: string;
  bytesRead: number;
  totalBytes: number;
  events: number;
}

export type DrawerTab = 'overview' | 'range' | 'kernels' | 'operators' | 'search' | 'hints' | 'memory' | 'diff' | 'distributed';

/** Slices shown highlighted (the rest dimmed) and stepped through: a table row's or a search's. */
export interface Highlight {
  trace: string;
  /** What is highlighted, for people: a name, or the search text. */
  label: string;
  /** 1 for each highlighted name id of the trace's strings. */
  names: Uint8Array;
  /** The highlighted slices in time order (stepped through). */
  instances: Uint32Array;
  /** The slices painted highlighted, in column order (track, row, start): each row's a sorted run. */
  byRow: Uint32Array;
  /** The instance stepped to last (-1: none yet). */
  at: number;
  /** Per instance, the trace it is in, where they are in several (a collective on every rank); absent: all in `trace`. */
  instanceTraces?: string[];
  /** The same for other traces: their slices painted highlighted, the rest of them dimmed. */
  also?: HighlightPart[];
}

/** A highlight's share in one more trace. */
export interface HighlightPart {
  trace: string;
  names: Uint8Array;
  byRow: Uint32Array;
}

/** The highlight's names and slices in trace `id`, or null when it has none there. */
export function highlightIn(h: Highlight | null, id: string): HighlightPart | null {
  if (!h) return null;
  if (h.trace === id) return h;
  return h.also?.find((p) => p.trace === id) ?? null;
}

export interface SearchState {
  text: string;
  /** Matches in all traces; null while none was run. */
  count: number | null;
  error: string | null;
  busy: boolean;
}

/** A link's trace that could not be opened: the page offers to open the file by hand. */
export interface LinkWait {
  /** The file's name as the link gives it. */
  name: string;
  /** Why it could not be opened, when no load error says it already. */
  reason: string | null;
  /** The compared trace (else the first). */
  compare: boolean;
}

/** How the compared run (the second trace) is placed against the first, and whether the view moves both. */
export interface Comparison {
  /** start: both at their starts (offset 0); step: chosen steps' slices start together; manual: dragged or set. */
  aligned: 'start' | 'step' | 'manual';
  /** The steps lined up (`aligned: 'step'`), in A and in B; else null. */
  stepA: string | null;
  stepB: string | null;
  /** Zoom and pan move both runs (the shared view); unlinked, a drag or a horizontal wheel over B's tracks moves B alone. */
  linked: boolean;
}

export const START_ALIGNED: Comparison = { aligned: 'start', stepA: null, stepB: null, linked: true };

/**
 * The loaded traces are the ranks of one distributed run: stacked in rank order on one clock
 * (each trace's `offsetUs`), analysed together (the Distributed tab). A state of its own, not
 * a kind of comparison: a comparison is two runs, one aligned against the other by hand or by
 * a step; ranks are N traces of one run whose placement follows from their clocks.
 */
export interface RanksRun {
  /** How the ranks were put on one clock, as the page says it. */
  clock: string;
}

export interface AppState {
  traces: LoadedTrace[];
  /** Non-null: `traces` are the ranks of one run (and `compare` means nothing). */
  ranks: RanksRun | null;
  /** The compared run's alignment (meaningful with two traces). */
  compare: Comparison;
  view: { start: number; end: number };
  /** First visible pixel row of the track area (CSS px). */
  scrollY: number;
  selection: SliceRef | null;
  hover: SliceRef | null;
  /** The counter sample under the pointer / clicked (slices keep `hover` and `selection`). */
  counterHover: CounterRef | null;
  counterSelection: CounterRef | null;
  /** The GPU metric bucket under the pointer. */
  metricHover: MetricRef | null;
  range: { start: number; end: number } | null;
  loading: LoadingState | null;
  /** The last load error, shown in the page until dismissed or the next load. */
  error: string | null;
  /** Something the user should know that blocks nothing (a file not opened, a trace replaced); until dismissed or the next load. */
  notice: string | null;
  collapsed: Record<string, boolean>;
  showAllFlows: boolean;
  theme: 'light' | 'dark';
  showHelp: boolean;
  showReport: boolean;
  drawer: { open: boolean; tab: DrawerTab; height: number };
  highlight: Highlight | null;
  search: SearchState;
  linkWait: LinkWait | null;
  library: LibraryState;
  showLibrary: boolean;
}

export type AppStore = ReturnType<typeof createAppStore>;

export function createAppStore(initial: Partial<AppState> = {}) {
  return createStore<AppState>()(() => ({
    traces: [],
    ranks: null,
    compare: START_ALIGNED,
    view: { start: 0, end: 1 },
    scrollY: 0,
    selection: null,
    hover: null,
    counterHover: null,
    counterSelection: null,
    metricHover: null,
    range: null,
    loading: null,
    error: null,
    notice: null,
    collapsed: {},
    showAllFlows: false,
    theme: prefersDark() ? 'dark' : 'light',
    showHelp: false,
    showReport: false,
    drawer: { open: true, tab: 'kernels', height: 260 },
    highlight: null,
    search: { text: '', count: null, error: null, busy: false },
    linkWait: null,
    library: { entries: null, usage: null, keep: true },
    showLibrary: false,
    ...initial,
  }));
}

function prefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

/** The warnings of every loaded trace, as lines for people. */
export function warningLines(traces: LoadedTrace[]): string[] {
  const out: string[] = [];
  for (const t of traces) {
    for (const [reason, n] of Object.entries(t.model.summary.warnings)) out.push(`${t.name}: ${reason}${n > 1 ? ` (${n})` : ''}`);
  }
  return out;
}

export function summaryOf(t: LoadedTrace): Summary {
  return t.model.summary;
}
