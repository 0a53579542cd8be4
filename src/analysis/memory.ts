// Kineto's `[memory]` events (model.fields.memory): per device the allocated and reserved
// curves and their peaks (the definitions are model/memory-curves.ts', which the counter
// tracks draw too), and allocations paired with their frees by address.
//
// Pairing, per device, in time order (ties in file order): an event with Bytes > 0 is an
// allocation; one with Bytes < 0 frees the open allocation at the same Addr, if any (a free
// of memory allocated before the trace pairs with nothing). An allocation at an address
// still open leaves the earlier one unfreed. An allocation without an Addr (2021 files)
// cannot be paired: it counts as an allocation, not as unfreed. Bytes 0 is neither.

import { IntMap } from '../lib/int-map.ts';
import { NO_U64, u64Text } from '../model/fields.ts';
import { memoryCurvesSteps, peakOf, type MemoryCurve } from '../model/memory-curves.ts';
import type { TraceModel } from '../model/types.ts';
import { parentsWork } from './nesting.ts';
import { ROLE_OPERATOR, categoryRoles } from './roles.ts';
import { forChunks, runNow, type Work } from './sliced.ts';

export interface MemoryDevice {
  device: string;
  deviceType: number;
  deviceId: number;
  peakAllocatedBytes: number;
  /** µs from the trace start. */
  peakAllocatedAt: number;
  peakReservedBytes: number | null;
  peakReservedAt: number | null;
  allocations: number;
  /** Allocations with an address and no free inside the trace. */
  unfreed: number;
  /** [memory] events on the device. */
  events: number;
  curve: MemoryCurve;
}

/** One row per allocation, in time order per device, devices in `devices` order. */
export interface Allocations {
  n: number;
  /** Index into MemoryAnalysis.devices. */
  device: Uint16Array;
  size: Float64Array;
  allocSlice: Uint32Array;
  /** -1: not freed inside the trace (or no address to pair by). */
  freeSlice: Int32Array;
  allocAt: Float64Array;
  /** NaN where not freed. */
  freeAt: Float64Array;
  /** 0 when the event has no Addr (cannot be paired). */
  hasAddr: Uint8Array;
  /** The allocating event's row in model.fields.memory (its Addr: addrText). */
  row: Uint32Array;
}

export interface MemoryAnalysis {
  devices: MemoryDevice[];
  allocations: Allocations;
}

const cache = new WeakMap<TraceModel, MemoryAnalysis>();

/** Allocations paired with their frees, appended a device's run of events at a time. */
class Pairing {
  count = 0;
  readonly device: Uint16Array;
  readonly size: Float64Array;
  readonly allocSlice: Uint32Array;
  readonly freeSlice: Int32Array;
  readonly allocAt: Float64Array;
  readonly freeAt: Float64Array;
  readonly hasAddr: Uint8Array;
  readonly row: Uint32Array;
  /** The open allocation at each address (its row + 1; 0 once freed): addresses below 2^53 here, */
  open = new IntMap(1024);
  /** the rare larger ones by text. */
  openBig = new Map<string, number>();

  constructor(n: number) {
    // At most one allocation per event.
    this.device = new Uint16Array(n);
    this.size = new Float64Array(n);
    this.allocSlice = new Uint32Array(n);
    this.freeSlice = new Int32Array(n).fill(-1);
    this.allocAt = new Float64Array(n);
    this.freeAt = new Float64Array(n).fill(NaN);
    this.hasAddr = new Uint8Array(n);
    this.row = new Uint32Array(n);
  }

  /** A new device: no address is open. */
  reset(events: number): void {
    this.open = new IntMap(Math.max(1024, events >> 1));
    this.openBig.clear();
  }

