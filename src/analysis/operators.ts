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
import { YIELD_MASK, runNow, type Work } from './sliced.ts';
import { inWindow, type TimeWindow } from './window.ts';

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
  const nearestOp = new Int32Array(n);
  const hostSelf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if ((i & YIELD_MASK) === YIELD_MASK) yield;
    const p = parent[i]!;
    nearestOp[i] = p < 0 ? -1 : roles[cat[p]!] === ROLE_OPERATOR ? p : nearestOp[p]!;
    if (roles[cat[i]!] === ROLE_OPERATOR) {
      hostSelf[i] += dur[i]!;
      const q = nearestOp[i]!;
      if (q >= 0) hostSelf[q] -= dur[i]!;
    }
  }
  // GPU time each runtime call launched: its correlation links (kind 2; model/flows.ts keeps
  // an arrow found by flow events too as one such link). Flow events alone are not trusted
  // here: an `f` binds to whatever slice follows it on the stream.
  const launched = new Float64Array(n);
  const { from, to, kind } = m.flows;
  for (let f = 0; f < from.length; f++) {
    if (kind[f] !== 2) continue;
    const a = from[f]!;
    const b = to[f]!;
    if (flags[a]! & FLAG_LAUNCH && flags[b]! & FLAG_GPU && roles[cat[a]!] === ROLE_RUNTIME) launched[a] += dur[b]!;
  }
  const deviceTotal = new Float64Array(n);
  const deviceSelf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if ((i & YIELD_MASK) === YIELD_MASK) yield;
    const g = launched[i]!;
    if (g === 0) continue;
    let q = nearestOp[i]!;
    if (q >= 0) deviceSelf[q] += g;
    for (; q >= 0; q = nearestOp[q]!) deviceTotal[q] += g;
  }
  const out = { nearestOp, hostSelf, deviceTotal, deviceSelf, launched };
  cache.set(m, out);
  return out;
}

export function* operatorTableWork(m: TraceModel, window?: TimeWindow): Work<OperatorRow[]> {
  const inst = yield* operatorInstancesWork(m);
  const roles = categoryRoles(m);
  const { start, dur, cat, name } = m.slices;
  const ids = m.strings.length;
  const count = new Uint32Array(ids);
  const hostTotal = new Float64Array(ids);
  const hostSelf = new Float64Array(ids);
  const devTotal = new Float64Array(ids);
  const devSelf = new Float64Array(ids);
  for (let i = 0; i < dur.length; i++) {
    if ((i & YIELD_MASK) === YIELD_MASK) yield;
    if (roles[cat[i]!] !== ROLE_OPERATOR) continue;
    if (window && !inWindow(window, start[i]!, dur[i]!)) continue;
    const id = name[i]!;
    count[id]!++;
    hostTotal[id] += dur[i]!;
    hostSelf[id] += inst.hostSelf[i]!;
    devTotal[id] += inst.deviceTotal[i]!;
    devSelf[id] += inst.deviceSelf[i]!;
  }
  const rows: OperatorRow[] = [];
  for (let id = 0; id < ids; id++) {
    if (count[id] === 0) continue;
    rows.push({
      name: m.strings[id]!,
      count: count[id]!,
      hostTotalUs: hostTotal[id]!,
      hostSelfUs: hostSelf[id]!,
      deviceTotalUs: devTotal[id]!,
      deviceSelfUs: devSelf[id]!,
    });
  }
  rows.sort((a, b) => b.hostTotalUs - a.hostTotalUs || (a.name < b.name ? -1 : 1));
  return rows;
}

export function operatorTable(m: TraceModel, window?: TimeWindow): OperatorRow[] {
  return runNow(operatorTableWork(m, window));
}
