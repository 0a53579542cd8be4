// The steps and their breakdown and the memory analysis that the trace worker works out after
// a load (on copies of the columns, the model itself being transferred to the page) equal what
// the page works out from the model, on real traces; a load that starts meanwhile makes it
// give up.

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { memoryAnalysis } from '../analysis/memory.ts';
import { categoryRoles } from '../analysis/roles.ts';
import { breakdownOf, stepsOf } from '../analysis/steps.ts';
import { buffersOf } from '../lib/buffers.ts';
import type { TraceModel } from '../model/types.ts';
import { tracePath } from '../testing/traces-dir.ts';
import { traceApi } from './trace-api.ts';

const FILES = [
  'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz',
  'param__dlrm_kineto_worker0_step_12.1694128201545.pt.trace.json',
  'hta__nccl_data.json.gz',
  'catapult__simple_trace.json', // no ProfilerStep: the whole trace as one step
];

/** The page's copy of the model (as a transfer leaves it), and the worker's detached, as a transfer leaves them. */
function transfer(m: TraceModel): TraceModel {
  const copy = structuredClone(m);
  structuredClone(null, { transfer: buffersOf([m.slices, m.flows, m.kernels, ...Object.values(m.fields)]) });
  return copy;
}

describe('the step breakdown and the memory analysis on the trace worker', () => {
  for (const [k, file] of FILES.entries()) {
    it(`equals the page's own: ${file}`, async () => {
      const bytes = new Uint8Array(await readFile(tracePath(file)));
      const id = `sb${k}`;
      const model = transfer(await traceApi.load(id, { kind: 'bytes', bytes, name: file }));
      const got = await traceApi.breakdown(id);
      const steps = stepsOf(model);
      expect(got).not.toBeNull();
      expect(got!.steps).toEqual(steps);
      expect(got!.breakdowns).toEqual(breakdownOf(model, steps));
      expect(got!.roles).toEqual(categoryRoles(model));
      expect(got!.workerMs).toBeGreaterThan(0);
      expect(await traceApi.breakdown(id)).toBeNull(); // asked once
      const mem = await traceApi.memory(id);
      const want = memoryAnalysis(model);
      expect(mem!.memory).toEqual(want);
      expect(mem!.workerMs).toBeGreaterThan(0);
      expect(await traceApi.memory(id)).toBeNull();
      traceApi.drop(id);
    });
  }

  it('gives up when another load starts before it has run (the page then works it out)', async () => {
    const bytes = new Uint8Array(await readFile(tracePath(FILES[1]!)));
    await traceApi.load('sbA', { kind: 'bytes', bytes, name: FILES[1]! });
    const b = traceApi.load('sbB', { kind: 'bytes', bytes, name: FILES[1]! });
    expect(await traceApi.breakdown('sbA')).toBeNull();
    expect(await traceApi.memory('sbA')).toBeNull();
    await b;
    expect((await traceApi.breakdown('sbB'))?.steps.length).toBeGreaterThan(0);
    traceApi.drop('sbA');
    traceApi.drop('sbB');
  });

  it('a load that ends while another runs leaves them to the page; a dropped trace\'s stop', async () => {
    const bytes = new Uint8Array(await readFile(tracePath(FILES[1]!)));
    const order: string[] = [];
    const a = traceApi.load('ovA', { kind: 'bytes', bytes, name: FILES[1]! }).then(() => order.push('ovA'));
    const b = traceApi.load('ovB', { kind: 'bytes', bytes, name: FILES[1]! }).then(() => order.push('ovB'));
    await Promise.all([a, b]);
    const [first, last] = order as [string, string];
    expect(await traceApi.breakdown(first)).toBeNull(); // the other was still loading
    expect((await traceApi.breakdown(last))?.steps.length).toBeGreaterThan(0);
    traceApi.drop(first);
    traceApi.drop(last);
    // dropped before it ran: given up
    await traceApi.load('ovC', { kind: 'bytes', bytes, name: FILES[1]! });
    const c = traceApi.breakdown('ovC');
    traceApi.drop('ovC');
    expect(await c).toBeNull();
    expect(await traceApi.memory('ovC')).toBeNull();
  });
});
