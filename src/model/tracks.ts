// Names and orders processes and tracks the way PyTorch profiler users know them:
// "GPU 0" with its "stream 7", CPU processes with "thread 1234 (python)", sorted by the
// trace's sort indices where it has them, else by pid/tid.

import type { Collector, ProcessDraft, TrackDraft } from './collector.ts';
import { FLAG_GPU, FLAG_INSTANT, type ProcessInfo, type SliceColumns, type TrackInfo } from './types.ts';

const GPU_SORT_BASE = 16777216; // Kineto's process_sort_index for device 0

/** How profilers label accelerator processes: Kineto's process_labels "GPU 0", "MTIA 9". */
const DEVICE_LABEL = /^(GPU|MTIA|TPU|NPU|XPU|HPU|IPU|MLU|DCU)\b/;
/** A process_name that is a device and nothing else ("MTIA 9"; not Chrome's "GPU Process"). */
const DEVICE_NAME = /^(GPU|MTIA|TPU|NPU|XPU|HPU|IPU|MLU|DCU) ?\d+$/;

/** The accelerator word the trace names a process with, or null. */
function deviceWord(p: ProcessDraft): string | null {
  return DEVICE_LABEL.exec(p.labels)?.[1] ?? DEVICE_NAME.exec(p.name.trim())?.[1] ?? null;
}

/**
 * Marks device activity of accelerators that are not CUDA/ROCm (which the kernel, memcpy and
 * memset categories already mark): on a process named "MTIA 9", the slices whose category is
 * that device's own (`mtia_…`) other than its host-side API (`mtia_runtime`, `…_driver`).
 * Before B/E matching: only X slices and instants are in the columns yet.
 */
export function markDeviceActivity(c: Collector): void {
  const prefixOf = new Map<number, string>();
  for (const p of c.processes.values()) {
    const word = p.gpuEvents === 0 ? deviceWord(p) : null;
    if (word && word !== 'GPU') prefixOf.set(p.pid, `${word.toLowerCase()}_`);
  }
  if (prefixOf.size === 0) return;
  const str = c.strings.strings;
  const isDeviceCat = new Map<string, boolean>();
  const flags = c.sFlags.data, track = c.sTrack.data, cat = c.sCat.data;
  let lastTrack = -1;
  let prefix: string | undefined;
  let proc: ProcessDraft | undefined;
  for (let i = 0; i < c.sStart.length; i++) {
    if (flags[i]! & (FLAG_INSTANT | FLAG_GPU)) continue;
    if (track[i] !== lastTrack) {
      lastTrack = track[i]!;
      const pid = c.tracks[lastTrack]!.pid;
      prefix = prefixOf.get(pid);
      proc = c.processes.get(pid);
    }
    if (prefix === undefined) continue;
    const key = `${prefix}\u0000${cat[i]}`;
    let device = isDeviceCat.get(key);
    if (device === undefined) {
      const name = (str[cat[i]!] ?? '').toLowerCase();
      device = name.startsWith(prefix) && !/_(runtime|driver)$/.test(name);
      isDeviceCat.set(key, device);
    }
    if (device) {
      flags[i]! |= FLAG_GPU;
      proc!.gpuEvents++;
    }
  }
}

export function buildTracks(
  c: Collector,
  rowStarts: number[][],
  slices: SliceColumns,
): { processes: ProcessInfo[]; tracks: TrackInfo[] } {
  const str = c.strings.strings;
  const drafts = c.eventProcesses();
  const hasGpuSlices = new Set<number>();
  for (let t = 0; t < c.tracks.length; t++) {
    const rows = rowStarts[t]!;
    for (let i = rows[0]!; i < rows[rows.length - 1]!; i++) {
      if (slices.flags[i]! & FLAG_GPU) {
        hasGpuSlices.add(c.tracks[t]!.pid);
        break;
      }
    }
  }
  const isGpu = (p: ProcessDraft): boolean =>
    hasGpuSlices.has(p.pid) || deviceWord(p) !== null || (p.hasSortIndex && p.sortIndex >= GPU_SORT_BASE && p.sortIndex < GPU_SORT_BASE + 4096);

  const ordered = [...drafts].sort((a, b) => {
    const ga = isGpu(a) ? 1 : 0;
    const gb = isGpu(b) ? 1 : 0;
    if (ga !== gb) return ga - gb;
    const sa = a.hasSortIndex ? a.sortIndex : numeric(str[a.pid]!);
    const sb = b.hasSortIndex ? b.sortIndex : numeric(str[b.pid]!);
    return sa - sb || compareText(str[a.pid]!, str[b.pid]!);
  });

  const processes: ProcessInfo[] = [];
  const processIndex = new Map<number, number>();
  for (const p of ordered) {
    const pid = str[p.pid]!;
    const gpu = isGpu(p);
    const name = gpu
      ? DEVICE_LABEL.test(p.labels) ? p.labels : DEVICE_NAME.test(p.name.trim()) ? p.name.trim() : `GPU ${pid}`
      : p.name ? `${p.name} (${pid})` : pid === '' ? 'Global' : `Process ${pid}`;
    processIndex.set(p.pid, processes.length);
    processes.push({ index: processes.length, pid, name, labels: p.labels, sortIndex: p.sortIndex, isGpu: gpu, tracks: [] });
  }

  const tracks: TrackInfo[] = c.tracks.map((d, index) => {
    const proc = processes[processIndex.get(d.pid)!]!;
    return {
      index,
      kind: d.kind === 'thread' && proc.isGpu ? 'gpu' : d.kind,
      process: proc.index,
      tid: d.kind === 'counter' ? d.label : str[d.tid] ?? '',
      name: trackName(c, d, proc),
      sortIndex: trackSort(c, d),
      rowStart: rowStarts[index]!,
      counter: d.counter,
    };
  });
  const kindOrder = { counter: 0, gpu: 1, thread: 1, async: 2 } as const;
  for (const t of tracks) processes[t.process]!.tracks.push(t.index);
  for (const p of processes) {
    p.tracks.sort((a, b) => {
      const ta = tracks[a]!;
      const tb = tracks[b]!;
      return kindOrder[ta.kind] - kindOrder[tb.kind] || ta.sortIndex - tb.sortIndex || compareText(ta.name, tb.name);
    });
  }
  return { processes, tracks };
}

function trackName(c: Collector, d: TrackDraft, proc: ProcessInfo): string {
  const str = c.strings.strings;
  if (d.kind === 'counter') return d.label;
  if (d.kind === 'async') return str[d.tid] ? `${str[d.tid]} (async)` : 'async';
  const tid = str[d.tid] ?? '';
  const named = c.threadNames.get(c.threadKey(d.pid, d.tid));
  if (named) return named;
  if (tid === '') return 'no thread id';
  if (proc.isGpu) return /^stream\b/i.test(tid) ? tid : `stream ${tid}`;
  const procName = c.processes.get(d.pid)?.name;
  return procName ? `thread ${tid} (${procName})` : `thread ${tid}`;
}

function trackSort(c: Collector, d: TrackDraft): number {
  if (d.kind !== 'thread') return 0;
  const explicit = c.threadSort.get(c.threadKey(d.pid, d.tid));
  return explicit ?? numeric(c.strings.strings[d.tid] ?? '');
}

function numeric(s: string): number {
  const m = /-?\d+(\.\d+)?/.exec(s);
  return m ? Number(m[0]) : Number.MAX_SAFE_INTEGER;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
