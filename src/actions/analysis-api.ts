// window.kinetoscope's analysis calls (a contract, see the README): table(), search(), details(), overview(), hints(), memory().

import { analyseSlice, type LinkedSlice } from '../analysis/details.ts';
import { kernelRow, kernelSmEfficiency, smCounts, type KernelRow } from '../analysis/kernels.ts';
import type { TraceModel } from '../model/types.ts';
import type { AppStore } from '../store/app-store.ts';
import type { Breakdown } from '../analysis/steps.ts';
import { analysisStats, findTrace, gpuMetricsFor, hintsFor, insightStatsOf, memoryFor, operatorShapeTableFor, overviewFor, runSearch, tableFor } from './analysis.ts';
import { bucketMeans } from '../lib/step-function.ts';
import { memorySummaryRows } from '../analysis/memory.ts';
import { openDrawerTab } from '../store/actions.ts';
import { eventIfRead, eventOf } from './events.ts';

export interface KernelFields {
  grid: [number, number, number];
  block: [number, number, number];
  registersPerThread?: number;
  sharedMemory?: number;
  blocksPerSm?: number;
  warpsPerSm?: number;
  occupancyPct?: number;
  smEfficiencyPct?: number;
}

export interface Details {
  name: string;
  category: string;
  track: string;
  start: number;
  dur: number;
  selfUs: number;
  /** The event's args as written in the file; null until read back from the file. */
  args: Record<string, unknown> | null;
  parents: { name: string; start: number; dur: number }[];
  kernel?: KernelFields;
  launch?: { name: string; track: string; start: number; latencyUs: number };
  launched?: { name: string; track: string; start: number; latencyUs: number }[];
  /** GPU events launched from inside the slice (a CPU op), and their summed duration. */
  gpuInside?: { count: number; deviceUs: number };
}

export type TableRow = Record<string, unknown>;

export interface HintSummary {
  kind: string;
  title: string;
  costUs: number;
  costPctOfStep: number;
  occurrences: { start: number; end: number }[];
  occurrenceCount: number;
  explanation: string;
  suggestion: string;
  figures: Record<string, number>;
}

export interface OverviewResult {
  /** µs from the trace's start, as state().view; the breakdown's parts sum to end − start. */
  steps: { name: string; start: number; end: number; breakdown: Breakdown }[];
  /** Over [first step start, last step end]; device = the kernels' args.device. */
  devices: { device: string; utilizationPct: number; smEfficiencyPct: number; occupancyPct: number | null }[];
}

/** A device's GPU metrics over [start, end] in equal buckets (see gpuMetrics()). */
export interface GpuMetricsResult {
  device: string;
  start: number;
  end: number;
  /** Per bucket: the share of it covered by at least one kernel of the device, in %. */
  utilizationPct: number[];
  /** Per bucket: the time-averaged estimated SM efficiency, in %; null when no kernel's is known. */
  smEfficiencyPct: number[] | null;
  /** Kernels counted, and of them those whose SM efficiency is known. */
  kernels: number;
  smKernels: number;
}

export interface AnalysisApi {
  /**
   * `groupBy: 'shapes'` (operators only): one row per operator name and input shapes, each with
   * `inputShapes` (the ops' Input Dims as compact JSON, null where absent), read from the file first.
   */
  table(kind: 'kernels' | 'operators' | 'slices', options?: { trace?: string; start?: number; end?: number; groupBy?: 'name' | 'shapes' }): Promise<TableRow[]>;
  search(query: string): Promise<{ count: number }>;
  /**
   * GPU utilization and estimated SM efficiency per device (the GPU metric tracks' figures) over
   * [start, end] (µs, as `state().view`; default: the view) in `buckets` equal parts (default 1);
   * `device` (the kernels' args.device) picks one, else every device with kernels. [] without kernels.
   */
  gpuMetrics(options?: { trace?: string; device?: string | number; start?: number; end?: number; buckets?: number }): Promise<GpuMetricsResult[]>;
  /** The selected slice's details; `args` is null until the event has been read back (a moment after selecting). */
  details(): Details | null;
  /**
   * The bottleneck hints of a trace (the first unless named), costliest first, as the Hints tab
   * lists them; occurrences' start/end in µs from the trace start (as `state().view`).
   */
  hints(options?: { trace?: string }): Promise<HintSummary[]>;
  /** The steps and their time breakdown, and per GPU device its utilization, SM efficiency and occupancy (the Overview tab's figures). */
  overview(options?: { trace?: string }): Promise<OverviewResult>;
  /**
   * Per device with `[memory]` events ("CPU", "GPU 0", …): the peak of Total Allocated and of
   * Total Reserved (null where the events carry none; without totals the running sum of
   * Bytes), the allocations, and those with an address never freed inside the trace.
   */
  memory(options?: { trace?: string }): Promise<{ device: string; peakAllocatedBytes: number; peakReservedBytes: number | null; allocations: number; unfreed: number }[]>;
  /** The longest task (ms) the tables and searches have taken on the page, and how many tasks they ran in; `reset` starts afresh. */
  analysisStats(reset?: boolean): { longestMs: number; tasks: number };
  /**
   * The page's time spent in the overview, the memory analysis and the hints of a trace (they
   * run after a load, unasked), once all three are done: summed task times in ms, the longest
   * task and the task count; the trace worker's share (the steps' breakdown) and the wall
   * time until all three were ready.
   */
  insightStats(options?: { trace?: string }): Promise<{
    overviewMs: number; memoryMs: number; hintsMs: number; totalMs: number; longestMs: number; tasks: number;
    /** Each analysis's longest task. */
    overviewLongestMs: number; memoryLongestMs: number; hintsLongestMs: number;
    /** The trace worker's time on the overview's steps and breakdown, and on the memory analysis (0 when the page worked them out). */
    overviewWorkerMs: number;
    memoryWorkerMs: number;
    /** From the model's arrival on the page until all three were done (wall clock; null when not known). */
    readyMs: number | null;
  }>;
}

