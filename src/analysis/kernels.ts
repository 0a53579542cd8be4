// The kernel table: per kernel name (GPU slices of category `kernel`), count, total, mean,
// min, max, share of all kernel time, and the TensorBoard plugin's duration-weighted means of
// `blocks per SM` and `est. achieved occupancy %`; estimated SM efficiency per kernel is
// min(1, blocks per SM), from the arg or, without it, grid blocks ÷ the device's SM count
// (deviceProperties). Each row also lists its launch configurations with the same figures.

import type { TraceModel } from '../model/types.ts';
import { categoryRoles, ROLE_KERNEL } from './roles.ts';
import { forChunks, runNow, type Work } from './sliced.ts';
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

/**
 * Sums per group (a kernel name, or a launch configuration of one), one typed array per
 * figure: a trace can have a hundred thousand configurations, and an object per group cost
 * more in allocation and GC than the sums themselves.
 */
class Accs {
  count: Float64Array;
  total: Float64Array;
  min: Float64Array;
  max: Float64Array;
  bpsW: Float64Array;
  bpsDur: Float64Array;
  occW: Float64Array;
  occDur: Float64Array;
  effW: Float64Array;
  effDur: Float64Array;

  constructor(n: number) {
    this.count = new Float64Array(n);
    this.total = new Float64Array(n);
    this.min = new Float64Array(n).fill(Infinity);
    this.max = new Float64Array(n).fill(-Infinity);
    this.bpsW = new Float64Array(n);
    this.bpsDur = new Float64Array(n);
    this.occW = new Float64Array(n);
    this.occDur = new Float64Array(n);
    this.effW = new Float64Array(n);
    this.effDur = new Float64Array(n);
  }

  add(j: number, d: number, bps: number, occ: number, eff: number): void {
    this.count[j]!++;
    this.total[j] += d;
    if (d < this.min[j]!) this.min[j] = d;
    if (d > this.max[j]!) this.max[j] = d;
    if (Number.isFinite(bps)) {
      this.bpsW[j] += bps * d;
      this.bpsDur[j] += d;
    }
    if (Number.isFinite(occ)) {
      this.occW[j] += occ * d;
      this.occDur[j] += d;
    }
    if (Number.isFinite(eff)) {
      this.effW[j] += eff * d;
      this.effDur[j] += d;
    }
  }

  /** Fills `out`'s figures from group `j` (assignments, not a spread: spreading objects with nulls in them was ~20 µs each in V8). */
  fill<T extends KernelStats>(out: T, j: number, allKernelUs: number): T {
    // A weighted mean over zero-duration instances only: the plain mean of their values is
    // not kept, so say nothing rather than divide by zero.
    const n = this.count[j]!;
    const total = this.total[j]!;
    out.count = n;
    out.totalUs = total;
    out.minUs = n ? this.min[j]! : 0;
    out.maxUs = n ? this.max[j]! : 0;
    out.meanUs = n ? total / n : 0;
    out.blocksPerSm = this.bpsDur[j]! > 0 ? this.bpsW[j]! / this.bpsDur[j]! : null;
    out.occupancyPct = this.occDur[j]! > 0 ? this.occW[j]! / this.occDur[j]! : null;
    out.smEfficiencyPct = this.effDur[j]! > 0 ? (100 * this.effW[j]!) / this.effDur[j]! : null;
    out.pctOfKernelTime = allKernelUs > 0 ? (100 * total) / allKernelUs : 0;
    return out;
  }
}

/** A row's or configuration's figures, zero until filled (one object shape for all). */
function emptyStats(): KernelStats {
  return { count: 0, totalUs: 0, minUs: 0, maxUs: 0, meanUs: 0, blocksPerSm: null, occupancyPct: null, smEfficiencyPct: null, pctOfKernelTime: 0 };
}

/** Equal, NaN included (a missing arg is NaN in the columns). */
const same = (a: number, b: number): boolean => a === b || (a !== a && b !== b);

/**
 * SM count of a device from the trace metadata: `deviceProperties[].numSms` (Kineto ≥ 2022) or
 * `computeProperties[].multiProcessorCount` (2021 files); matched on `id`, else by position.
 */
