// Every real trace in ../shared/traces loads through the engine, and its counts agree
// with an independent plain scan of the JSON (src/testing/oracle.ts).

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { oracleSummary } from '../testing/oracle.ts';
import { readTraceText } from '../testing/read-trace-node.ts';
import { loadTrace } from './load.ts';
import { TRACES_DIR } from '../testing/traces-dir.ts';

const dir = TRACES_DIR;
const files = readdirSync(dir).filter((f) => f !== 'SOURCES.md').sort();

describe('the real trace corpus', () => {
  it('is there', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  for (const file of files) {
    it(`${file}: counts match a plain scan of the JSON`, async () => {
      const bytes = new Uint8Array(readFileSync(dir + file));
      const { model } = await loadTrace(bytes, { name: file });
      const s = model.summary;
      const o = oracleSummary(await readTraceText(dir + file));
      expect(s.events).toEqual(o.events);
      expect({ processes: s.processes, threads: s.threads, counters: s.counters }).toEqual({
        processes: o.processes, threads: o.threads, counters: o.counters,
      });
      const { busyUs, ...gpu } = s.gpu;
      const { busyUs: oBusy, ...oGpu } = o.gpu;
      expect(gpu).toEqual(oGpu);
      // JSON.parse keeps epoch-scale µs only to half a unit in the last place (~0.1 µs at
      // 1.7e15), the engine keeps them exactly: allow the oracle that rounding at both ends of
      // every GPU event.
      const events = o.gpu.kernels + o.gpu.memcpy + o.gpu.memset + 1;
      const ulp = 2 ** (Math.floor(Math.log2(Math.max(1, Math.abs(model.startUs) + model.endUs))) - 52);
      expect(Math.abs(busyUs - oBusy)).toBeLessThanOrEqual(1e-6 * Math.max(1, oBusy) + events * ulp);
      expect(s.flows).toEqual(o.flows);
      expect(Math.abs(s.spanUs - o.spanUs)).toBeLessThanOrEqual(1e-9 * Math.max(1, o.spanUs) + 1e-3);
      expect(s.metadata).toEqual(o.metadata);
      expect(s.bytes).toBe(bytes.length);
    });
  }
});