const pct = (a: Float64Array): number[] => Array.from(a, (v) => 100 * v);

function kernelFields(m: TraceModel, slice: number): KernelFields | undefined {
  const K = m.kernels;
  const k = kernelRow(K, slice);
  if (k < 0) return undefined;
  const out: KernelFields = { grid: [K.gridX[k]!, K.gridY[k]!, K.gridZ[k]!], block: [K.blockX[k]!, K.blockY[k]!, K.blockZ[k]!] };
  const put = (key: keyof KernelFields, v: number): void => {
    if (Number.isFinite(v)) (out as unknown as Record<string, number>)[key] = v;
  };
  put('registersPerThread', K.registers[k]!);
  put('sharedMemory', K.sharedMemory[k]!);
  put('blocksPerSm', K.blocksPerSm[k]!);
  put('warpsPerSm', K.warpsPerSm[k]!);
  put('occupancyPct', K.occupancy[k]!);
  put('smEfficiencyPct', 100 * kernelSmEfficiency(m, smCounts(m), k));
  return out;
}

const plain = (l: LinkedSlice): { name: string; track: string; start: number; latencyUs: number } => ({ name: l.name, track: l.track, start: l.start, latencyUs: l.latencyUs });

/** Reads the selected event as soon as it is selected, so that details() has its args. */
function prefetchArgs(store: AppStore): void {
  store.subscribe((s, prev) => {
    const sel = s.selection;
    if (sel && sel !== prev.selection) eventOf(sel.trace, sel.slice).catch(() => undefined); // the panel says why
  });
}

function argsOf(ev: Record<string, unknown> | null): Record<string, unknown> {
  return ev && typeof ev.args === 'object' && ev.args !== null ? (ev.args as Record<string, unknown>) : {};
}

