// Warms the JIT before the first real load: the byte scanner runs interpreted at first,
// and a cold first load of a 30 MB trace took twice as long as a warm one. A few small
// Kineto-shaped traces, parsed while the page is idle, get the hot paths optimised.

import { loadTrace } from '../engine/load.ts';

export function sampleTrace(events: number): Uint8Array {
  const parts: string[] = [];
  let ts = 1700000000000;
  for (let i = 0; i < events; i++) {
    ts += 3.125;
    const corr = 1000 + i;
    parts.push(
      `{"ph":"X","cat":"cpu_op","name":"aten::op${i % 17}","pid":4242,"tid":4242,"ts":${ts.toFixed(3)},"dur":9.5,"args":{"External id":${i},"Ev Idx":${i}}}`,
      `{"ph":"X","cat":"cuda_runtime","name":"cudaLaunchKernel","pid":4242,"tid":4242,"ts":${(ts + 1).toFixed(3)},"dur":4.25,"args":{"External id":${i},"cbid":211,"correlation":${corr}}}`,
      `{"ph":"s","id":${corr},"pid":4242,"tid":4242,"ts":${(ts + 1).toFixed(3)},"cat":"ac2g","name":"ac2g"}`,
      `{"ph":"X","cat":"kernel","name":"void kernel_${i % 23}<float, 4>(int, float*)","pid":0,"tid":7,"ts":${(ts + 6).toFixed(3)},"dur":2.5,"args":{"External id":${i},"queued":0,"device":0,"context":1,"stream":7,"correlation":${corr},"registers per thread":32,"shared memory":0,"blocks per SM":0.5,"warps per SM":2,"grid":[54,1,1],"block":[128,1,1],"est. achieved occupancy %":12}}`,
      `{"ph":"f","id":${corr},"pid":0,"tid":7,"ts":${(ts + 6).toFixed(3)},"cat":"ac2g","name":"ac2g","bp":"e"}`,
      `{"ph":"i","cat":"cpu_instant_event","s":"t","name":"[memory]","pid":4242,"tid":4242,"ts":${(ts + 2).toFixed(3)},"args":{"Bytes":512,"Total Allocated":${i * 512}}}`,
    );
  }
  parts.push('{"ph":"M","name":"thread_name","pid":0,"tid":7,"args":{"name":"stream 7 "}}');
  return new TextEncoder().encode(`{"schemaVersion":1,"traceEvents":[\n${parts.join(',\n')}\n]}`);
}

let warming: Promise<void> | null = null;
let stop = false;

/** Parses small sample traces for up to `budgetMs`, yielding between runs; stops when a real load starts. */
export function warmUp(budgetMs = 400): Promise<void> {
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
