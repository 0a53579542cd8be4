// Accelerators that are not CUDA: a trace that names a device (process_labels "MTIA 9")
// gets device tracks and a device count, and its host threads stay threads.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTrace } from '../engine/load.ts';
import { loadEvents } from '../testing/load-text.ts';
import { readTraceText } from '../testing/read-trace-node.ts';
import { tracePath } from '../testing/traces-dir.ts';

interface Raw {
  ph: string;
  name?: string;
  cat?: string;
  pid: number | string;
  tid: number | string;
  ts: number;
  dur?: number;
  args?: Record<string, unknown>;
}

function union(intervals: [number, number][]): number {
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0, s = -Infinity, e = -Infinity;
  for (const [a, b] of intervals) {
    if (a > e) {
      total += e - s > 0 ? e - s : 0;
      [s, e] = [a, b];
    } else e = Math.max(e, b);
  }
  return total + (e - s > 0 ? e - s : 0);
}

describe('non-CUDA accelerators', () => {
  it('hta__mtia_rank_0: the MTIA device, its tracks, and the host threads as threads', async () => {
    const file = 'hta__mtia_rank_0.json.gz';
    const events = (JSON.parse(await readTraceText(tracePath(file))) as { traceEvents: Raw[] }).traceEvents;
    // Plain scan: processes labelled as a device, their X events in the device's own categories.
    const labels = new Map<string, string>();
    const threadNames = new Map<string, string>();
    for (const e of events) {
      if (e.ph === 'M' && e.name === 'process_labels') labels.set(String(e.pid), String(e.args!.labels));
      if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}/${e.tid}`, String(e.args!.name));
    }
    const devicePids = [...labels].filter(([, l]) => l.startsWith('MTIA ')).map(([p]) => p);
    expect(devicePids).toEqual(['9']);
    const deviceEvents = events.filter((e) => e.ph === 'X' && devicePids.includes(String(e.pid)) && e.cat!.startsWith('mtia_'));
    const streams = [...new Set(deviceEvents.map((e) => `${e.pid}/${e.tid}`))];
    const busy = union(deviceEvents.map((e) => [e.ts, e.ts + e.dur!]));
    const hostThreads = new Set(events.filter((e) => e.ph === 'X' && labels.get(String(e.pid)) === 'CPU').map((e) => `${e.pid}/${e.tid}`));

    const { model: m } = await loadTrace(new Uint8Array(readFileSync(tracePath(file))), { name: file });
    expect(m.summary.gpu.devices).toBe(devicePids.length);
    expect(m.summary.gpu.streams).toBe(streams.length);
    // JSON.parse keeps epoch-scale µs to ~0.5 ns each; the engine keeps them exactly.
    expect(Math.abs(m.summary.gpu.busyUs - busy)).toBeLessThanOrEqual(1e-6 * busy);
    const device = m.processes.filter((p) => p.isGpu);
    expect(device.map((p) => [p.pid, p.name])).toEqual([['9', 'MTIA 9']]);
    const deviceTracks = m.tracks.filter((t) => t.kind === 'gpu');
    expect(deviceTracks.map((t) => t.name).sort()).toEqual(streams.map((k) => threadNames.get(k)).sort());
    expect(deviceTracks.every((t) => m.processes[t.process]!.pid === '9')).toBe(true);
    const host = m.tracks.filter((t) => m.processes[t.process]!.labels === 'CPU');
    expect(host.length).toBe(hostThreads.size);
    expect(host.every((t) => t.kind === 'thread')).toBe(true);
    expect(m.summary.gpu.kernels).toBe(0); // no "kernel" category: the summary's kernels stay CUDA's
  });

  it('a device name alone is enough, and host-side categories on it stay host work', async () => {
    const r = await loadEvents([
      { ph: 'M', name: 'process_name', pid: 3, args: { name: 'TPU 3' } },
      { ph: 'X', cat: 'tpu_op', name: 'matmul', pid: 3, tid: 1, ts: 0, dur: 10 },
      { ph: 'X', cat: 'tpu_runtime', name: 'launch', pid: 3, tid: 2, ts: 0, dur: 4 },
      { ph: 'M', name: 'process_name', pid: 5, args: { name: 'GPU Process' } }, // Chrome's, not a device
      { ph: 'X', cat: 'gpu', name: 'Draw', pid: 5, tid: 1, ts: 0, dur: 3 },
    ]);
    const m = r.model;
    expect(m.processes.map((p) => [p.name, p.isGpu])).toEqual([['GPU Process (5)', false], ['TPU 3', true]]);
    expect(m.summary.gpu).toMatchObject({ devices: 1, streams: 1, busyUs: 10 });
  });
});
