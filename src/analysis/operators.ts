// The operator table: per CPU op name (slices of category `cpu_op` or `operator`), calls,
// host total and self, device total and self. Per instance, then summed over a name:
//   host self    = its duration − the durations of its direct child operators (the nearest
//                  operators nested inside it, on its thread, through any non-op slices);
//   device total = the GPU events (kernel, memcpy, memset) launched, by correlation, by
//                  runtime calls nested anywhere inside it on its thread;
//   device self  = the same for runtime calls whose nearest enclosing operator is this op.
// An op nested in an op of the same name counts in both (as the definition is per instance).

import { FLAG_GPU, FLAG_LAUNCH, type TraceModel } from '../model/types.ts';
import { parentsWork } from './nesting.ts';
import { categoryRoles, ROLE_OPERATOR, ROLE_RUNTIME } from './roles.ts';
import { forChunks, YIELD_MASK, runNow, type Work } from './sliced.ts';
import { inWindow, type TimeWindow } from './window.ts';
import { coversWholeTrace, wholeTraceWork } from './whole.ts';

export interface OperatorRow {
  name: string;
  count: number;
  hostTotalUs: number;
  hostSelfUs: number;
  deviceTotalUs: number;
  deviceSelfUs: number;
}

export interface OperatorInstances {
  /** The nearest enclosing operator of every slice (-1: none). */
  nearestOp: Int32Array;
  /** Per slice (operators only): host self, device total and device self time, µs. */
  hostSelf: Float64Array;
  deviceTotal: Float64Array;
  deviceSelf: Float64Array;
  /** Per slice: GPU time launched by it directly (runtime calls), µs. */
  launched: Float64Array;
}

const cache = new WeakMap<TraceModel, OperatorInstances>();

/** Per-instance figures, computed once per model. */
export function* operatorInstancesWork(m: TraceModel): Work<OperatorInstances> {
  const cached = cache.get(m);
  if (cached) return cached;
  const parent = yield* parentsWork(m);
  const roles = categoryRoles(m);
  const { dur, cat, flags } = m.slices;
  const n = dur.length;
  // GPU time each runtime call launched: its correlation links (kind 2; model/flows.ts keeps
  // an arrow found by flow events too as one such link). Flow events alone are not trusted
  // here: an `f` binds to whatever slice follows it on the stream.
  const launched = new Float64Array(n);
  const { from, to, kind } = m.flows;
  yield* forChunks(from.length, (lo, hi) => {
    for (let f = lo; f < hi; f++) {
      if (kind[f] !== 2) continue;
      const a = from[f]!;
      const b = to[f]!;
      if (flags[a]! & FLAG_LAUNCH && flags[b]! & FLAG_GPU && roles[cat[a]!] === ROLE_RUNTIME) launched[a] += dur[b]!;
    }
  });
  // One pass in slice order: a parent comes before its children, so its nearest operator is
  // known when a child asks for it.
  const nearestOp = new Int32Array(n);
  const hostSelf = new Float64Array(n);
  const deviceTotal = new Float64Array(n);
  const deviceSelf = new Float64Array(n);
  yield* forChunks(n, (lo, hi) => {
    for (let i = lo; i < hi; i++) {
      const p = parent[i]!;
      const q0 = p < 0 ? -1 : roles[cat[p]!] === ROLE_OPERATOR ? p : nearestOp[p]!;
      nearestOp[i] = q0;
      if (roles[cat[i]!] === ROLE_OPERATOR) {
        hostSelf[i] += dur[i]!;
        if (q0 >= 0) hostSelf[q0] -= dur[i]!;
      }
      const g = launched[i]!;
      if (g === 0 || q0 < 0) continue;
      deviceSelf[q0] += g;
      for (let q = q0; q >= 0; q = nearestOp[q]!) deviceTotal[q] += g;
    }
  });
  const out = { nearestOp, hostSelf, deviceTotal, deviceSelf, launched };
  cache.set(m, out);
  return out;
}

