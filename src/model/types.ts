// The loaded trace, as the worker hands it to the page: flat typed arrays plus small
// per-track descriptors. No object per event survives parsing.
//
// Time units: every time in the model is in microseconds (µs) relative to the trace
// start (`TraceModel.startUs`, the smallest timestamp of any loaded event), stored as
// float64. Relative values keep fractional nanoseconds exactly where absolute
// epoch-scale microseconds (1.7e15) would not.

import type { StepFunction } from '../lib/step-function.ts';
import type { FieldColumns } from './fields.ts';

export type Micros = number;

/** The `summary` JSON (a contract: `npm run summary`, the page's load report, `window.kinetoscope`). */
export interface Summary {
  file: string;
  bytes: number;
  loadMs: number;
  events: { total: number; byPhase: Record<string, number> };
  processes: number;
  threads: number;
  counters: number;
  gpu: {
    devices: number;
    streams: number;
    kernels: number;
    memcpy: number;
    memset: number;
    launchLinked: number;
    busyUs: number;
  };
  flows: { matched: number; unmatched: number };
  spanUs: number;
  metadata: string[];
  warnings: Record<string, number>;
  /** Extras (not part of the contract's required keys). */
  slices: number;
  tracks: number;
  truncated: null | { atByte: number; afterEvents: number };
  syntaxError: null | { atByte: number; context: string; message: string };
  examples: { reason: string; index: number; atByte: number; detail: string }[];
  bytesPerEvent: number;
  /** Where loadMs went: reading and parsing the bytes, then matching, layout and indexing. */
  timing: {
    parseMs: number;
    finishMs: number;
    /** Parse workers used (0: parsed on the loading thread). */
    workers: number;
    /** Segments the file was cut into for them, and how many cuts proved wrong (re-read). */
    segments: number;
    /** Of them, parsed by the workers (the rest: by the loading thread itself). */
    workerSegments: number;
    recuts: number;
    /** Parallel parse: time this thread waited for and merged results; the workers' summed time. */
    waitMs: number;
    mergeMs: number;
    workerMs: number;
    /**
     * Time the loading thread spent awaiting the next bytes of the file: from the reader
     * worker, or from the browser's reading of the file. An upper bound on its idle time
     * (other tasks may run meanwhile); where gzip is inflated on this thread (no reader
     * worker), the inflating is in it too.
     */
    readWaitMs: number;
    /** The file read (and inflated, if gzip) on the reader worker (true) or on the loading thread. */
    readerWorker: boolean;
    /** Events read by the WebAssembly reader; the rest (and all, where there is no WebAssembly) by the JS scanner. */
    wasmEvents: number;
    /** Of those, the events the module appended to the columns itself, in runs. */
    wasmCollected: number;
  };
}

export type TrackKind = 'thread' | 'gpu' | 'async' | 'counter';

export interface ProcessInfo {
  /** Index in `TraceModel.processes`. */
  index: number;
  /** The pid as written in the file (numbers and numeric strings normalised to the same text). */
  pid: string;
  name: string;
  labels: string;
  sortIndex: number;
  isGpu: boolean;
  /** Track indices, in display order. */
  tracks: number[];
}

export interface TrackInfo {
  index: number;
  kind: TrackKind;
  process: number;
  /** tid as written for thread/GPU tracks; the category for async tracks; series for counters. */
  tid: string;
  name: string;
  sortIndex: number;
  /** Slice rows of this track: row r holds slices [rowStart[r], rowStart[r+1]) of the columns. */
  rowStart: number[];
  /** For counter tracks: index into `TraceModel.counters`. */
  counter: number;
}

/**
 * Slices (X, matched B/E, instants, async spans) sorted by (track, row, start). Within one row
 * slices never overlap, so start and end are both non-decreasing: a row is its own interval index.
 */
export interface SliceColumns {
  start: Float64Array;
  dur: Float64Array;
  name: Uint32Array;
  cat: Uint32Array;
  /** Row within the track (nesting depth plus sub-rows for slices that overlap without nesting). */
  depth: Uint16Array;
  /** Bit set of FLAG_* below. */
  flags: Uint8Array;
  /** Index of the owning track. */
  track: Uint32Array;
}

