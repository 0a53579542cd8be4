// Warms the JIT before the first real load: the byte scanner runs interpreted at first, and
// code optimised on a sample that lacks what real files have is thrown away mid-load (V8
// "deopts" on a field it never saw, a number past 2^31, a column that had to grow, a read
// that ended inside an event): a cold first load of a 30 MB trace took ~1.5× a warm one.
// So the sample is laid out as torch.profiler writes it, with what real Kineto files carry:
// 7-digit pids and tids, nested CPU ops on two threads, launches with ac2g flows, kernels,
// memcpy and memset on two streams, [memory] instants with 47-bit addresses, the "Spans"
// and "Traces" pseudo-processes, metadata at the end; and a few Chrome-trace phases (B/E,
// async, counters). It is parsed from a Blob, as a dropped file is, in many chunks.

import { finishCopies } from '../engine/finish-copies.ts';
import { loadTrace } from '../engine/load.ts';
import type { FinishedTrace } from '../model/finish.ts';

const PID = 2817243;
const BWD_TID = 2817390;
const BASE = 1700000000000;

/** A Kineto-shaped trace of `steps` profiler steps (about 160 events and 45 KB per step). */
export function sampleTrace(steps: number): Uint8Array {
  const ev: string[] = [];
  let corr = 40000;
  let ext = 300;
  const at = (us: number): string => (BASE + us).toFixed(3);
  const x = (cat: string, name: string, tid: number, ts: number, dur: number, args: string): void => {
    ev.push(`  {
    "ph": "X", "cat": "${cat}", "name": "${name}", "pid": ${PID}, "tid": ${tid},
    "ts": ${at(ts)}, "dur": ${dur.toFixed(3)},
    "args": {
      ${args}
    }
  }`);
  };
  const gpu = (cat: string, name: string, stream: number, ts: number, dur: number, c: number, extra: string): void => {
    ev.push(`  {
    "ph": "X", "cat": "${cat}", "name": "${name}", "pid": 0, "tid": ${stream},
    "ts": ${at(ts)}, "dur": ${dur.toFixed(3)},
    "args": {
      "External id": ${ext},      "queued": 0, "device": 0, "context": 1,      "stream": ${stream}, "correlation": ${c}${extra}
    }
  }`);
  };
  const flow = (ph: 's' | 'f', pid: number, tid: number, ts: number, id: number): void => {
    ev.push(`  {
    "ph": "${ph}", "id": ${id}, "pid": ${pid}, "tid": ${tid}, "ts": ${at(ts)},
    "cat": "ac2g", "name": "ac2g"${ph === 'f' ? ', "bp": "e"' : ''}
  }`);
  };
  /** A runtime call on `tid` at `ts` and the GPU work it starts on `stream` at `gts`. */
  const launch = (tid: number, ts: number, stream: number, gts: number, i: number): void => {
    const c = corr++;
    const kind = i % 9;
    const api = kind === 4 ? 'cudaMemcpyAsync' : kind === 8 ? 'cudaMemsetAsync' : 'cudaLaunchKernel';
    x('cuda_runtime', api, tid, ts, 4.25 + (i % 5) + jitter(i), `"External id": ${ext},      "cbid": 211, "correlation": ${c}`);
    flow('s', PID, tid, ts, c);
    if (kind === 4) {
      gpu('gpu_memcpy', 'Memcpy HtoD (Pageable -> Device)', stream, gts, 3.5, c, `,      "bytes": ${4194304 * (1 + (i % 3))}, "memory bandwidth (GB/s)": 11.73`);
    } else if (kind === 8) {
      gpu('gpu_memset', 'Memset (Device)', stream, gts, 1.25, c, `,      "bytes": ${65536 * (1 + (i % 4))}, "memory bandwidth (GB/s)": 52.4`);
    } else {
      // hundreds of distinct long template names, as real models have
      const name = i % 2 ? `void at::native::vectorized_elementwise_kernel<${i % 400}, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)` : `ampere_sgemm_${32 << (i % 3)}x64_tn`;
      gpu('kernel', name, stream, gts, 2.5 + (i % 11) + jitter(i), c, `,      "registers per thread": ${32 + (i % 4) * 8},      "shared memory": ${(i % 3) * 16384},      "blocks per SM": ${(0.5 + (i % 7) / 3).toFixed(6)},      "warps per SM": ${(2 + (i % 13) / 7).toFixed(6)},      "grid": [${54 + i % 200}, 1, 1],      "block": [${128 << (i % 3)}, 1, 1],      "est. achieved occupancy %": ${12 + (i % 80)}`);
    }
    flow('f', 0, stream, gts, c);
  };
  const memory = (tid: number, ts: number, i: number): void => {
    ev.push(`  {
    "ph": "i", "cat": "cpu_instant_event", "s": "t", "name": "[memory]",
    "pid": ${PID}, "tid": ${tid},
    "ts": ${at(ts)},
    "args": {
      "Device Type": 1, "Device Id": 0, "Addr": ${139872931627008 + i * 4096}, "Bytes": ${i % 4 ? 4194304 : -4194304}, "Total Allocated": ${3221225472 + i * 512}, "Total Reserved": 4294967296
    }
  }`);
  };

  /** Sub-µs parts as real timestamps have them (times that are whole numbers optimise differently). */
  const jitter = (i: number): number => ((i * 7919) % 1000) / 1000;
  let t = 500.125;
  for (let s = 0; s < steps; s++) {
    const stepStart = t;
    const ops = 12;
    for (let j = 0; j < ops; j++, ext++) {
      const i = s * ops + j;
      // aten::linear > aten::addmm > launch, as autograd-free forward ops nest
      const t0 = t;
      x('cpu_op', `aten::${['linear', 'relu', 'conv2d', 'add_', 'batch_norm'][j % 5]}`, PID, t0, 30 + jitter(i), `"External id": ${ext},"Record function id": ${i}, "Ev Idx": ${i * 3}, "Input Dims": [[64, 512], [512, 512], []], "Input type": ["float", "float", ""], "Input Strides": [[512, 1], [1, 512], []], "Concrete Inputs": ["", "", ""], "Fwd thread id": 0, "Sequence number": ${7000 + i}`);
      x('cpu_op', 'aten::addmm', PID, t0 + 2 + jitter(i + 1) / 2, 24 + jitter(i + 2), `"External id": ${ext},"Record function id": 0, "Ev Idx": ${i * 3 + 1}, "Input Dims": [[512], [64, 512], [512, 512], [], []], "Input type": ["float", "float", "float", "Scalar", "Scalar"], "Input Strides": [[1], [512, 1], [1, 512], [], []], "Concrete Inputs": ["", "", "", "1", "1"]`);
      launch(PID, t0 + 10, j % 3 ? 7 : 20, t0 + 18 + j, i);
      if (j % 4 === 0) memory(PID, t0 + 5, i);
      // with_stack: a Python frame per call site, so thousands of distinct names
      for (let d = 0; d < 3; d++) x('python_function', `models/block_${i}.py(${100 + d}): forward_${d}`, PID, t0 - 3 + d, 34.7 - 1.1 * d, `"Python parent id": ${3 * i + d}, "Python id": ${3 * i + d + 1}, "Python thread": 0`);
      // the backward thread: autograd nodes that launch on the other stream
      x('cpu_op', 'autograd::engine::evaluate_function: AddmmBackward0', BWD_TID, t0 + 5, 20, `"External id": ${ext},"Record function id": 0, "Ev Idx": ${i * 3 + 2}, "Fwd thread id": 1, "Sequence number": ${7000 + i}`);
      launch(BWD_TID, t0 + 9, j % 2 ? 20 : 7, t0 + 25, i + 1);
      t += 33 + jitter(i);
    }
    x('user_annotation', `ProfilerStep#${s}`, PID, stepStart - 2, t - stepStart + 4, `"External id": ${ext++},"Record function id": ${s}, "Ev Idx": ${s}`);
    ev.push(`  {
    "ph": "X", "cat": "gpu_user_annotation", "name": "ProfilerStep#${s}", "pid": 0, "tid": 7,
    "ts": ${at(stepStart + 16)}, "dur": ${(t - stepStart).toFixed(3)},
    "args": {
      "External id": ${ext}, "device": 0, "stream": 7
    }
  }`);
    // Chrome-trace phases that other producers write: B/E, async, counters.
    ev.push(`  {"name": "step", "ph": "B", "pid": ${PID}, "tid": 1, "ts": ${at(stepStart)}}`,
      `  {"name": "step", "ph": "E", "pid": ${PID}, "tid": 1, "ts": ${at(t)}}`,
      `  {"name": "load", "cat": "io", "ph": "b", "id": "0x${(s % 4).toString(16)}", "pid": ${PID}, "tid": 1, "ts": ${at(stepStart + 1)}}`,
      `  {"name": "load", "cat": "io", "ph": "e", "id": "0x${(s % 4).toString(16)}", "pid": ${PID}, "tid": 1, "ts": ${at(stepStart + 7)}}`,
      `  {"name": "GPU Memory", "ph": "C", "pid": ${PID}, "ts": ${at(stepStart)}, "args": {"allocated": ${3221225472 + s * 4096}, "reserved": 4294967296}}`);
    t += 25000.5; // the data loader between steps
  }
  const meta = (name: string, pid: number | string, tid: number, args: string): string => `  {
    "name": "${name}", "ph": "M", "ts": ${at(0)}, "pid": ${typeof pid === 'string' ? `"${pid}"` : pid}, "tid": ${tid},
    "args": {
      ${args}
    }
  }`;
  ev.push(
    meta('process_name', PID, 0, `"name": "python"`),
    meta('process_labels', PID, 0, `"labels": "CPU"`),
    meta('process_sort_index', PID, 0, `"sort_index": ${PID}`),
    meta('process_name', 0, 0, `"name": "python"`),
    meta('process_labels', 0, 0, `"labels": "GPU 0"`),
    meta('process_sort_index', 0, 0, `"sort_index": 16777216`),
    meta('thread_name', 0, 7, `"name": "stream 7 "`),
    meta('thread_sort_index', 0, 7, `"sort_index": 7`),
    meta('thread_name', 0, 20, `"name": "stream 20 "`),
    meta('thread_name', PID, PID, `"name": "thread ${PID} (python)"`),
    meta('thread_sort_index', PID, PID, `"sort_index": ${PID}`),
    meta('thread_name', PID, BWD_TID, `"name": "thread ${BWD_TID} (pt_autograd_0)"`),
    `  {
    "ph": "X", "cat": "Trace", "ts": ${at(0)}, "dur": ${(t + 4e6).toFixed(3)},
    "pid": "Spans", "tid": "PyTorch Profiler",
    "name": "PyTorch Profiler (0)",
    "args": {
      "Op count": 0
    }
  }`,
    meta('process_sort_index', 'Spans', 0, `"sort_index": 536870912`),
    `  {
    "name": "Iteration Start: PyTorch Profiler", "ph": "i", "s": "g",
    "pid": "Traces", "tid": "Trace PyTorch Profiler", "ts": ${at(0)}
  }`,
    `  {
    "name": "Record Window End", "ph": "i", "s": "g",
    "pid": "", "tid": "", "ts": ${at(t + 10)}
  }`,
  );
  return new TextEncoder().encode(`
{
  "schemaVersion": 1,
  "deviceProperties": [
    {
      "id": 0, "name": "NVIDIA A100-SXM4-80GB", "totalGlobalMem": 84974239744,
      "computeMajor": 8, "computeMinor": 0, "warpSize": 32, "numSms": 108
    }
  ],
  "distributedInfo": {"backend": "nccl", "rank": 0, "world_size": 1},
  "traceEvents": [
${ev.join(',\n')}
  ],
  "traceName": "warm-up.pt.trace.json",
  "displayTimeUnit": "ms",
  "baseTimeNanoseconds": 1700000000000000000
}`);
}

