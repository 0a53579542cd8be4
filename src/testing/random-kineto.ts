// Test-only: random Kineto-shaped traces for the analysis tests (nested ops, recursion of one
// op name, non-op slices between ops, zero durations, launches with and without kernels,
// kernels with and without args, overlapping kernels, cpu_ops with and without Input Dims),
// and the brute-force nesting they are checked against.

import { mulberry32 } from '../engine/synth-trace.ts';

export interface Ev {
  ph: string;
  name: string;
  cat: string;
  pid: number;
  tid: number;
  ts: number;
  dur: number;
  args?: Record<string, unknown>;
  /** file order */
  i: number;
}

export const OPS = ['aten::linear', 'aten::addmm', 'aten::relu', 'aten::copy_'];
/** The `Input Dims` some cpu_ops carry (Kineto's shape lists; empty lists for non-tensors). */
export const SHAPES: unknown[] = [[[8, 16], [16, 4]], [[8, 16]], [[]], [], [[2, 3, 4], [], [1]]];
export const KERNELS = ['gemm_kernel', 'elementwise_kernel', 'reduce_kernel'];

export function randomTrace(seed: number): Ev[] {
  const rnd = mulberry32(seed);
  const int = (a: number, b: number): number => a + Math.floor(rnd() * (b - a + 1));
  const evs: Omit<Ev, 'i'>[] = [];
  // Input Dims from a generator of their own, so that the rest of the trace is what it was.
  const shapeRnd = mulberry32(seed ^ 0x5eed);
  const opArgs = (): { args?: Record<string, unknown> } => {
    const r = shapeRnd();
    if (r < 0.15) return {}; // no args at all
    if (r < 0.25) return { args: { 'External id': Math.floor(r * 1000) } }; // args without Input Dims
    const dims = SHAPES[Math.floor(shapeRnd() * SHAPES.length)];
    // Input Dims first, last, or between other args
    return r < 0.6 ? { args: { 'Input Dims': dims, 'Input type': ['float'] } } : { args: { 'External id': 1, 'Input Dims': dims, 'Call stack': 'a.py(1): f' } };
  };
  let corr = 1;
  const gpuEnd: Record<number, number> = { 7: 0, 8: 0 };
  const overlapped: Record<number, boolean> = { 7: false, 8: false };
  const lastDur: Record<number, number> = { 7: 0, 8: 0 };
  // One subtree filling [s, e] on a thread.
  const tree = (pid: number, tid: number, s: number, e: number, depth: number): void => {
    let t = s;
    while (t < e) {
      const gap = int(0, 3);
      const len = rnd() < 0.1 ? 0 : int(1, Math.max(1, Math.floor((e - s) / 2)));
      const a = t + gap;
      const b = Math.min(e, a + len);
      if (a > e) break;
      const r = rnd();
      if (depth > 0 && r < 0.25) {
        // a launch, with a kernel most of the time
        const c = corr++;
        evs.push({ ph: 'X', name: 'cudaLaunchKernel', cat: 'cuda_runtime', pid, tid, ts: a, dur: b - a, args: { correlation: c } });
        if (rnd() < 0.85) {
          const stream = rnd() < 0.5 ? 7 : 8;
          // Sometimes overlapping the end of the stream's last kernel, and past its end by
          // enough that no later kernel lies inside both (which of two partly overlapping
          // slices is the parent would be a matter of taste).
          // (nor inside the overlapping one: the layout puts such a kernel in the first lane
          // that is free, not under the kernel that encloses it).
          const overlap = rnd() < 0.2 && lastDur[stream]! >= 3; // never around the last one
          const ks = overlap ? Math.max(b, gpuEnd[stream]! - 2) : Math.max(b + int(0, 5), gpuEnd[stream]! + (overlapped[stream] ? 1 : 0));
          overlapped[stream] = overlap;
          const kd = overlap ? int(5, 20) : rnd() < 0.05 ? 0 : int(1, 20);
          lastDur[stream] = kd;
          const withArgs = rnd() < 0.7;
          const cat = rnd() < 0.8 ? 'kernel' : rnd() < 0.5 ? 'gpu_memcpy' : 'gpu_memset';
          const args: Record<string, unknown> = { correlation: c, device: 0, stream };
          if (withArgs && cat === 'kernel') {
            args.grid = [int(1, 4), 1, 1];
            args.block = [128, 1, 1];
            args['registers per thread'] = int(16, 64);
            args['shared memory'] = int(0, 2) * 1024;
            args['blocks per SM'] = int(1, 30) / 10;
            args['est. achieved occupancy %'] = int(5, 100);
          }
          evs.push({ ph: 'X', name: cat === 'kernel' ? KERNELS[int(0, 2)]! : cat === 'gpu_memcpy' ? 'Memcpy HtoD' : 'Memset', cat, pid: 0, tid: stream, ts: ks, dur: kd, args });
          gpuEnd[stream] = Math.max(gpuEnd[stream]!, ks + kd);
        }
      } else {
        const cat = r < 0.75 ? 'cpu_op' : r < 0.85 ? 'user_annotation' : 'python_function';
        evs.push({ ph: 'X', name: cat === 'cpu_op' ? OPS[int(0, OPS.length - 1)]! : `${cat}#${int(0, 2)}`, cat, pid, tid, ts: a, dur: b - a, ...(cat === 'cpu_op' ? opArgs() : {}) });
        if (b - a > 2 && depth < 6) tree(pid, tid, a, b, depth + 1);
      }
      t = b + 1;
    }
  };
  for (const tid of [1, 2]) tree(100, tid, int(0, 50), int(400, 600), 0);
  // an instant: it only shows in search
  evs.push({ ph: 'i', name: 'aten::relu', cat: 'cpu_instant_event', pid: 100, tid: 1, ts: 10, dur: 0 });
  // shuffle file order a little: the engine must not depend on it
  for (let k = evs.length - 1; k > 0; k--) {
    if (rnd() < 0.3) {
      const j = int(0, k);
      [evs[k], evs[j]] = [evs[j]!, evs[k]!];
    }
  }
  return evs.map((e, i) => ({ ...e, i }));
}

export function toJson(evs: Ev[]): unknown[] {
  const out: unknown[] = evs.map(({ i: _i, dur, ph, ...e }) => (ph === 'X' ? { ph, dur, ...e } : { ph, s: 't', ...e }));
  out.push({ ph: 'M', name: 'process_name', pid: 0, tid: 0, args: { name: 'GPU 0' } });
  out.push({ ph: 'M', name: 'process_labels', pid: 0, tid: 0, args: { labels: 'GPU 0' } });
  return out;
}

/** Direct parent on the same thread: among the slices open at its start that contain it and come before it (start, longest, file order), the innermost. */
export function bruteParents(evs: Ev[]): Map<Ev, Ev | null> {
  const xs = evs.filter((e) => e.ph === 'X');
  const before = (a: Ev, b: Ev): boolean => a.ts < b.ts || (a.ts === b.ts && (a.dur > b.dur || (a.dur === b.dur && a.i < b.i)));
  const out = new Map<Ev, Ev | null>();
  for (const e of evs) {
    let best: Ev | null = null;
    if (e.ph === 'X' || e.ph === 'i') {
      for (const p of xs) {
        if (p === e || p.pid !== e.pid || p.tid !== e.tid || !before(p, e)) continue;
        // a slice ends where it ends: one starting there is not inside it
        if (!(p.ts <= e.ts && e.ts < p.ts + p.dur && e.ts + e.dur <= p.ts + p.dur)) continue;
        if (!best || before(best, p)) best = p;
      }
    }
    out.set(e, best);
  }
  return out;
}

