// Warms the JIT before the first real load: the byte scanner runs interpreted at first,
// and a cold first load of a 30 MB trace took twice as long as a warm one. A few small
// Kineto-shaped traces, parsed while the page is idle, get the hot paths optimised.

import { loadTrace } from '../engine/load.ts';

/**
 * A Kineto-shaped sample: laid out as torch.profiler writes it (one key group per line,
 * indented), with the arg fields real CPU ops and kernels carry, so that the optimised
 * code is the code real files need.
 */
export function sampleTrace(events: number): Uint8Array {
  const parts: string[] = [];
  let ts = 1700000000000;
  for (let i = 0; i < events; i++) {
    ts += 3.125;
    const corr = 1000 + i;
    const t = (d: number): string => (ts + d).toFixed(3);
    parts.push(
      `  {
    "ph": "X", "cat": "cpu_op", "name": "aten::op${i % 17}", "pid": 4242, "tid": 4242,
    "ts": ${t(0)}, "dur": 9.500,
    "args": {
      "External id": ${i},"Record function id": 0, "Ev Idx": ${i}, "Input Dims": [[64, ${i % 512}], [64]], "Input type": ["float", "c10::BFloat16"], "Input Strides": [[512, 1], [1]], "Concrete Inputs": ["", "\\u00b5"], "Fwd thread id": 0, "Sequence number": ${i}
    }
  }`,
      `  {
    "ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 4242, "tid": 4242,
    "ts": ${t(1)}, "dur": 4.250,
    "args": {
      "External id": ${i},      "cbid": 211, "correlation": ${corr}
    }
  }`,
      `  {
    "ph": "s", "id": ${corr}, "pid": 4242, "tid": 4242, "ts": ${t(1)},
    "cat": "ac2g", "name": "ac2g"
  }`,
      `  {
    "ph": "X", "cat": "kernel", "name": "void at::native::kernel_${i % 23}<float, 4>(int, float*)", "pid": 0, "tid": 7,
    "ts": ${t(6)}, "dur": 2.500,
    "args": {
      "External id": ${i},      "queued": 0, "device": 0, "context": 1,      "stream": 7, "correlation": ${corr},      "registers per thread": 32,      "shared memory": 0,      "blocks per SM": 0.5,      "warps per SM": 2,      "grid": [54, 1, 1],      "block": [128, 1, 1],      "est. achieved occupancy %": 12
    }
  }`,
      `  {
    "ph": "f", "id": ${corr}, "pid": 0, "tid": 7, "ts": ${t(6)},
    "cat": "ac2g", "name": "ac2g", "bp": "e"
  }`,
      `  {
    "ph": "i", "cat": "cpu_instant_event", "s": "t", "name": "[memory]",
    "pid": 4242, "tid": 4242,
    "ts": ${t(2)},
    "args": {
      "Device Type": 1, "Device Id": 0, "Addr": ${i * 512}, "Bytes": 512, "Total Allocated": ${i * 512}, "Total Reserved": 1048576
    }
  }`,
    );
    if (i % 50 === 0) {
      parts.push(`  {
    "ph": "X", "cat": "user_annotation", "name": "ProfilerStep#${i}", "pid": 4242, "tid": 4242,
    "ts": ${t(0)}, "dur": 900.000,
    "args": {
      "External id": ${i}
    }
  }`, `  {"ph": "C", "name": "GPU Memory", "pid": 0, "tid": 0, "ts": ${t(3)}, "args": {"allocated": ${i}}}`);
    }
  }
  parts.push(`  {
    "name": "thread_name", "ph": "M", "ts": 1700000000000.000, "pid": 0, "tid": 7,
    "args": {
      "name": "stream 7 "
    }
  }`);
  return new TextEncoder().encode(`{
  "schemaVersion": 1,
  "deviceProperties": [
    {"id": 0, "name": "NVIDIA A100", "totalGlobalMem": 85093171200, "numSms": 108}
  ],
  "traceEvents": [
${parts.join(',\n')}
  ],
  "traceName": "warm-up.pt.trace.json"
}`);
}

let warming: Promise<void> | null = null;
let stop = false;

/** Parses small sample traces for up to `budgetMs`, yielding between runs; stops when a real load starts. */
export function warmUp(budgetMs = 1000): Promise<void> {
  warming ??= (async () => {
    const bytes = sampleTrace(400);
    const t0 = performance.now();
    while (!stop && performance.now() - t0 < budgetMs) {
      await loadTrace(bytes, { name: 'warm-up' });
      await new Promise((r) => setTimeout(r, 0));
    }
  })();
  return warming;
}

export function stopWarmUp(): void {
  stop = true;
}
