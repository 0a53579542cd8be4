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

/** Rows [0, n) in time order (`time(row)`), ties in row order (file order); and each row's time. */
export function timeOrder(n: number, time: (row: number) => number): { order: Uint32Array; times: Float64Array } {
  const t = new Float64Array(n);
  let sorted = true;
  for (let k = 0; k < n; k++) {
    t[k] = time(k);
    if (k > 0 && t[k]! < t[k - 1]!) sorted = false;
  }
  // (finish stores the rows in time order: the page finds them so)
  if (sorted) {
    const order = new Uint32Array(n);
    for (let k = 0; k < n; k++) order[k] = k;
    return { order, times: t };
  }
  return { order: orderByFloat(t), times: t };
}

/** The curves of every device with memory events, CPU first, then by device type and id. */
export function memoryCurves(n: number, time: (row: number) => number, f: MemoryFieldsIn): MemoryCurve[] {
  const { order, times: rowTime } = timeOrder(n, time);
  // Each event's device (a slot per label), in time order; runs of one device are the rule:
  // its label is made once a run.
  const slotOf = new Map<string, number>();
  const devices: { label: string; type: number; id: number; n: number }[] = [];
  const slot = new Uint32Array(n);
  let lastType = NaN, lastId = NaN, last = -1;
  for (let k = 0; k < n; k++) {
    const r = order[k]!;
    const type = f.deviceType[r]!, id = f.deviceId[r]!;
    if (last < 0 || !Object.is(lastType, type) || !Object.is(lastId, id)) {
      const label = deviceLabel(type, id);
      let x = slotOf.get(label);
      if (x === undefined) {
        slotOf.set(label, (x = devices.length));
        devices.push({ label, type, id, n: 0 });
      }
      last = x;
      lastType = type;
      lastId = id;
    }
    slot[k] = last;
    devices[last]!.n++;
  }
  const key = (type: number, id: number): number => (Number.isNaN(type) ? 1e9 : type * 1e6) + (Number.isNaN(id) ? 0 : id);
  const out: MemoryCurve[] = [];
  for (const [x, d] of [...devices.entries()].sort((a, b) => key(a[1].type, a[1].id) - key(b[1].type, b[1].id))) {
    const m = d.n;
    const rows = new Uint32Array(m);
    if (devices.length === 1) rows.set(order);
    else for (let k = 0, j = 0; k < n; k++) if (slot[k] === x) rows[j++] = order[k]!;
    const times = new Float64Array(m), allocated = new Float64Array(m), reserved = new Float64Array(m);
    let a = 0, res = NaN, anyReserved = false;
    for (let k = 0; k < m; k++) {
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
    out.push({ device: d.label, deviceType: d.type, deviceId: d.id, rows, times, allocated, reserved: anyReserved ? reserved : null });
  }
  return out;
}

/** The largest value and the first time it is reached (NaN values skipped); null when none. */
export function peakOf(times: Float64Array, values: Float64Array): { value: number; time: number; index: number } | null {
  let best = -1;
  for (let k = 0; k < values.length; k++) if (!Number.isNaN(values[k]!) && (best < 0 || values[k]! > values[best]!)) best = k;
  return best < 0 ? null : { value: values[best]!, time: times[best]!, index: best };
}
