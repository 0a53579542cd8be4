// Plain-data descriptions of one slice for the tooltip, the live region and the details panel
// (one small object per *selected or hovered* slice, never per event).

import { FLAG_ASYNC, FLAG_GPU, FLAG_INSTANT, FLAG_LAUNCH, FLAG_UNFINISHED, type TraceModel } from '../../model/types.ts';
import type { LoadedTrace, SliceRef } from '../../store/app-store.ts';
import { formatDuration, formatTimestamp } from '../../render/time-scale.ts';

export interface SliceInfo {
  name: string;
  category: string;
  start: number;
  dur: number;
  track: string;
  process: string;
  instant: boolean;
  unfinished: boolean;
  async: boolean;
  gpu: boolean;
  launch: boolean;
}

export function findTrace(traces: readonly LoadedTrace[], id: string): LoadedTrace | null {
  for (const t of traces) if (t.id === id) return t;
  return null;
}

export function sliceInfo(model: TraceModel, i: number): SliceInfo | null {
  const s = model.slices;
  if (!(i >= 0 && i < s.start.length)) return null;
  const track = model.tracks[s.track[i]!];
  const f = s.flags[i]!;
  return {
    name: model.strings[s.name[i]!] ?? '',
    category: model.strings[s.cat[i]!] ?? '',
    start: s.start[i]!,
    dur: s.dur[i]!,
    track: track?.name ?? '',
    process: track ? model.processes[track.process]?.name ?? '' : '',
    instant: (f & FLAG_INSTANT) !== 0,
    unfinished: (f & FLAG_UNFINISHED) !== 0,
    async: (f & FLAG_ASYNC) !== 0,
    gpu: (f & FLAG_GPU) !== 0,
    launch: (f & FLAG_LAUNCH) !== 0,
  };
}

export function refInfo(traces: readonly LoadedTrace[], ref: SliceRef | null): SliceInfo | null {
  if (!ref) return null;
  const t = findTrace(traces, ref.trace);
  return t ? sliceInfo(t.model, ref.slice) : null;
}

/** "12.3 µs" / "instant" / "12.3 µs (unfinished)". */
export function durationText(info: SliceInfo): string {
  if (info.instant) return 'instant';
  return info.unfinished ? `${formatDuration(info.dur)} (did not end)` : formatDuration(info.dur);
}

/** One sentence for screen readers. */
export function announceText(info: SliceInfo | null): string {
  if (!info) return 'Nothing selected.';
  return `Selected ${info.name}, ${durationText(info)}, at ${formatTimestamp(info.start)}, on ${info.track}.`;
}
