// Pure data for the details panel: GPU kernel launch parameters and the flows of a slice,
// found by bisection in the model's sorted columns.

import type { TraceModel } from '../../model/types.ts';
import { lowerBound, lowerBoundBy } from '../../render/draw-flows.ts';
import { kernelRow, kernelSmEfficiency, numSmsFor } from '../../analysis/kernels.ts';

export { kernelRow, numSmsFor };

export interface KernelInfo {
  grid: [number, number, number];
  block: [number, number, number];
  /** grid x·y·z. */
  blocks: number;
  registers: number;
  sharedMemory: number;
  blocksPerSm: number;
  warpsPerSm: number;
  occupancy: number;
  device: number;
  stream: number;
  correlation: number;
  numSms: number | null;
  /** min(1, blocks per SM), from the trace's arg or blocks ÷ numSms: the share of SMs kept busy. */
  smEfficiency: number | null;
}

export function kernelInfo(model: TraceModel, slice: number): KernelInfo | null {
  const K = model.kernels;
  const k = kernelRow(K, slice);
  if (k < 0) return null;
  const grid: [number, number, number] = [K.gridX[k]!, K.gridY[k]!, K.gridZ[k]!];
  const block: [number, number, number] = [K.blockX[k]!, K.blockY[k]!, K.blockZ[k]!];
  const blocks = grid[0] * Math.max(1, grid[1]) * Math.max(1, grid[2]);
  const device = K.device[k]!;
  const numSms = Number.isFinite(device) ? numSmsFor(model.metadata, device) : null;
  // As the kernel table: the trace's blocks per SM when it has them, else blocks ÷ SMs.
  const eff = kernelSmEfficiency(model, () => numSms, k);
  return {
    grid,
    block,
    blocks,
    registers: K.registers[k]!,
    sharedMemory: K.sharedMemory[k]!,
    blocksPerSm: K.blocksPerSm[k]!,
    warpsPerSm: K.warpsPerSm[k]!,
    occupancy: K.occupancy[k]!,
    device,
    stream: K.stream[k]!,
    correlation: K.correlation[k]!,
    numSms,
    smEfficiency: Number.isNaN(eff) ? null : eff,
  };
}

export interface FlowEnd {
  /** The slice at the other end. */
  other: number;
  /** 0 = v1 s/t/f, 1 = v2 bind_id, 2 = launch link (args.correlation). */
  kind: number;
  /** Start of this slice minus start of the other one (µs): launch latency for a kernel. */
  delta: number;
}

export interface SliceFlows {
  incoming: FlowEnd[];
  outgoing: FlowEnd[];
  /** More flows exist than were listed. */
  truncated: boolean;
}

/** The flows into and out of `slice`, at most `limit` each. */
export function sliceFlows(model: TraceModel, slice: number, limit = 50): SliceFlows {
  const F = model.flows;
  const start = model.slices.start;
  const out: SliceFlows = { incoming: [], outgoing: [], truncated: false };
  for (let f = lowerBound(F.from, slice); f < F.from.length && F.from[f] === slice; f++) {
    if (out.outgoing.length === limit) {
      out.truncated = true;
      break;
    }
    const o = F.to[f]!;
    out.outgoing.push({ other: o, kind: F.kind[f]!, delta: start[slice]! - start[o]! });
  }
  for (let k = lowerBoundBy(F.byTo, F.to, slice); k < F.byTo.length && F.to[F.byTo[k]!] === slice; k++) {
    if (out.incoming.length === limit) {
      out.truncated = true;
      break;
    }
    const f = F.byTo[k]!;
    const o = F.from[f]!;
    out.incoming.push({ other: o, kind: F.kind[f]!, delta: start[slice]! - start[o]! });
  }
  return out;
}

/** An arg value as text: strings as they are, anything else as JSON. */
export function argText(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