export function numSmsFor(metadata: Record<string, unknown>, device: number): number | null {
  for (const [key, field] of [['deviceProperties', 'numSms'], ['computeProperties', 'multiProcessorCount']] as const) {
    const list = metadata[key];
    if (!Array.isArray(list)) continue;
    const entry: unknown = list.find((d: unknown) => isRecord(d) && Number(d.id) === device) ?? (Number.isInteger(device) ? list[device] : undefined);
    if (isRecord(entry)) {
      const n = Number(entry[field]);
      if (Number.isFinite(n) && n > 0) return n;
    }
  }
  return null;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** SM counts by device, looked up once per device. */
export function smCounts(m: TraceModel): (device: number) => number | null {
  const seen = new Map<number, number | null>();
  let lastDevice = NaN;
  let lastN: number | null = null;
  return (device) => {
    // (kernels come in runs of one device: most calls are this one)
    if (device === lastDevice) return lastN;
    let n = seen.get(device);
    if (n === undefined) seen.set(device, (n = Number.isFinite(device) ? numSmsFor(m.metadata, device) : null));
    lastDevice = device;
    lastN = n;
    return n;
  };
}

/** Row of the kernel columns for slice `slice`, or -1 (the columns are sorted by slice). */
export function kernelRow(kernels: TraceModel['kernels'], slice: number): number {
  let lo = 0;
  let hi = kernels.slice.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (kernels.slice[mid]! < slice) lo = mid + 1;
    else hi = mid;
  }
  return lo < kernels.slice.length && kernels.slice[lo] === slice ? lo : -1;
}

/**
 * Estimated SM efficiency of kernel row `r` (0–1), NaN when unknown: min(1, blocks per SM),
 * from the trace's arg, or else grid blocks ÷ the device's SM count.
 */
export function kernelSmEfficiency(m: TraceModel, sms: (device: number) => number | null, r: number): number {
  const k = m.kernels;
  const bps = k.blocksPerSm[r]!;
  if (Number.isFinite(bps)) return Math.min(1, bps);
  const n = sms(k.device[r]!);
  const blocks = k.gridX[r]! * Math.max(1, k.gridY[r]!) * Math.max(1, k.gridZ[r]!);
  return n && k.gridX[r]! > 0 ? Math.min(1, blocks / n) : NaN;
}

/**
 * The launch configurations of one kernel name, over its instances `members` (rows of the
 * kernel columns), in an open-addressing table keyed by a hash of their fields, each
 * checked field by field; by total time, longest first (first seen first on ties).
 */
function configsOf(m: TraceModel, sms: (device: number) => number | null, members: Int32Array, allKernelUs: number): KernelConfig[] {
  const k = m.kernels;
  const { gridX, gridY, gridZ, blockX, blockY, blockZ, registers, sharedMemory } = k;
  const dur = m.slices.dur;
  const n = members.length;
  let bits = 2;
  while (1 << bits < 2 * n) bits++;
  const table = new Int32Array(1 << bits).fill(-1);
  const mask = (1 << bits) - 1;
  const cfgRow = new Int32Array(n);
  const acc = new Accs(n);
  let nCfg = 0;
  for (let j = 0; j < n; j++) {
    const r = members[j]!;
    let h = Math.imul(gridX[r]! ^ 0x9e3779b1, 0x85ebca6b) ^ gridY[r]!;
    h = Math.imul(h ^ gridZ[r]!, 0xc2b2ae35) ^ blockX[r]!;
    h = Math.imul(h ^ blockY[r]!, 0x27d4eb2f) ^ blockZ[r]!;
    h = Math.imul(h ^ (registers[r]! | 0), 0x165667b1) ^ (sharedMemory[r]! | 0);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    let at = h & mask;
    let c: number;
    for (;;) {
      c = table[at]!;
      if (c < 0) {
        c = table[at] = nCfg++;
        cfgRow[c] = r;
        break;
      }
      const q = cfgRow[c]!;
      if (
        gridX[q] === gridX[r] && gridY[q] === gridY[r] && gridZ[q] === gridZ[r] &&
        blockX[q] === blockX[r] && blockY[q] === blockY[r] && blockZ[q] === blockZ[r] &&
        same(registers[q]!, registers[r]!) && same(sharedMemory[q]!, sharedMemory[r]!)
      ) break;
      at = (at + 1) & mask;
    }
    acc.add(c, dur[k.slice[r]!]!, k.blocksPerSm[r]!, k.occupancy[r]!, kernelSmEfficiency(m, sms, r));
  }
  const out: KernelConfig[] = [];
  for (let c = 0; c < nCfg; c++) {
    const r = cfgRow[c]!;
    const reg = registers[r]!;
    const sh = sharedMemory[r]!;
    const cfg = emptyStats() as KernelConfig;
    cfg.grid = [gridX[r]!, gridY[r]!, gridZ[r]!];
    cfg.block = [blockX[r]!, blockY[r]!, blockZ[r]!];
    cfg.registersPerThread = Number.isFinite(reg) ? reg : null;
    cfg.sharedMemory = Number.isFinite(sh) ? sh : null;
    out.push(acc.fill(cfg, c, allKernelUs));
  }
  return out.sort((a, b) => b.totalUs - a.totalUs);
}

