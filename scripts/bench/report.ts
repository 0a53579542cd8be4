// The benchmark's output: one JSON object (stdout and .bench/latest.json).

import { cpus, totalmem } from 'node:os';
import type { AnalysisResult, AppLoadResult, FramesResult } from './app.ts';

export interface Machine {
  cpus: number;
  model: string;
  memGb: number;
  chromium: string;
  node: string;
}

export interface Run {
  file: string;
  events: number;
  /** Size of the file on disk. */
  bytes: number;
  gzip: boolean;
  /** Size of the JSON text after gunzip (mbPerS is computed on this). */
  decodedBytes: number;
  loadMs: number | null;
  /** Each measurement when loadMs is a median of several. */
  loadMsRuns?: number[];
  mbPerS: number | null;
  bytesPerEvent: number | null;
  jsonParseMs: number | null;
  jsonParseMsRuns?: number[];
  speedscopeMs: number | null;
  vsJsonParse: number | null;
  /** jsonParseMs / loadMs of each (load, JSON.parse) pair measured back to back, and their median. */
  vsJsonParsePairs?: number[];
  vsJsonParsePaired?: number | null;
  vsSpeedscope: number | null;
  peakRssMb: number | null;
  /** Browser tree RSS right before the load started. */
  rssBeforeMb: number | null;
  jsonParseNote?: string;
  speedscopeFile?: string;
  speedscopeNote?: string;
  /** Speedscope's own console.time("import") (import only, no fetch or first frame). */
  speedscopeImportMs?: number | null;
  speedscopeWarnings?: number;
  /** speedscope failed this way at the first try (the figure is from a second one). */
  speedscopeFirstError?: string;
  /** Kinetoscope's own split of loadMs (summary.timing): parse, finish, parse workers used. */
  timing?: AppLoadResult['timing'];
  /** The analysis calls after the load (plain files): medians over the loads, and the budgets. */
  analysis?: AnalysisSummary;
  errors?: string[];
}

export type AnalysisSummary = { [K in Exclude<keyof AnalysisResult, 'longTasksAt'>]: number } & {
  /** Every load's long tasks, `<call>:<ms>`. */
  longTasksAt: string[];
  /** 100 × tablesMs / loadMs, per load, median. */
  tablesPctOfLoad: number;
  searchPctOfLoad: number;
  /** The slower of the two searches alone, in % of the load (the budget's figure). */
  searchEachPctOfLoad: number;
  insightPctOfLoad: number;
  runs: number;
  budgets: { tablesWithin10PctOfLoad: boolean; searchWithin3PctOfLoad: boolean; longestTaskAtMost50Ms: boolean; insightWithin15PctOfLoad: boolean };
};

export interface Report {
  date: string;
  machine: Machine;
  quick: boolean;
  runs: Run[];
  frames: FramesResult | { frames: 0; note: string } | null;
  notes: string[];
}

export function machineInfo(chromium: string): Machine {
  const c = cpus();
  return {
    cpus: c.length,
    model: c[0]?.model.trim() ?? 'unknown',
    memGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    chromium,
    node: process.version,
  };
}

export function round(x: number | null | undefined, digits: number): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
