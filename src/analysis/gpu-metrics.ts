// GPU metrics over time, per device, as the retired TensorBoard plugin defined them
// (../shared/ANALYSIS.md, "GPU metrics"):
//   GPU utilization      the share of a window covered by at least one kernel of the device
//                        (kernels only: memcpy and memset do not count)
//   est. SM efficiency   per kernel min(1, blocks per SM) (the arg, else grid ÷ the device's
//                        SMs: kernels.ts kernelSmEfficiency); where kernels overlap their values
//                        add, capped at 1; time-averaged over the window (idle time counts as 0)
//
// Both are worked out once per trace as step functions of time with their running integral
// (lib/step-function.ts): a sweep over the device's kernel starts and ends, sorted by merging
// the stream rows (each already sorted, index/row-index.ts). The mean over any window is then
// two bisections, so a frame's few hundred buckets cost O(buckets · log pieces) at any zoom,
// however many kernels the window holds; one bucket over [first step start, last step end] is
// the overview's device figure.

import { sortByRunsSteps } from '../lib/sort.ts';
import { bucketMeans, StepBuilder } from '../lib/step-function.ts';
import type { GpuMetricTrack, TraceModel } from '../model/types.ts';
import { kernelSmEfficiency, smCounts } from './kernels.ts';
import { ROLE_KERNEL, roleOfCategory } from './roles.ts';
import { forChunks, runNow, type Work } from './sliced.ts';

export type { GpuMetricTrack };

/**
 * The device a kernel counts for: its `args.device`; without it (rare: one kernel in the
 * corpus), the pid of the GPU process it is in, when that is an integer; else NaN (skipped).
 */
export function kernelDevice(m: TraceModel, r: number, i: number): number {
  const d = m.kernels.device[r]!;
  if (Number.isFinite(d)) return d;
  const pid = m.processes[m.tracks[m.slices.track[i]!]!.process]!.pid;
  return /^\d+$/.test(pid) ? Number(pid) : NaN;
}

/** Per device (in order of device id), its kernels' start, end and SM efficiency (NaN: unknown). */
interface DeviceKernels {
  device: number;
  process: number;
  n: number;
  starts: Float64Array;
  ends: Float64Array;
  effStart: Float64Array;
  effEnd: Float64Array;
  smKernels: number;
}

const cache = new WeakMap<TraceModel, GpuMetricTrack[]>();

/** The per-device metric tracks of a trace, in tasks (runSliced) or at once (runNow); cached per model. */
export function* gpuMetricsWork(m: TraceModel): Work<GpuMetricTrack[]> {
  const done = cache.get(m);
  if (done) return done;
  // Whether a category is `kernel`, per string id met among the kernel rows (1 yes, 2 no):
  // categoryRoles would read every slice of the trace first.
  const isKernelCat = new Uint8Array(m.strings.length);
  const k = m.kernels;
  const { start, dur, cat } = m.slices;
  const nK = k.slice.length;
  // Pass 1: which device each kernel counts for (-1: none), and how many per device.
  const slot = new Int32Array(nK).fill(-1);
  const devices: number[] = [];
  const slotOf = new Map<number, number>();
  const counts: number[] = [];
  let lastDev = NaN;
  let lastSlot = -1;
  yield* forChunks(nK, (lo, hi) => {
    for (let r = lo; r < hi; r++) {
      const i = k.slice[r]!;
      const c = cat[i]!;
      if (isKernelCat[c] === 0) isKernelCat[c] = roleOfCategory(m.strings[c]!) === ROLE_KERNEL ? 1 : 2;
      if (isKernelCat[c] !== 1 || !(dur[i]! > 0)) continue;
      const d = kernelDevice(m, r, i);
      if (d !== d) continue;
      if (d !== lastDev) {
        let s = slotOf.get(d);
        if (s === undefined) {
          slotOf.set(d, (s = devices.length));
          devices.push(d);
          counts.push(0);
        }
        lastDev = d;
        lastSlot = s;
      }
      slot[r] = lastSlot;
      counts[lastSlot]!++;
    }
  });
  const sms = smCounts(m);
  const lists: DeviceKernels[] = devices.map((device, s) => ({
    device,
    process: -1,
    n: 0,
    starts: new Float64Array(counts[s]!),
    ends: new Float64Array(counts[s]!),
    effStart: new Float64Array(counts[s]!),
    effEnd: new Float64Array(counts[s]!),
    smKernels: 0,
  }));
  // Pass 2: fill them in kernel order, i.e. (track, row, start): sorted runs, one per row.
  yield* forChunks(nK, (lo, hi) => {
    for (let r = lo; r < hi; r++) {
      const s = slot[r]!;
      if (s < 0) continue;
      const d = lists[s]!;
      const i = k.slice[r]!;
      if (d.process < 0) d.process = m.tracks[m.slices.track[i]!]!.process;
      const e = kernelSmEfficiency(m, sms, r);
      const j = d.n++;
      d.starts[j] = start[i]!;
      d.ends[j] = start[i]! + dur[i]!;
      if (e === e) {
        d.effStart[j] = d.effEnd[j] = e;
        d.smKernels++;
      } else d.effStart[j] = d.effEnd[j] = 0;
    }
  });
  const out: GpuMetricTrack[] = [];
  lists.sort((a, b) => a.device - b.device);
  for (const d of lists) {
    yield* sortByRunsSteps(d.starts, d.effStart);
    yield;
    yield* sortByRunsSteps(d.ends, d.effEnd);
    yield;
    const sw = new Sweep(d);
    while (!sw.run(SWEEP_CHUNK)) yield;
    out.push(sw.result());
    yield;
  }
  cache.set(m, out);
  return out;
}