  /** Device d's events [lo, hi) of its curve. */
  add(f: TraceModel['fields']['memory'], cv: MemoryCurve, d: number, lo: number, hi: number): void {
    const { rows, times } = cv;
    const { open, device, size, allocSlice, allocAt, hasAddr, row, freeAt, freeSlice } = this;
    let count = this.count;
    for (let k = lo; k < hi; k++) {
      const r = rows[k]!;
      const b = f.bytes[r]!;
      if (!(b !== 0 && Number.isFinite(b))) continue;
      const h = f.addrHi[r]!, l = f.addrLo[r]!;
      const withAddr = !(h === NO_U64 && l === NO_U64);
      const small = h < 2097152;
      if (b > 0) {
        const a = count++;
        device[a] = d;
        size[a] = b;
        allocSlice[a] = f.slice[r]!;
        allocAt[a] = times[k]!;
        hasAddr[a] = withAddr ? 1 : 0;
        row[a] = r;
        if (!withAddr) continue;
        if (small) open.set(h * 4294967296 + l, a + 1);
        else this.openBig.set(`${h}:${l}`, a);
      } else if (withAddr) {
        let a: number;
        if (small) {
          a = open.replace(h * 4294967296 + l, 0) - 1;
        } else {
          const key = `${h}:${l}`;
          a = this.openBig.get(key) ?? -1;
          this.openBig.delete(key);
        }
        if (a >= 0) {
          freeAt[a] = times[k]!;
          freeSlice[a] = f.slice[r]!;
        }
      }
    }
    this.count = count;
  }
}

export function* memoryWork(m: TraceModel): Work<MemoryAnalysis> {
  const done = cache.get(m);
  if (done) return done;
  const f = m.fields.memory;
  const n = f.slice.length;
  const start = m.slices.start;
  const curves = yield* memoryCurvesSteps(n, (r) => start[f.slice[r]!]!, f);
  const p = new Pairing(n);
  const devices: MemoryDevice[] = [];
  for (let d = 0; d < curves.length; d++) {
    const cv = curves[d]!;
    const first = p.count;
    p.reset(cv.rows.length);
    yield* forChunks(cv.rows.length, (lo, hi) => p.add(f, cv, d, lo, hi));
    let unfreed = 0;
    for (let a = first; a < p.count; a++) if (p.hasAddr[a] && p.freeSlice[a]! < 0) unfreed++;
    const pa = peakOf(cv.times, cv.allocated)!;
    const pr = cv.reserved ? peakOf(cv.times, cv.reserved) : null;
    devices.push({
      device: cv.device,
      deviceType: cv.deviceType,
      deviceId: cv.deviceId,
      peakAllocatedBytes: pa.value,
      peakAllocatedAt: pa.time,
      peakReservedBytes: pr ? pr.value : null,
      peakReservedAt: pr ? pr.time : null,
      allocations: p.count - first,
      unfreed,
      events: cv.rows.length,
      curve: cv,
    });
  }
  const count = p.count;
  const allocations: Allocations = {
    n: count,
    device: p.device.slice(0, count),
    size: p.size.slice(0, count),
    allocSlice: p.allocSlice.slice(0, count),
    freeSlice: p.freeSlice.slice(0, count),
    allocAt: p.allocAt.slice(0, count),
    freeAt: p.freeAt.slice(0, count),
    hasAddr: p.hasAddr.slice(0, count),
    row: p.row.slice(0, count),
  };
  const result = { devices, allocations };
  cache.set(m, result);
  return result;
}

/** memoryWork, at once. */
export function memoryAnalysis(m: TraceModel): MemoryAnalysis {
  return runNow(memoryWork(m));
}

/**
 * The operator that allocated each allocation: the innermost enclosing `cpu_op` / `operator`
 * slice on the event's thread (analysis/nesting.ts), or -1.
 */
export function* allocationOperatorsWork(m: TraceModel, a: Allocations): Work<Int32Array> {
  const parent = yield* parentsWork(m);
  const roles = categoryRoles(m);
  const cat = m.slices.cat;
  const out = new Int32Array(a.n).fill(-1);
  yield* forChunks(a.n, (lo, hi) => {
    for (let k = lo; k < hi; k++) {
      let p = parent[a.allocSlice[k]!]!;
      while (p >= 0 && roles[cat[p]!] !== ROLE_OPERATOR) p = parent[p]!;
      out[k] = p;
    }
  });
  return out;
}

/** A memory row's Addr as exact decimal text ('' when absent). */
export function addrText(m: TraceModel, row: number): string {
  return u64Text(m.fields.memory.addrHi[row]!, m.fields.memory.addrLo[row]!);
}

/** The `memory()` rows of the automation API. */
export function memorySummaryRows(mem: MemoryAnalysis): { device: string; peakAllocatedBytes: number; peakReservedBytes: number | null; allocations: number; unfreed: number }[] {
  return mem.devices.map((d) => ({
    device: d.device,
    peakAllocatedBytes: d.peakAllocatedBytes,
    peakReservedBytes: d.peakReservedBytes,
    allocations: d.allocations,
    unfreed: d.unfreed,
  }));
}
