// The overview: the steps, their breakdown (steps.ts) and per GPU device the TensorBoard
// plugin's figures over the steps' window [first step start, last step end]:
//  - GPU utilization: the kernels' merged time in the window ÷ the window;
//  - estimated SM efficiency: per kernel min(1, blocks per SM) (kernels.ts), summed where
//    kernels overlap and capped at 1, integrated over the window ÷ the window;
//  - estimated achieved occupancy: the kernels' `est. achieved occupancy %` weighted by their
//    time inside the window (over the kernels that have it; null when none has).
// The first two are the GPU metric tracks' means over the window (gpu-metrics.ts), so the
// overview and the tracks never disagree and the sweep is done once per trace.

import { meanOver } from '../lib/step-function.ts';
import type { GpuMetricTrack, TraceModel } from '../model/types.ts';
import { gpuMetricsWork, kernelDevice } from './gpu-metrics.ts';
import { smCounts } from './kernels.ts';
import { categoryRolesWork, ROLE_KERNEL } from './roles.ts';
import { forChunks, runNow, type Work } from './sliced.ts';
import { breakdownWork, stepsWork, type Breakdown, type Step } from './steps.ts';

export interface DeviceFigures {
  /** The kernels' args.device as text ("0"); the GPU process's pid where kernels lack it (kernels with neither are not counted). */
  device: string;
  utilizationPct: number;
  smEfficiencyPct: number;
  occupancyPct: number | null;
  /** From the trace's deviceProperties, null where absent. */
  name: string | null;
  numSms: number | null;
  totalGlobalMem: number | null;
  computeCapability: string | null;
  /** Kernel time inside the window (summed, not merged), µs. */
  kernelUs: number;
}

export interface Overview {
  steps: Step[];
  breakdowns: Breakdown[];
  /** [first step start, last step end], µs. */
  window: { start: number; end: number };
  devices: DeviceFigures[];
  /** Whether the trace has GPU work at all (kernels, memcpy or memset). */
  hasGpu: boolean;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The deviceProperties entry of a device (matched on id), if any. */
export function deviceProperties(m: TraceModel, device: number): Record<string, unknown> | null {
  const list = m.metadata.deviceProperties;
  if (!Array.isArray(list)) return null;
  const e: unknown = list.find((d: unknown) => isRecord(d) && Number(d.id) === device);
  return isRecord(e) ? e : null;
}

/**
 * The device figures over `window`, from the GPU metric tracks (analysis/gpu-metrics.ts: the
 * same definitions, one bucket over the window) and one pass over the kernel rows for the
 * occupancy and the kernel time.
 */
export function* deviceFiguresWork(m: TraceModel, window: { start: number; end: number }, tracks?: GpuMetricTrack[]): Work<DeviceFigures[]> {
  const metrics = tracks ?? (yield* gpuMetricsWork(m));
  const w0 = window.start;
  const w1 = window.end;
  const span = w1 - w0;
  // Per device (in the tracks' order): Σ occupancy × time and the time of the kernels that
  // have one, and the kernel time, each clipped to the window.
  const slotOf = new Map<number, number>(metrics.map((t, k) => [Number(t.device), k]));
  const occW = new Float64Array(metrics.length);
  const occDur = new Float64Array(metrics.length);
  const kernelUs = new Float64Array(metrics.length);
  const roles = yield* categoryRolesWork(m);
  const k = m.kernels;
  const { start, dur, cat } = m.slices;
  let lastDev = NaN;
  let slot = -1;
  yield* forChunks(k.slice.length, (lo, hi) => {
    for (let r = lo; r < hi; r++) {
      const i = k.slice[r]!;
      if (roles[cat[i]!] !== ROLE_KERNEL) continue;
      const s = Math.max(w0, start[i]!);
      const e = Math.min(w1, start[i]! + dur[i]!);
      if (!(e > s)) continue;
      const d = kernelDevice(m, r, i);
      if (d !== lastDev) {
        lastDev = d;
        slot = slotOf.get(d) ?? -1;
      }
      if (slot < 0) continue;
      kernelUs[slot] += e - s;
      const occ = k.occupancy[r]!;
      if (Number.isFinite(occ)) {
        occW[slot] += occ * (e - s);
        occDur[slot] += e - s;
      }
    }
  });
  const sms = smCounts(m);
  return metrics.map((t, x) => {
    const device = Number(t.device);
    const props = deviceProperties(m, device);
    const num = (key: string): number | null => {
      const v = Number(props?.[key]);
      return props && props[key] !== undefined && Number.isFinite(v) ? v : null;
    };
    const major = num('computeMajor');
    const minor = num('computeMinor');
    return {
      device: t.device,
      utilizationPct: span > 0 ? 100 * meanOver(t.busy, w0, w1) : 0,
      smEfficiencyPct: span > 0 && t.sm ? 100 * meanOver(t.sm, w0, w1) : 0,
      occupancyPct: occDur[x]! > 0 ? occW[x]! / occDur[x]! : null,
      name: typeof props?.name === 'string' ? props.name : null,
      numSms: sms(device),
      totalGlobalMem: num('totalGlobalMem'),
      computeCapability: major !== null ? `${major}.${minor ?? 0}` : null,
      kernelUs: kernelUs[x]!,
    };
  });
}

/**
 * `gpuMetrics`: the trace's GPU metric tracks when already at hand (else worked out here);
 * `pre`: its steps and their breakdown when worked out elsewhere (the trace worker).
 */
export function* overviewWork(m: TraceModel, gpuMetrics?: GpuMetricTrack[], pre?: { steps: Step[]; breakdowns: Breakdown[] }): Work<Overview> {
  const steps = pre?.steps ?? (yield* stepsWork(m));
  const breakdowns = pre?.breakdowns ?? (yield* breakdownWork(m, steps));
  const window = { start: steps[0]!.start, end: steps[steps.length - 1]!.end };
  const devices = yield* deviceFiguresWork(m, window, gpuMetrics);
  const g = m.summary.gpu;
  return { steps, breakdowns, window, devices, hasGpu: g.kernels + g.memcpy + g.memset > 0 };
}

export function overviewOf(m: TraceModel): Overview {
  return runNow(overviewWork(m));
}
