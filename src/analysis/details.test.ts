// Self time, the parent chain and launch links of every slice of random traces, against the
// raw events (nesting by brute force, launches by args.correlation).

import { describe, expect, it } from 'vitest';
import { loadEvents } from '../testing/load-text.ts';
import { bruteParents, randomTrace, toJson, type Ev } from '../testing/random-kineto.ts';
import { analyseSlice } from './details.ts';

describe('slice details against the raw events', () => {
  for (let seed = 1; seed <= 8; seed++) {
    it(`seed ${seed}`, async () => {
      const evs = randomTrace(seed);
      const { model: m } = await loadEvents(toJson(evs));
      const t0 = Math.min(...evs.map((e) => e.ts));
      const parents = bruteParents(evs);
      // Slices are told apart by (name, thread, start, duration); a few random ones coincide.
      const key = (name: string, pid: number, tid: number, ts: number, dur: number): string => `${name}|${pid}|${tid}|${ts}|${dur}`;
      const byKey = new Map<string, Ev[]>();
      for (const e of evs) {
        const k = key(e.name, e.pid, e.tid, e.ts - t0, e.dur);
        byKey.set(k, [...(byKey.get(k) ?? []), e]);
      }
      const gpuByCorr = new Map<number, Ev>();
      for (const e of evs) if (e.pid === 0 && e.args?.correlation !== undefined) gpuByCorr.set(e.args.correlation as number, e);
      const launchByCorr = new Map<number, Ev>();
      for (const e of evs) if (e.cat === 'cuda_runtime') launchByCorr.set(e.args!.correlation as number, e);
      let checked = 0;
      let withLaunch = 0;
      for (let i = 0; i < m.slices.start.length; i++) {
        const tr = m.tracks[m.slices.track[i]!]!;
        const pid = Number(m.processes[tr.process]!.pid);
        const same = byKey.get(key(m.strings[m.slices.name[i]!]!, pid, Number(tr.tid), m.slices.start[i]!, m.slices.dur[i]!));
        if (!same || same.length !== 1) continue;
        const e = same[0]!;
        const d = analyseSlice(m, i);
        let kids = 0;
        for (const k of evs) if (parents.get(k) === e) kids += k.dur;
        expect(d.selfUs).toBeCloseTo(e.dur - kids, 9);
        let depth = 0;
        for (let p = parents.get(e); p; p = parents.get(p)) depth++;
        expect(d.parents.length).toBe(depth);
        const g = e.cat === 'cuda_runtime' ? gpuByCorr.get(e.args!.correlation as number) : undefined;
        expect(d.launched.map((l) => [l.name, l.latencyUs])).toEqual(g ? [[g.name, g.ts - e.ts]] : []);
        const l = e.pid === 0 ? launchByCorr.get(e.args!.correlation as number)! : null;
        expect(d.launch && [d.launch.name, d.launch.latencyUs]).toEqual(l && [l.name, e.ts - l.ts]);
        if (l) withLaunch++;
        checked++;
      }
      expect(checked).toBeGreaterThan(evs.length * 0.8);
      expect(withLaunch).toBeGreaterThan(0);
    });
  }
});
