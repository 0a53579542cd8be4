// The kernel table: per kernel name (GPU slices of category `kernel`), count, total, mean,
// min, max, share of all kernel time, and the TensorBoard plugin's duration-weighted means of
// `blocks per SM` and `est. achieved occupancy %`; estimated SM efficiency per kernel is
// min(1, blocks per SM), from the arg or, without it, grid blocks ÷ the device's SM count
// (deviceProperties). Each row also lists its launch configurations with the same figures.

import type { TraceModel } from '../model/types.ts';
import { categoryRoles, ROLE_KERNEL } from './roles.ts';
import { YIELD_MASK, runNow, type Work } from './sliced.ts';
import { inWindow, type TimeWindow } from './window.ts';

export interface KernelStats {
  count: number;
  totalUs: number;
  minUs: number;
  maxUs: number;
  meanUs: number;
  /** Duration-weighted mean over the instances that have the arg; null when none has it. */
  blocksPerSm: number | null;
  occupancyPct: number | null;
  /** Duration-weighted mean of min(1, blocks per SM), in %; null when neither the arg nor the SM count is known. */
  smEfficiencyPct: number | null;
  pctOfKernelTime: number;
}

export interface KernelConfig extends KernelStats {
  grid: [number, number, number];
  block: [number, number, number];
  registersPerThread: number | null;
  sharedMemory: number | null;
}

export interface KernelRow extends KernelStats {
  name: string;
  configs: KernelConfig[];
}

class Acc {
  count = 0;
  total = 0;
  min = Infinity;
  max = -Infinity;
  bpsW = 0;
  bpsDur = 0;
  occW = 0;
  occDur = 0;
  effW = 0;
  effDur = 0;

  add(d: number, bps: number, occ: number, eff: number): void {
    this.count++;
    this.total += d;
    if (d < this.min) this.min = d;
    if (d > this.max) this.max = d;
    if (Number.isFinite(bps)) {
      this.bpsW += bps * d;
      this.bpsDur += d;
    }
    if (Number.isFinite(occ)) {
      this.occW += occ * d;
      this.occDur += d;
    }
    if (Number.isFinite(eff)) {
      this.effW += eff * d;
      this.effDur += d;
    }
  }

  stats(allKernelUs: number): KernelStats {
    // A weighted mean over zero-duration instances only: the plain mean of their values is
    // not kept, so say nothing rather than divide by zero.
    const mean = (w: number, d: number, seen: boolean): number | null => (seen ? (d > 0 ? w / d : null) : null);
    return {
      count: this.count,
      totalUs: this.total,
      minUs: this.count ? this.min : 0,
      maxUs: this.count ? this.max : 0,
      meanUs: this.count ? this.total / this.count : 0,
      blocksPerSm: mean(this.bpsW, this.bpsDur, this.bpsDur > 0),
      occupancyPct: mean(this.occW, this.occDur, this.occDur > 0),
      smEfficiencyPct: this.effDur > 0 ? (100 * this.effW) / this.effDur : null,
      pctOfKernelTime: allKernelUs > 0 ? (100 * this.total) / allKernelUs : 0,
    };
  }
}

/** SM count per device id, from the trace's `deviceProperties` (Kineto's `numSms`). */
export function smCounts(m: TraceModel): Map<number, number> {
  const out = new Map<number, number>();
  const props = m.metadata.deviceProperties;
  if (!Array.isArray(props)) return out;
  for (const p of props as unknown[]) {
    if (!p || typeof p !== 'object') continue;
    const { id, numSms } = p as { id?: unknown; numSms?: unknown };
    if (typeof id === 'number' && typeof numSms === 'number' && numSms > 0) out.set(id, numSms);
  }
  return out;
}

export function* kernelTableWork(m: TraceModel, window?: TimeWindow): Work<KernelRow[]> {
  const roles = categoryRoles(m);
  const { start, dur, cat, name } = m.slices;
  const k = m.kernels;
  const sms = smCounts(m);
  const byName = new Map<number, { acc: Acc; configs: Map<string, { acc: Acc; k: number }> }>();
  let all = 0;
  for (let r = 0; r < k.slice.length; r++) {
    if ((r & YIELD_MASK) === YIELD_MASK) yield;
    const i = k.slice[r]!;
    if (roles[cat[i]!] !== ROLE_KERNEL) continue;
    if (window && !inWindow(window, start[i]!, dur[i]!)) continue;
    const d = dur[i]!;
    all += d;
    const bps = k.blocksPerSm[r]!;
    let eff = NaN;
    if (Number.isFinite(bps)) eff = Math.min(1, bps);
    else {
      const n = sms.get(k.device[r]!);
      const blocks = k.gridX[r]! * Math.max(1, k.gridY[r]!) * Math.max(1, k.gridZ[r]!);
      if (n && k.gridX[r]! > 0) eff = Math.min(1, blocks / n);
    }
    const occ = k.occupancy[r]!;
    let entry = byName.get(name[i]!);
    if (!entry) byName.set(name[i]!, (entry = { acc: new Acc(), configs: new Map() }));
    entry.acc.add(d, bps, occ, eff);
    const key = `${k.gridX[r]},${k.gridY[r]},${k.gridZ[r]}|${k.blockX[r]},${k.blockY[r]},${k.blockZ[r]}|${k.registers[r]}|${k.sharedMemory[r]}`;
    let c = entry.configs.get(key);
    if (!c) entry.configs.set(key, (c = { acc: new Acc(), k: r }));
    c.acc.add(d, bps, occ, eff);
  }
  const rows: KernelRow[] = [];
  for (const [id, { acc, configs }] of byName) {
    const cfg: KernelConfig[] = [];
    for (const { acc: a, k: r } of configs.values()) {
      const reg = k.registers[r]!;
      const sh = k.sharedMemory[r]!;
      cfg.push({
        ...a.stats(all),
        grid: [k.gridX[r]!, k.gridY[r]!, k.gridZ[r]!],
        block: [k.blockX[r]!, k.blockY[r]!, k.blockZ[r]!],
        registersPerThread: Number.isFinite(reg) ? reg : null,
        sharedMemory: Number.isFinite(sh) ? sh : null,
      });
    }
    cfg.sort((a, b) => b.totalUs - a.totalUs);
    rows.push({ name: m.strings[id]!, ...acc.stats(all), configs: cfg });
  }
  rows.sort((a, b) => b.totalUs - a.totalUs || (a.name < b.name ? -1 : 1));
  return rows;
}

export function kernelTable(m: TraceModel, window?: TimeWindow): KernelRow[] {
  return runNow(kernelTableWork(m, window));
}