export const FLAG_INSTANT = 1;
export const FLAG_UNFINISHED = 2; // B without E, closed at the end of the trace
export const FLAG_ASYNC = 4;
export const FLAG_GPU = 8; // device activity: kernel, memcpy, memset; a non-CUDA accelerator's own (tracks.ts)
export const FLAG_LAUNCH = 16; // CPU-side runtime call with a correlation id

/** Flow arrows between slices, sorted by `from`. */
export interface FlowColumns {
  from: Uint32Array;
  to: Uint32Array;
  /** 0 = v1 s/t/f, 1 = v2 bind_id, 2 = args.correlation launch link. */
  kind: Uint8Array;
  /** Flow indices sorted by `to` (for incoming flows of a slice). */
  byTo: Uint32Array;
}

/** Kernel launch fields for GPU slices that carry them, sorted by `slice`. NaN/0 where absent. */
export interface KernelColumns {
  slice: Uint32Array;
  gridX: Uint32Array;
  gridY: Uint32Array;
  gridZ: Uint32Array;
  blockX: Uint32Array;
  blockY: Uint32Array;
  blockZ: Uint32Array;
  registers: Float32Array;
  sharedMemory: Float64Array;
  blocksPerSm: Float32Array;
  warpsPerSm: Float32Array;
  occupancy: Float32Array;
  correlation: Float64Array;
  device: Float32Array;
  stream: Float32Array;
}

export interface CounterSeries {
  track: number;
  name: string;
  times: Float64Array;
  values: Float64Array;
  /** 'bytes' for the memory curves the loader derives from `[memory]` events (memory-curves.ts). */
  unit?: 'bytes';
}

export interface TraceModel {
  name: string;
  /** Absolute start of the trace in µs (lossy at epoch scale; for display only). */
  startUs: Micros;
  /**
   * The same start exactly, in two parts: `baseUs` (an integer, the first timestamp's whole µs:
   * exact below 2^53) + `relUs` (the smallest timestamp relative to it, fraction exact). Ranks
   * of one run are put on one clock from these (analysis/rank-clock.ts). Absent in models
   * built by hand.
   */
  origin?: { baseUs: number; relUs: number };
  /** End of the last event, relative to start. */
  endUs: Micros;
  /**
   * Where the work is, the view a trace opens at: from the first start to the last end of
   * the slices that last (dur > 0; one never closed counts its start only), ignoring
   * instants and counters; without such slices the counters' samples, else [0, endUs].
   */
  contentStartUs: Micros;
  contentEndUs: Micros;
  strings: string[];
  processes: ProcessInfo[];
  tracks: TrackInfo[];
  slices: SliceColumns;
  flows: FlowColumns;
  kernels: KernelColumns;
  /** Parsed args fields of the events that carry them (fields.ts), per group, rows in time order (ties in file order). */
  fields: FieldColumns;
  counters: CounterSeries[];
  metadata: Record<string, unknown>;
  summary: Summary;
}

/**
 * A device's GPU metrics over time, derived from its kernels (analysis/gpu-metrics.ts; the page
 * keeps them on the loaded trace and draws them as tracks in the device's process).
 */
export interface GpuMetricTrack {
  /** The kernels' `args.device`, as text ("0"). */
  device: string;
  /** The process (index in `TraceModel.processes`) the tracks are drawn in: where its first kernel is. */
  process: number;
  /** Kernels counted (category `kernel`, duration > 0). */
  kernels: number;
  /** 1 while at least one kernel runs, else 0: its mean over a window is the GPU utilization. */
  busy: StepFunction;
  /** min(1, Σ estimated SM efficiency of the running kernels); null when no kernel's is known. */
  sm: StepFunction | null;
  /** Kernels whose SM efficiency is known (the rest count as 0 in `sm`). */
  smKernels: number;
}
