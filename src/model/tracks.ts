// Names and orders processes and tracks the way PyTorch profiler users know them:
// "GPU 0" with its "stream 7", CPU processes with "thread 1234 (python)", sorted by the
// trace's sort indices where it has them, else by pid/tid.

import type { Collector, ProcessDraft, TrackDraft } from './collector.ts';
import { FLAG_GPU, type ProcessInfo, type SliceColumns, type TrackInfo } from './types.ts';

const GPU_SORT_BASE = 16777216; // Kineto's process_sort_index for device 0

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
    hasGpuSlices.has(p.pid) || /^GPU\b/.test(p.labels) || (p.hasSortIndex && p.sortIndex >= GPU_SORT_BASE && p.sortIndex < GPU_SORT_BASE + 4096);

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
      ? p.labels && /^GPU\b/.test(p.labels) ? p.labels : `GPU ${pid}`
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