export function createAnalysisApi(store: AppStore): AnalysisApi {
  prefetchArgs(store);
  return {
    async table(kind, options = {}) {
      const t = findTrace(store, options.trace);
      if (!t) throw new Error(options.trace ? `no loaded trace "${options.trace}"` : 'no trace is loaded');
      const w = options.start !== undefined || options.end !== undefined ? { start: options.start ?? 0, end: options.end ?? t.model.endUs } : null;
      if (kind === 'kernels') {
        // configs last, and still worked out only when read (analysis/kernels.ts)
        return (await tableFor(t.model, 'kernels', w)).map((r) => {
          const out: TableRow = {};
          for (const key of Object.keys(r) as (keyof KernelRow)[]) if (key !== 'configs') out[key] = r[key];
          Object.defineProperty(out, 'configs', { enumerable: true, configurable: true, get: () => r.configs });
          return out;
        });
      }
      if (options.groupBy !== undefined && options.groupBy !== 'name' && !(kind === 'operators' && options.groupBy === 'shapes')) {
        throw new Error(`groupBy "${String(options.groupBy)}" is not known for the ${String(kind)} table (operators: 'name' or 'shapes')`);
      }
      if (kind === 'operators' && options.groupBy === 'shapes') return (await operatorShapeTableFor(t, w)).map((r) => ({ ...r }));
      if (kind === 'operators') return (await tableFor(t.model, 'operators', w)).map((r) => ({ ...r }));
      if (kind === 'slices') return (await tableFor(t.model, 'range', w)).rows.map((r) => ({ ...r }));
      throw new Error(`unknown table "${String(kind)}": kernels, operators or slices`);
    },
    async hints(options = {}) {
      const t = findTrace(store, options.trace);
      if (!t) throw new Error(options.trace ? `no loaded trace "${options.trace}"` : 'no trace is loaded');
      return (await hintsFor(t)).map((h) => ({
        kind: h.kind, title: h.title, costUs: h.costUs, costPctOfStep: h.costPctOfStep,
        occurrences: h.occurrences.map((o) => ({ start: o.start, end: o.end })), occurrenceCount: h.occurrenceCount,
        explanation: h.explanation, suggestion: h.suggestion, figures: { ...h.figures },
      }));
    },
    async overview(options = {}) {
      const t = findTrace(store, options.trace);
      if (!t) throw new Error(options.trace ? `no loaded trace "${options.trace}"` : 'no trace is loaded');
      const o = await overviewFor(t.model);
      return {
        steps: o.steps.map((s, k) => ({ name: s.name, start: s.start, end: s.end, breakdown: { ...o.breakdowns[k]! } })),
        devices: o.devices.map((d) => ({ device: d.device, utilizationPct: d.utilizationPct, smEfficiencyPct: d.smEfficiencyPct, occupancyPct: d.occupancyPct })),
      };
    },
    async gpuMetrics(options = {}) {
      const t = findTrace(store, options.trace);
      if (!t) throw new Error(options.trace ? `no loaded trace "${options.trace}"` : 'no trace is loaded');
      const { view } = store.getState();
      const start = options.start ?? view.start;
      const end = options.end ?? view.end;
      const n = Math.max(1, Math.min(100_000, Math.floor(options.buckets ?? 1)));
      if (!(end > start)) throw new Error(`gpuMetrics: end (${end}) must be after start (${start})`);
      const tracks = await gpuMetricsFor(t.model);
      return tracks
        .filter((g) => options.device === undefined || g.device === String(options.device))
        .map((g) => {
          const u = new Float64Array(n);
          bucketMeans(g.busy, start, end, n, u);
          let sm: number[] | null = null;
          if (g.sm) {
            const s = new Float64Array(n);
            bucketMeans(g.sm, start, end, n, s);
            sm = pct(s);
          }
          return { device: g.device, start, end, utilizationPct: pct(u), smEfficiencyPct: sm, kernels: g.kernels, smKernels: g.smKernels };
        });
    },
    async memory(options = {}) {
      const t = findTrace(store, options.trace);
      if (!t) throw new Error(options.trace ? `no loaded trace "${options.trace}"` : 'no trace is loaded');
      return memorySummaryRows(await memoryFor(t.model));
    },
    search(query) {
      // Shown in the page too: the Search tab, with the query in its box.
      openDrawerTab(store, 'search');
      return runSearch(store, query);
    },
    async insightStats(options = {}) {
      const t = findTrace(store, options.trace);
      if (!t) throw new Error(options.trace ? `no loaded trace "${options.trace}"` : 'no trace is loaded');
      await hintsFor(t); // after the overview and the memory analysis
      const { overview, memory, hints, overviewWorkerMs, memoryWorkerMs, loadedAt, doneAt } = insightStatsOf(t.model);
      const all = [overview, memory, hints];
      return {
        overviewMs: overview.totalMs ?? 0,
        memoryMs: memory.totalMs ?? 0,
        hintsMs: hints.totalMs ?? 0,
        totalMs: all.reduce((a, x) => a + (x.totalMs ?? 0), 0),
        longestMs: Math.max(...all.map((x) => x.longestMs)),
        tasks: all.reduce((a, x) => a + x.tasks, 0),
        overviewLongestMs: overview.longestMs,
        memoryLongestMs: memory.longestMs,
        hintsLongestMs: hints.longestMs,
        overviewWorkerMs: overviewWorkerMs ?? 0,
        memoryWorkerMs: memoryWorkerMs ?? 0,
        readyMs: loadedAt !== undefined && doneAt !== undefined ? doneAt - loadedAt : null,
      };
    },
    analysisStats(reset = false) {
      const out = { ...analysisStats };
      if (reset) {
        analysisStats.longestMs = 0;
        analysisStats.tasks = 0;
      }
      return out;
    },
    details() {
      const s = store.getState();
      const sel = s.selection;
      const t = sel && s.traces.find((x) => x.id === sel.trace);
      if (!sel || !t) return null;
      const m = t.model;
      const i = sel.slice;
      const a = analyseSlice(m, i);
      const tr = m.tracks[m.slices.track[i]!]!;
      const ev = eventIfRead(t.id, i);
      const base: Details = {
        name: m.strings[m.slices.name[i]!]!,
        category: m.strings[m.slices.cat[i]!]!,
        track: `${m.processes[tr.process]!.name} / ${tr.name}`,
        start: m.slices.start[i]!,
        dur: m.slices.dur[i]!,
        selfUs: a.selfUs,
        args: ev === undefined ? null : argsOf(ev),
        parents: a.parents.map((p) => ({ name: m.strings[m.slices.name[p]!]!, start: m.slices.start[p]!, dur: m.slices.dur[p]! })),
      };
      const kf = kernelFields(m, i);
      if (kf) base.kernel = kf;
      if (a.launch) base.launch = plain(a.launch);
      if (a.launched.length) base.launched = a.launched.map(plain);
      if (a.gpuInside) base.gpuInside = a.gpuInside;
      return base;
    },
  };
}
