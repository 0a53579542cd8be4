// Kineto's `[memory]` events (fields.ts, group `memory`) as curves per device: what the
// counter tracks draw (finish.ts adds them) and what analysis/memory.ts reports. One
// definition for both:
// - a device is (Device Type, Device Id): type 0 is "CPU", type 1 "GPU <id>", others
//   "device type <t> <id>"; an event without a Device Type is on "unknown device";
// - events in time order, ties in file order;
// - allocated: `Total Allocated` where the event has it, else the previous value plus
//   `Bytes` (from 0 before the device's first event), so without totals it is the running
//   sum of Bytes from 0;
// - reserved: `Total Reserved` where present, else the previous value; a device whose
//   events never carry it has no reserved curve (null).

import { orderByFloat } from '../lib/sort.ts';

export interface MemoryCurve {
  device: string;
  deviceType: number;
  deviceId: number;
  /** The device's memory rows (indexes into the group's columns), in time order. */
  rows: Uint32Array;
  times: Float64Array;
  allocated: Float64Array;
  reserved: Float64Array | null;
}

export interface MemoryFieldsIn {
  bytes: ArrayLike<number>;
  totalAllocated: ArrayLike<number>;
  totalReserved: ArrayLike<number>;
  deviceType: ArrayLike<number>;
  deviceId: ArrayLike<number>;
}

export function deviceLabel(type: number, id: number): string {
  if (Number.isNaN(type)) return 'unknown device';
  if (type === 0) return 'CPU';
  const n = Number.isNaN(id) ? '?' : String(id);
  return type === 1 ? `GPU ${n}` : `device type ${type} ${n}`;
}

/** Rows per step of memoryCurvesSteps (the page runs a step per task). */
const CHUNK = 1 << 15;

/** t[lo, hi) from `time`; whether t[0, hi) is still in order. */
function readTimes(t: Float64Array, time: (row: number) => number, lo: number, hi: number, sorted: boolean): boolean {
  for (let k = lo; k < hi; k++) {
    t[k] = time(k);
    if (k > 0 && t[k]! < t[k - 1]!) sorted = false;
  }
  return sorted;
}

/** Rows in time order (ties in row order: file order), from their times. */
function orderOf(t: Float64Array, sorted: boolean): Uint32Array {
  // (finish stores the rows in time order: the page finds them so)
  if (!sorted) return orderByFloat(t);
  const order = new Uint32Array(t.length);
  for (let k = 0; k < order.length; k++) order[k] = k;
  return order;
}

interface DeviceSlot {
  label: string;
  type: number;
  id: number;
  n: number;
}

/** Each event's device (a slot per label), in time order: runs of one device are the rule, its label is made once a run. */
class Slots {
  readonly slotOf = new Map<string, number>();
  readonly devices: DeviceSlot[] = [];
  private lastType = NaN;
  private lastId = NaN;
  private last = -1;

  constructor(readonly slot: Uint32Array) {}

  add(order: Uint32Array, f: MemoryFieldsIn, lo: number, hi: number): void {
    const slot = this.slot;
    for (let k = lo; k < hi; k++) {
      const r = order[k]!;
      const type = f.deviceType[r]!, id = f.deviceId[r]!;
      if (this.last < 0 || !Object.is(this.lastType, type) || !Object.is(this.lastId, id)) {
        const label = deviceLabel(type, id);
        let x = this.slotOf.get(label);
        if (x === undefined) {
          this.slotOf.set(label, (x = this.devices.length));
          this.devices.push({ label, type, id, n: 0 });
        }
        this.last = x;
        this.lastType = type;
        this.lastId = id;
      }
      slot[k] = this.last;
      this.devices[this.last]!.n++;
    }
  }
}

/** One device's curve, filled a chunk of its rows at a time. */
class CurveFill {
  readonly times: Float64Array;
  readonly allocated: Float64Array;
  readonly reserved: Float64Array;
  private a = 0;
  private res = NaN;
  anyReserved = false;

  constructor(readonly rows: Uint32Array) {
    this.times = new Float64Array(rows.length);
    this.allocated = new Float64Array(rows.length);
    this.reserved = new Float64Array(rows.length);
  }

  fill(rowTime: Float64Array, f: MemoryFieldsIn, lo: number, hi: number): void {
    const { rows, times, allocated, reserved } = this;
    let a = this.a, res = this.res, anyReserved = this.anyReserved;
    for (let k = lo; k < hi; k++) {
      const r = rows[k]!;
      times[k] = rowTime[r]!;
      const ta = f.totalAllocated[r]!;
      if (Number.isFinite(ta)) a = ta;
      else {
        const b = f.bytes[r]!;
        if (Number.isFinite(b)) a += b;
      }
      allocated[k] = a;
      const tr = f.totalReserved[r]!;
      if (Number.isFinite(tr)) {
        res = tr;
        anyReserved = true;
      }
      reserved[k] = res;
    }
    this.a = a;
    this.res = res;
    this.anyReserved = anyReserved;
  }
}

function rowsOf(order: Uint32Array, slot: Uint32Array, x: number, m: number, only: boolean): Uint32Array {
  const rows = new Uint32Array(m);
  if (only) rows.set(order);
  else for (let k = 0, j = 0; k < order.length; k++) if (slot[k] === x) rows[j++] = order[k]!;
  return rows;
}

/** memoryCurves a step at a time (a yield every CHUNK rows of each pass), for the page's short tasks. */
export function* memoryCurvesSteps(n: number, time: (row: number) => number, f: MemoryFieldsIn): Generator<void, MemoryCurve[], void> {
  const t = new Float64Array(n);
  let sorted = true;
  for (let lo = 0; lo < n; lo += CHUNK) {
    sorted = readTimes(t, time, lo, Math.min(n, lo + CHUNK), sorted);
    yield;
  }
  const order = orderOf(t, sorted);
  yield;
  const slots = new Slots(new Uint32Array(n));
  for (let lo = 0; lo < n; lo += CHUNK) {
    slots.add(order, f, lo, Math.min(n, lo + CHUNK));
    yield;
  }
  const { devices } = slots;
  const key = (type: number, id: number): number => (Number.isNaN(type) ? 1e9 : type * 1e6) + (Number.isNaN(id) ? 0 : id);
  const out: MemoryCurve[] = [];
  for (const [x, d] of [...devices.entries()].sort((a, b) => key(a[1].type, a[1].id) - key(b[1].type, b[1].id))) {
    const c = new CurveFill(rowsOf(order, slots.slot, x, d.n, devices.length === 1));
    for (let lo = 0; lo < d.n; lo += CHUNK) {
      c.fill(t, f, lo, Math.min(d.n, lo + CHUNK));
      yield;
    }
    out.push({ device: d.label, deviceType: d.type, deviceId: d.id, rows: c.rows, times: c.times, allocated: c.allocated, reserved: c.anyReserved ? c.reserved : null });
  }
  return out;
}

/** The curves of every device with memory events, CPU first, then by device type and id. */
export function memoryCurves(n: number, time: (row: number) => number, f: MemoryFieldsIn): MemoryCurve[] {
  const steps = memoryCurvesSteps(n, time, f);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** The largest value and the first time it is reached (NaN values skipped); null when none. */
export function peakOf(times: Float64Array, values: Float64Array): { value: number; time: number; index: number } | null {
  let best = -1;
  for (let k = 0; k < values.length; k++) if (!Number.isNaN(values[k]!) && (best < 0 || values[k]! > values[best]!)) best = k;
  return best < 0 ? null : { value: values[best]!, time: times[best]!, index: best };
}