/** Kernel boundaries swept per task. */
const SWEEP_CHUNK = 1 << 15;

/** The step functions of one device, from its sorted starts and ends, swept a chunk at a time. */
class Sweep {
  private i = 0;
  private j = 0;
  private active = 0;
  private sum = 0;
  private readonly busy: StepBuilder;
  private readonly sm: StepBuilder | null;

  constructor(private readonly d: DeviceKernels) {
    this.busy = new StepBuilder(Math.min(2 * d.n + 2, 1 << 16));
    this.sm = d.smKernels > 0 ? new StepBuilder(Math.min(2 * d.n + 2, 1 << 16)) : null;
  }

  /** Sweeps up to `budget` boundaries; true when done. */
  run(budget: number): boolean {
    const { n, starts: S, ends: E, effStart: eS, effEnd: eE } = this.d;
    const { busy, sm } = this;
    let { i, j, active, sum } = this;
    const stop = Math.min(2 * n, i + j + budget);
    while (j < n && i + j < stop) {
      const x = i < n && S[i]! < E[j]! ? S[i]! : E[j]!;
      while (j < n && E[j] === x) {
        active--;
        sum -= eE[j++]!;
      }
      while (i < n && S[i] === x) {
        active++;
        sum += eS[i++]!;
      }
      // Nothing runs: exactly 0, whatever rounding the sums left behind.
      if (active === 0) sum = 0;
      busy.set(x, active > 0 ? 1 : 0);
      if (sm) sm.set(x, sum >= 1 ? 1 : sum > 0 ? sum : 0);
    }
    this.i = i;
    this.j = j;
    this.active = active;
    this.sum = sum;
    return j >= n;
  }

  result(): GpuMetricTrack {
    const d = this.d;
    return { device: String(d.device), process: d.process, kernels: d.n, busy: this.busy.finish(), sm: this.sm ? this.sm.finish() : null, smKernels: d.smKernels };
  }
}

/** The per-device metric tracks of a trace (worked out now if not yet; then cached). */
export function gpuMetrics(m: TraceModel): GpuMetricTrack[] {
  return runNow(gpuMetricsWork(m));
}

export interface GpuMetricBuckets {
  /** Per bucket, the share (0–1) of it covered by at least one kernel of the device. */
  utilization: Float32Array;
  /** Per bucket, the time-averaged estimated SM efficiency (0–1); NaN where no kernel's is known. */
  smEfficiency: Float32Array;
}

/**
 * The device's GPU utilization and estimated SM efficiency in `n` equal buckets of [t0, t1]
 * (µs from the trace start), into `out` when given (and long enough). A device without kernels
 * gives zeros; `device` is the kernels' `args.device`.
 */
export function gpuMetricBuckets(m: TraceModel, device: number | string, t0: number, t1: number, n: number, out?: GpuMetricBuckets): GpuMetricBuckets {
  const o = out && out.utilization.length >= n && out.smEfficiency.length >= n ? out : { utilization: new Float32Array(n), smEfficiency: new Float32Array(n) };
  const track = gpuMetrics(m).find((g) => g.device === String(device));
  metricBuckets(track, t0, t1, n, o);
  return o;
}

/** gpuMetricBuckets over a metric track already at hand (the renderer's path: no lookup, no allocation). */
export function metricBuckets(track: GpuMetricTrack | undefined, t0: number, t1: number, n: number, out: GpuMetricBuckets): void {
  if (!track || !(t1 > t0) || n <= 0) {
    out.utilization.fill(0, 0, n);
    out.smEfficiency.fill(track?.sm ? 0 : NaN, 0, n);
    return;
  }
  bucketMeans(track.busy, t0, t1, n, out.utilization);
  if (track.sm) bucketMeans(track.sm, t0, t1, n, out.smEfficiency);
  else out.smEfficiency.fill(NaN, 0, n);
}
