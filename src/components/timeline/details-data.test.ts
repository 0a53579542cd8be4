import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTrace } from '../../engine/load.ts';
import type { TraceModel } from '../../model/types.ts';
import { FLAG_GPU, FLAG_LAUNCH } from '../../model/types.ts';
import { argText, kernelInfo, kernelRow, numSmsFor, sliceFlows } from './details-data.ts';
import { announceText, sliceInfo } from './slice-info.ts';
import { tracePath } from '../../testing/traces-dir.ts';

async function load(file: string): Promise<TraceModel> {
  const bytes = new Uint8Array(await readFile(tracePath(file)));
  return (await loadTrace(bytes, { name: file })).model;
}

describe('numSmsFor', () => {
  it('reads deviceProperties by id, then by position', () => {
    const meta = { deviceProperties: [{ id: 1, numSms: 80 }, { id: 0, numSms: 108 }] };
    expect(numSmsFor(meta, 0)).toBe(108);
    expect(numSmsFor(meta, 1)).toBe(80);
    expect(numSmsFor({ deviceProperties: [{ numSms: 68 }] }, 0)).toBe(68);
  });

  it('reads 2021 computeProperties, and returns null when absent', () => {
    expect(numSmsFor({ computeProperties: [{ id: 0, multiProcessorCount: 80 }] }, 0)).toBe(80);
    expect(numSmsFor({}, 0)).toBeNull();
    expect(numSmsFor({ deviceProperties: 'junk' }, 0)).toBeNull();
  });
});

describe('on a real Kineto trace', () => {
  let m: TraceModel;
  beforeAll(async () => {
    m = await load('hta__benchmark_simple_add_trace.json.gz');
  });

  it('finds kernel rows by bisection and computes SM efficiency', () => {
    expect(m.kernels.slice.length).toBeGreaterThan(0);
    for (let k = 0; k < m.kernels.slice.length; k++) {
      const slice = m.kernels.slice[k]!;
      expect(kernelRow(m.kernels, slice)).toBe(k);
      const info = kernelInfo(m, slice)!;
      expect(info.blocks).toBe(info.grid[0] * Math.max(1, info.grid[1]) * Math.max(1, info.grid[2]));
      expect(info.numSms).toBe(108); // A100 in deviceProperties
      expect(info.smEfficiency).toBeCloseTo(Math.min(info.blocks / 108, 1));
    }
    // A CPU slice is no kernel.
    let cpu = 0;
    while (m.slices.flags[cpu]! & FLAG_GPU) cpu++;
    expect(kernelInfo(m, cpu)).toBeNull();
  });

  it('lists a kernel’s launch as an incoming flow with the launch latency', () => {
    const kernel = m.kernels.slice[0]!;
    const flows = sliceFlows(m, kernel);
    expect(flows.incoming.length).toBeGreaterThan(0);
    const launch = flows.incoming.find((f) => m.slices.flags[f.other]! & FLAG_LAUNCH);
    expect(launch).toBeDefined();
    expect(launch!.delta).toBeCloseTo(m.slices.start[kernel]! - m.slices.start[launch!.other]!);
    expect(launch!.delta).toBeGreaterThan(0);
    // And the launch lists the kernel as outgoing.
    expect(sliceFlows(m, launch!.other).outgoing.map((f) => f.other)).toContain(kernel);
  });

  it('describes a slice for people', () => {
    const kernel = m.kernels.slice[0]!;
    const info = sliceInfo(m, kernel)!;
    expect(info.gpu).toBe(true);
    expect(info.track).toMatch(/stream/);
    expect(announceText(info)).toMatch(/^Selected .+, .+ on stream/);
    expect(sliceInfo(m, -1)).toBeNull();
  });
});

describe('2021 trace with computeProperties', () => {
  it('takes the SM count from multiProcessorCount', async () => {
    const m = await load('kineto__gpu_metrics_input.json');
    expect(m.kernels.slice.length).toBeGreaterThan(0);
    const info = kernelInfo(m, m.kernels.slice[0]!)!;
    expect(info.numSms).toBe(80);
  });
});

describe('argText', () => {
  it('keeps strings and stringifies the rest', () => {
    expect(argText('a"b')).toBe('a"b');
    expect(argText([1, 2])).toBe('[1,2]');
    expect(argText({ x: null })).toBe('{"x":null}');
    expect(argText(undefined)).toBe('undefined');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(argText(cyclic)).toBe('[object Object]');
  });
});
