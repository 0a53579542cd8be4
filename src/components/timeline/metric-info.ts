// Plain data for the hovered bucket of a GPU metric track (the tooltip reads it): the device's
// mean utilization and estimated SM efficiency over the bucket, as drawn.

import { formatDuration } from '../../lib/time-format.ts';
import { metricMeans } from '../../render/draw-gpu-metrics.ts';
import type { LoadedTrace, MetricRef } from '../../store/app-store.ts';

export interface MetricBucketInfo {
  device: string;
  start: number;
  end: number;
  utilization: number;
  smEfficiency: number | null;
  utilizationText: string;
  smText: string;
  widthText: string;
}

/** A share 0–1 as a percentage: whole numbers from 10 %, one decimal below ("86 %", "0.4 %"). */
export function formatPct(v: number): string {
  const p = 100 * v;
  return `${p >= 10 || p === 0 ? Math.round(p) : p.toFixed(1)} %`;
}

export function metricInfo(traces: readonly LoadedTrace[], ref: MetricRef | null): MetricBucketInfo | null {
  if (!ref) return null;
  const track = traces.find((t) => t.id === ref.trace)?.gpuMetrics?.find((g) => g.device === ref.device);
  if (!track) return null;
  const { utilization, smEfficiency } = metricMeans(track, ref.start, ref.end);
  return {
    device: ref.device,
    start: ref.start,
    end: ref.end,
    utilization,
    smEfficiency,
    utilizationText: formatPct(utilization),
    smText:
      smEfficiency === null
        ? 'unknown (no blocks per SM, no SM count)'
        : track.smKernels < track.kernels
          ? `${formatPct(smEfficiency)} (known for ${track.smKernels} of ${track.kernels} kernels; the rest count 0)`
          : formatPct(smEfficiency),
    widthText: formatDuration(ref.end - ref.start),
  };
}