export function* operatorTableWork(m: TraceModel, window?: TimeWindow): Work<OperatorRow[]> {
  if (coversWholeTrace(m, window)) {
    const w = yield* wholeTraceWork(m);
    const rows: OperatorRow[] = [];
    for (let id = 0; id < w.opCount.length; id++) {
      if (w.opCount[id] === 0) continue;
      rows.push({
        name: m.strings[id]!, count: w.opCount[id]!, hostTotalUs: w.opHostTotal[id]!, hostSelfUs: w.opHostSelf[id]!,
        deviceTotalUs: w.opDeviceTotal[id]!, deviceSelfUs: w.opDeviceSelf[id]!,
      });
    }
    return rows.sort((a, b) => b.hostTotalUs - a.hostTotalUs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  const groups = yield* operatorGroupsWork(m, null, window);
  return groups.map(({ shape: _shape, ...row }) => row);
}

export function operatorTable(m: TraceModel, window?: TimeWindow): OperatorRow[] {
  return runNow(operatorTableWork(m, window));
}

/** An operator row of the table grouped by name and input shapes. */
export interface OperatorShapeRow extends OperatorRow {
  /** The ops' `Input Dims` as compact JSON; null for calls that have none. */
  inputShapes: string | null;
}

/** Per slice, an index into `shapes` (-1: no Input Dims), read back from the file by the worker. */
export interface SliceShapes {
  ids: Int32Array;
  shapes: string[];
}

/** The operator table grouped by (name, input shapes); rows sorted as the table by name, then by shapes. */
export function* operatorShapeTableWork(m: TraceModel, shapes: SliceShapes, window?: TimeWindow): Work<OperatorShapeRow[]> {
  const groups = yield* operatorGroupsWork(m, shapes.ids, window);
  return groups.map(({ shape, ...row }) => ({ ...row, inputShapes: shape < 0 ? null : shapes.shapes[shape]! }));
}

export function operatorShapeTable(m: TraceModel, shapes: SliceShapes, window?: TimeWindow): OperatorShapeRow[] {
  return runNow(operatorShapeTableWork(m, shapes, window));
}

/** The slices that are operators (category cpu_op or operator), in slice order. */
export function operatorSlices(m: TraceModel): Int32Array {
  const roles = categoryRoles(m);
  const cat = m.slices.cat;
  let n = 0;
  for (let i = 0; i < cat.length; i++) if (roles[cat[i]!] === ROLE_OPERATOR) n++;
  const out = new Int32Array(n);
  n = 0;
  for (let i = 0; i < cat.length; i++) if (roles[cat[i]!] === ROLE_OPERATOR) out[n++] = i;
  return out;
}

/** Sums per (name, shape id); `shapeOf` null: per name alone (shape -1). */
function* operatorGroupsWork(m: TraceModel, shapeOf: Int32Array | null, window?: TimeWindow): Work<(OperatorRow & { shape: number })[]> {
  const inst = yield* operatorInstancesWork(m);
  const roles = categoryRoles(m);
  const { start, dur, cat, name } = m.slices;
  // One group per name id, and per (name, shape) when grouping by shapes: a name's first shape
  // takes the name's slot, any other gets a slot of its own.
  const ids = m.strings.length;
  const slotOfName = new Int32Array(ids).fill(-1);
  const more = new Map<number, number>();
  const groupName: number[] = [];
  const groupShape: number[] = [];
  const count: number[] = [];
  const hostTotal: number[] = [];
  const hostSelf: number[] = [];
  const devTotal: number[] = [];
  const devSelf: number[] = [];
  for (let i = 0; i < dur.length; i++) {
    if ((i & YIELD_MASK) === YIELD_MASK) yield;
    if (roles[cat[i]!] !== ROLE_OPERATOR) continue;
    if (window && !inWindow(window, start[i]!, dur[i]!)) continue;
    const id = name[i]!;
    const shape = shapeOf ? shapeOf[i]! : -1;
    let g = slotOfName[id]!;
    if (g >= 0 && groupShape[g] !== shape) {
      const key = id * 4294967296 + (shape + 1);
      g = more.get(key) ?? -1;
      if (g < 0) more.set(key, (g = groupName.length));
    }
    if (g < 0) {
      g = groupName.length;
      if (slotOfName[id]! < 0) slotOfName[id] = g;
    }
    if (g === groupName.length) {
      groupName.push(id);
      groupShape.push(shape);
      count.push(0);
      hostTotal.push(0);
      hostSelf.push(0);
      devTotal.push(0);
      devSelf.push(0);
    }
    count[g]!++;
    hostTotal[g] += dur[i]!;
    hostSelf[g] += inst.hostSelf[i]!;
    devTotal[g] += inst.deviceTotal[i]!;
    devSelf[g] += inst.deviceSelf[i]!;
  }
  const rows = groupName.map((id, g) => ({
    name: m.strings[id]!,
    count: count[g]!,
    hostTotalUs: hostTotal[g]!,
    hostSelfUs: hostSelf[g]!,
    deviceTotalUs: devTotal[g]!,
    deviceSelfUs: devSelf[g]!,
    shape: groupShape[g]!,
  }));
  rows.sort((a, b) => b.hostTotalUs - a.hostTotalUs || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.shape - b.shape));
  return rows;
}
