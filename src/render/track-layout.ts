// The vertical layout of the track area, shared by the canvas renderer and the React header
// column so both agree to the pixel. Pure: traces + collapsed state in, a flat list out.
//
// Coordinate space: "layout y" in CSS px, 0 at the top of the first item (just below the
// time ruler). Canvas y = RULER_HEIGHT + layoutY − scrollY.
//
//   [trace header]        only in compare mode (two or more traces)
//   [process header]      22 px; when collapsed, followed inside the same item by a 14 px
//                         busy-density summary row
//     [GPU metrics]       48 px, per GPU device with kernels: computed utilization and SM
//                         efficiency (first in the device's process; once worked out)
//     [track]             rows × 18 px + TRACK_PAD (slice tracks) or 40 px (counters)
//
// Items are in increasing y with no gaps, so "which item is at y" is a bisection.

import type { LoadedTrace } from '../store/app-store.ts';

export const RULER_HEIGHT = 24;
export const ROW_HEIGHT = 18;
export const TRACK_PAD = 4; // 2 px above the first row and below the last
export const COUNTER_HEIGHT = 40;
export const METRIC_HEIGHT = 48;
export const PROCESS_HEADER_HEIGHT = 22;
export const SUMMARY_HEIGHT = 14;
export const TRACE_HEADER_HEIGHT = 24;

export type LayoutItemKind = 'trace' | 'process' | 'track';

export interface LayoutItem {
  /** Stable React key; for processes also the key into `AppState.collapsed`. */
  key: string;
  kind: LayoutItemKind;
  traceId: string;
  /** Index into the trace model's `processes` (process and track items). */
  process?: number;
  /** Index into the trace model's `tracks` (track items). */
  track?: number;
  y: number;
  height: number;
  label: string;
  /** Slice rows of a track (0 for counters, headers and empty tracks). */
  depthRows: number;
  /** Process items only: whether the process is collapsed (then a summary row follows the header). */
  collapsed?: boolean;
  /** Counter tracks. */
  counter?: boolean;
  /** GPU metric tracks (derived, no `track`): index into the trace's `gpuMetrics`. */
  metric?: number;
  /** GPU metric tracks: whether the SM efficiency is known (drawn) too. */
  metricSm?: boolean;
}

export interface TrackLayout {
  items: LayoutItem[];
  totalHeight: number;
  /**
   * Per trace id: the index in `items` of each track of that trace, or -1 when its process is
   * collapsed (flows and reveal then point at the process item, see `processItem`).
   */
  trackItem: Map<string, Int32Array>;
  /** Per trace id: the index in `items` of each process header. */
  processItem: Map<string, Int32Array>;
}

/** The key of a process in `AppState.collapsed`: the trace id keeps compare-mode twins apart. */
export function processKey(traceId: string, pid: string): string {
  return `${traceId}:${pid}`;
}

export function computeTrackLayout(traces: readonly LoadedTrace[], collapsed: Readonly<Record<string, boolean>>): TrackLayout {
  const items: LayoutItem[] = [];
  const trackItem = new Map<string, Int32Array>();
  const processItem = new Map<string, Int32Array>();
  const compare = traces.length > 1;
  let y = 0;
  for (const t of traces) {
    const m = t.model;
    const tItems = new Int32Array(m.tracks.length).fill(-1);
    const pItems = new Int32Array(m.processes.length).fill(-1);
    trackItem.set(t.id, tItems);
    processItem.set(t.id, pItems);
    if (compare) {
      items.push({ key: `trace:${t.id}`, kind: 'trace', traceId: t.id, y, height: TRACE_HEADER_HEIGHT, label: t.label ?? t.name, depthRows: 0 });
      y += TRACE_HEADER_HEIGHT;
    }
    for (const p of m.processes) {
      const key = processKey(t.id, p.pid);
      const isCollapsed = collapsed[key] === true;
      const height = PROCESS_HEADER_HEIGHT + (isCollapsed ? SUMMARY_HEIGHT : 0);
      pItems[p.index] = items.length;
      items.push({ key, kind: 'process', traceId: t.id, process: p.index, y, height, label: p.name, depthRows: 0, collapsed: isCollapsed });
      y += height;
      if (isCollapsed) continue;
      const metrics = t.gpuMetrics;
      if (metrics) {
        for (let g = 0; g < metrics.length; g++) {
          const gm = metrics[g]!;
          if (gm.process !== p.index) continue;
          const label = `GPU ${gm.device} metrics, % (computed)`;
          items.push({ key: `${key}:metrics:${gm.device}`, kind: 'track', traceId: t.id, process: p.index, y, height: METRIC_HEIGHT, label, depthRows: 0, metric: g, metricSm: gm.sm !== null });
          y += METRIC_HEIGHT;
        }
      }
      for (const ti of p.tracks) {
        const tr = m.tracks[ti]!;
        const isCounter = tr.kind === 'counter';
        const rows = isCounter ? 0 : Math.max(0, tr.rowStart.length - 1);
        const h = isCounter ? COUNTER_HEIGHT : trackHeight(rows);
        tItems[ti] = items.length;
        items.push({
          key: `${key}:${ti}`,
          kind: 'track',
          traceId: t.id,
          process: p.index,
          track: ti,
          y,
          height: h,
          label: tr.name,
          depthRows: rows,
          ...(isCounter ? { counter: true } : {}),
        });
        y += h;
      }
    }
  }
  return { items, totalHeight: y, trackItem, processItem };
}

/** Height of a slice track with `rows` rows (an empty track still gets one row). */
export function trackHeight(rows: number): number {
  return Math.max(1, rows) * ROW_HEIGHT + TRACK_PAD;
}

/** Top of slice row `row` of a track item, in layout y. */
export function rowTop(item: LayoutItem, row: number): number {
  return item.y + TRACK_PAD / 2 + row * ROW_HEIGHT;
}

/** Index of the item containing layout y (clamped to the list), or -1 when there are no items. */
export function itemIndexAt(items: readonly LayoutItem[], y: number): number {
  if (items.length === 0) return -1;
  let lo = 0;
  let hi = items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (items[mid]!.y <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// One-entry memo so the renderer and the header column, computing the layout from the same
// store state, share one object (and React sees a stable identity).
let memo: { traces: readonly LoadedTrace[]; collapsed: Readonly<Record<string, boolean>>; layout: TrackLayout } | null = null;

export function trackLayoutFor(traces: readonly LoadedTrace[], collapsed: Readonly<Record<string, boolean>>): TrackLayout {
  if (memo && memo.traces === traces && memo.collapsed === collapsed) return memo.layout;
  const layout = computeTrackLayout(traces, collapsed);
  memo = { traces, collapsed, layout };
  return layout;
}