/**
 * The kernel table (with `only`, the rows of the marked name ids; the shares are still of
 * all kernels' time). Each row's `configs` are worked out when first read (a getter that then
 * keeps them): a trace can have a hundred thousand configurations, and a table of a few
 * hundred names is read far more often than all of them.
 */
export function* kernelTableWork(m: TraceModel, window?: TimeWindow, only?: Uint8Array): Work<KernelRow[]> {
  const roles = categoryRoles(m);
  const { start, dur, cat, name } = m.slices;
  const k = m.kernels;
  const sms = smCounts(m);
  const nK = k.slice.length;
  // Names in order of first appearance; each instance's name slot (-1: not counted).
  const slotOf = new Int32Array(m.strings.length).fill(-1);
  const slotName: number[] = [];
  const slotOfRow = new Int32Array(nK).fill(-1);
  const byName = new Accs(Math.min(nK, m.strings.length));
  let all = 0;
  yield* forChunks(nK, (lo, hi) => {
    for (let r = lo; r < hi; r++) {
      const i = k.slice[r]!;
      if (roles[cat[i]!] !== ROLE_KERNEL) continue;
      if (window && !inWindow(window, start[i]!, dur[i]!)) continue;
      const d = dur[i]!;
      all += d;
      const id = name[i]!;
      if (only && !only[id]) continue;
      let slot = slotOf[id]!;
      if (slot < 0) {
        slot = slotOf[id] = slotName.length;
        slotName.push(id);
      }
      slotOfRow[r] = slot;
      byName.add(slot, d, k.blocksPerSm[r]!, k.occupancy[r]!, kernelSmEfficiency(m, sms, r));
    }
  });
  // Each name's instances, in kernel order: listed when a row's configurations are first read.
  let members: Int32Array | null = null;
  const first = new Int32Array(slotName.length + 1);
  for (let s = 0; s < slotName.length; s++) first[s + 1] = first[s]! + byName.count[s]!;
  const membersOf = (s: number): Int32Array => {
    if (!members) {
      const list = new Int32Array(first[slotName.length]!);
      const fill = first.slice(0, slotName.length);
      for (let r = 0; r < nK; r++) {
        const x = slotOfRow[r]!;
        if (x >= 0) list[fill[x]!++] = r;
      }
      members = list;
    }
    return members.subarray(first[s]!, first[s + 1]!);
  };
  const rows: KernelRow[] = [];
  for (let s = 0; s < slotName.length; s++) {
    const row = emptyStats() as KernelRow;
    row.name = m.strings[slotName[s]!]!;
    Object.defineProperty(row, 'configs', {
      enumerable: true,
      configurable: true,
      get(this: KernelRow): KernelConfig[] {
        const configs = configsOf(m, sms, membersOf(s), all);
        Object.defineProperty(this, 'configs', { value: configs, enumerable: true, writable: true, configurable: true });
        return configs;
      },
    });
    rows.push(byName.fill(row, s, all));
  }
  rows.sort((a, b) => b.totalUs - a.totalUs || (a.name < b.name ? -1 : 1));
  return rows;
}

/**
 * Per kernel name id, its kernels' time in the window (the table's totalUs), and the time of
 * all kernels (its pctOfKernelTime's denominator): one light pass, for asking the table only
 * for the names that matter (kernelTableWork's `only`).
 */
export function* kernelTimeByNameWork(m: TraceModel, window?: TimeWindow): Work<{ byName: Float64Array; all: number }> {
  const roles = categoryRoles(m);
  const { start, dur, cat, name } = m.slices;
  const slice = m.kernels.slice;
  const byName = new Float64Array(m.strings.length);
  let all = 0;
  yield* forChunks(slice.length, (lo, hi) => {
    for (let r = lo; r < hi; r++) {
      const i = slice[r]!;
      if (roles[cat[i]!] !== ROLE_KERNEL) continue;
      if (window && !inWindow(window, start[i]!, dur[i]!)) continue;
      byName[name[i]!] += dur[i]!;
      all += dur[i]!;
    }
  });
  return { byName, all };
}

export function kernelTable(m: TraceModel, window?: TimeWindow): KernelRow[] {
  return runNow(kernelTableWork(m, window));
}
