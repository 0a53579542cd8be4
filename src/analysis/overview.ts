// The overview: the steps, their breakdown (steps.ts) and per GPU device the TensorBoard
// plugin's figures over the steps' window [first step start, last step end]:
//  - GPU utilization: the kernels' merged time in the window ÷ the window;
//  - estimated SM efficiency: per kernel min(1, blocks per SM) (kernels.ts), summed where
//    kernels overlap and capped at 1, integrated over the window ÷ the window;
//  - estimated achieved occupancy: the kernels' `est. achieved occupancy %` weighted by their
//    time inside the window (over the kernels that have it; null when none has).

import type { TraceModel } from '../model/types.ts';
import { sortPairsWork } from './intervals.ts';
import { kernelSmEfficiency, smCounts } from './kernels.ts';
import { categoryRoles, ROLE_KERNEL } from './roles.ts';
import { forChunks, runNow, type Work } from './sliced.ts';
import { breakdownWork, stepsWork, type Breakdown, type Step } from './steps.ts';

export interface DeviceFigures {
  /** The kernels' args.device as text ("0"); the GPU process's pid where kernels lack it. */
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

const UNKNOWN = -1;

/** The device of each kernel slice (UNKNOWN where neither args.device nor a numeric GPU pid says). */
function kernelDevices(m: TraceModel, dev: Float64Array, lo: number, hi: number, rowAt: { r: number }): void {
  const roles = categoryRoles(m);
  const { cat, track } = m.slices;
  const k = m.kernels;
  let r = rowAt.r;
  for (let i = lo; i < hi; i++) {
    if (roles[cat[i]!] !== ROLE_KERNEL) {
      dev[i] = NaN;
      continue;
    }
    while (r < k.slice.length && k.slice[r]! < i) r++;
    let d = r < k.slice.length && k.slice[r] === i ? k.device[r]! : NaN;
    if (!Number.isFinite(d)) {
      const pid = Number(m.processes[m.tracks[track[i]!]!.process]!.pid);
      d = Number.isInteger(pid) && pid >= 0 ? pid : UNKNOWN;
    }
    dev[i] = d;
  }
  rowAt.r = r;
}

interface PerDevice {
  device: number;
  n: number;
  starts: Float64Array;
  startVal: Float64Array;
  ends: Float64Array;
  endVal: Float64Array;
  occW: number;
  occDur: number;
  kernelUs: number;
}

/** Busy time and the integral of min(1, Σ efficiency of the open kernels), over sorted starts and ends. */
function sweep(S: Float64Array, SV: Float64Array, E: Float64Array, EV: Float64Array): { busy: number; eff: number } {
  const n = S.length;
  let i = 0;
  let j = 0;
  let open = 0;
  let sum = 0;
  let prev = 0;
  let busy = 0;
  let eff = 0;
  while (i < n || j < n) {
    const isStart = i < n && S[i]! <= E[j]!;
    const t = isStart ? S[i]! : E[j]!;
    if (open > 0) {
      busy += t - prev;
      eff += Math.min(1, Math.max(0, sum)) * (t - prev);
    }
    if (isStart) {
      open++;
      sum += SV[i++]!;
    } else {
      open--;
      sum -= EV[j++]!;
      if (open === 0) sum = 0; // no drift carried past an idle gap
    }
    prev = t;
  }
  return { busy, eff };
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

export function* deviceFiguresWork(m: TraceModel, window: { start: number; end: number }): Work<DeviceFigures[]> {
  const n = m.slices.dur.length;
  const dev = new Float64Array(n);
  const rowAt = { r: 0 };
  yield* forChunks(n, (lo, hi) => kernelDevices(m, dev, lo, hi, rowAt));
  // Devices (every one with kernels, in the window or not) and their kernels in the window.
  const index = new Map<number, number>();
  const counts: number[] = [];
  const { start, dur } = m.slices;
  const w0 = window.start;
  const w1 = window.end;
  yield* forChunks(n, (lo, hi) => {
    for (let i = lo; i < hi; i++) {
      const d = dev[i]!;
      if (d !== d) continue;
      let x = index.get(d);
      if (x === undefined) {
        index.set(d, (x = counts.length));
        counts.push(0);
      }
      const s = Math.max(w0, start[i]!);
      const e = Math.min(w1, start[i]! + dur[i]!);
      if (e > s) counts[x]!++;
    }
  });
  const per: PerDevice[] = [];
  for (const [device, x] of index) {
    const c = counts[x]!;
    per[x] = { device, n: 0, starts: new Float64Array(c), startVal: new Float64Array(c), ends: new Float64Array(c), endVal: new Float64Array(c), occW: 0, occDur: 0, kernelUs: 0 };
  }
  const sms = smCounts(m);
  const k = m.kernels;
  let r = 0;
  yield* forChunks(n, (lo, hi) => {
    for (let i = lo; i < hi; i++) {
      const d = dev[i]!;
      if (d !== d) continue;
      const s = Math.max(w0, start[i]!);
      const e = Math.min(w1, start[i]! + dur[i]!);
      if (!(e > s)) continue;
      const p = per[index.get(d)!]!;
      while (r < k.slice.length && k.slice[r]! < i) r++;
      const row = r < k.slice.length && k.slice[r] === i ? r : -1;
      let v = row >= 0 ? kernelSmEfficiency(m, sms, row) : NaN;
      if (v !== v) v = 0;
      const occ = row >= 0 ? k.occupancy[row]! : NaN;
      if (Number.isFinite(occ)) {
        p.occW += occ * (e - s);
        p.occDur += e - s;
      }
      p.kernelUs += e - s;
      p.starts[p.n] = s;
      p.startVal[p.n] = v;
      p.ends[p.n] = e;
      p.endVal[p.n++] = v;
    }
  });
  const span = w1 - w0;
  const out: DeviceFigures[] = [];
  for (const p of per) {
    const a = yield* sortPairsWork(p.starts, p.startVal);
    const b = yield* sortPairsWork(p.ends, p.endVal);
    const { busy, eff } = sweep(a.key, a.val!, b.key, b.val!);
    const props = p.device >= 0 ? deviceProperties(m, p.device) : null;
    const num = (key: string): number | null => {
      const v = Number(props?.[key]);
      return props && props[key] !== undefined && Number.isFinite(v) ? v : null;
    };
    const major = num('computeMajor');
    const minor = num('computeMinor');
    out.push({
      device: p.device === UNKNOWN ? 'unknown' : String(p.device),
      utilizationPct: span > 0 ? (100 * busy) / span : 0,
      smEfficiencyPct: span > 0 ? (100 * eff) / span : 0,
      occupancyPct: p.occDur > 0 ? p.occW / p.occDur : null,
      name: typeof props?.name === 'string' ? props.name : null,
      numSms: p.device >= 0 ? sms(p.device) : null,
      totalGlobalMem: num('totalGlobalMem'),
      computeCapability: major !== null ? `${major}.${minor ?? 0}` : null,
      kernelUs: p.kernelUs,
    });
    yield;
  }
  return out.sort((x, y) => Number(x.device === 'unknown') - Number(y.device === 'unknown') || Number(x.device) - Number(y.device));
}

export function* overviewWork(m: TraceModel): Work<Overview> {
  const steps = yield* stepsWork(m);
  const breakdowns = yield* breakdownWork(m, steps);
  const window = { start: steps[0]!.start, end: steps[steps.length - 1]!.end };
  const devices = yield* deviceFiguresWork(m, window);
  const g = m.summary.gpu;
  return { steps, breakdowns, window, devices, hasGpu: g.kernels + g.memcpy + g.memset > 0 };
}

export function overviewOf(m: TraceModel): Overview {
  return runNow(overviewWork(m));
}