let warming: Promise<void> | null = null;
const stop = new AbortController();

/**
 * Steps in the sample: enough that every column and table grows past its first capacity
 * (over 2048 distinct strings, over 1024 kernels), as in any real file.
 */
const WARM_UP_STEPS = 60;

let sample: Uint8Array | null = null;

/** The warm-up sample (built once: ~2.7 MB, ~10,000 events). */
export function warmUpSample(): Uint8Array {
  sample ??= sampleTrace(WARM_UP_STEPS);
  return sample;
}

/** The sample as a dropped file would be: a Blob, read in chunks. */
export function warmUpBlob(): Blob {
  return new Blob([warmUpSample() as Uint8Array<ArrayBuffer>]);
}

/** Lets the sample go once warming is over. */
export function releaseWarmUpSample(): void {
  sample = null;
}

/**
 * Rounds of finishing alone (copies of the sample parsed once: engine/finish-copies.ts) per
 * whole load of the sample. `finish` runs once per load, with loops over every slice: after
 * a second of whole loads only, V8 still compiled the layout, sorts and flow code during the
 * first real load (its log), and a 30 MB file's finish took 45–140 ms there, ~30 warm.
 */
const FINISHES_PER_LOAD = 4;

/**
 * How long the trace worker and the parse workers warm up. Two seconds, not one: V8 was
 * still replacing the scanner's optimised code near the end of the first (a rare path met,
 * deoptimised, recompiled), and then compiled it again during the first real load while
 * running slower code. In paired loads of a 30 MB file with this and the finish rounds,
 * against neither: load median 0.96×, finish 0.90× (16 pairs).
 */
export const WARM_UP_MS = 2000;

/**
 * Loads the sample, and finishes copies of it, for up to `budgetMs` (the round under way
 * ends first), yielding between runs; a real load stops it at once.
 */
export function warmUp(budgetMs = WARM_UP_MS): Promise<void> {
  warming ??= (async () => {
    const blob = warmUpBlob();
    let finish: (() => FinishedTrace) | null = null;
    const t0 = performance.now();
    try {
      while (!stop.signal.aborted && performance.now() - t0 < budgetMs) {
        try {
          await loadTrace(blob, { name: 'warm-up', signal: stop.signal });
        } catch (e) {
          if (stop.signal.aborted) return; // a real load began
          throw e;
        }
        if (stop.signal.aborted) return;
        // (after a whole load: its parse, which cannot be interrupted, then runs in warm code)
        finish ??= finishCopies(warmUpSample(), 'warm-up');
        for (let i = 0; i < FINISHES_PER_LOAD && !stop.signal.aborted; i++) {
          await new Promise((r) => setTimeout(r, 0));
          if (!stop.signal.aborted) finish();
        }
        await new Promise((r) => setTimeout(r, 0));
      }
    } finally {
      releaseWarmUpSample();
    }
  })();
  return warming;
}

export function stopWarmUp(): void {
  stop.abort();
}
