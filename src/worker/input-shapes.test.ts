// The worker's Input Dims pass on real traces (gzip bytes, and a plain file read by ranges),
// checked against a plain scan of the JSON: per (operator name, shapes), how many calls.

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { operatorShapeTable, operatorSlices } from '../analysis/operators.ts';
import type { TraceModel } from '../model/types.ts';
import { readTraceText } from '../testing/read-trace-node.ts';
import { tracePath } from '../testing/traces-dir.ts';
import { traceApi } from './trace-api.ts';

const GZIP = 'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz';
const PLAIN = 'param__dlrm_kineto_worker0_step_12.1694128201545.pt.trace.json';

/** calls per `name|shapes` (shapes as compact JSON, `null` when absent), from the JSON itself. */
async function plainScan(file: string): Promise<Map<string, number>> {
  const doc = JSON.parse(await readTraceText(tracePath(file))) as { traceEvents: Record<string, unknown>[] };
  const out = new Map<string, number>();
  for (const e of doc.traceEvents) {
    const cat = String(e.cat ?? '').toLowerCase();
    if (e.ph !== 'X' || (cat !== 'cpu_op' && cat !== 'operator')) continue;
    const dims = (e.args as Record<string, unknown> | undefined)?.['Input Dims'];
    const key = `${String(e.name)}|${JSON.stringify(dims ?? null)}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** Checks the grouped table against the plain scan; returns how many groups it has. */
async function check(id: string, model: TraceModel, file: string): Promise<number> {
  const ops = operatorSlices(model);
  const progress: number[] = [];
  const r = await traceApi.inputShapes(id, ops, undefined, (done) => progress.push(done));
  expect(progress.at(-1)).toBe(ops.length);
  const ids = new Int32Array(model.slices.dur.length).fill(-1);
  ops.forEach((s, k) => (ids[s] = r.ids[k]!));
  const rows = operatorShapeTable(model, { ids, shapes: r.shapes });
  const expected = await plainScan(file);
  const got = new Map(rows.map((x) => [`${x.name}|${x.inputShapes ?? 'null'}`, x.count]));
  expect(got).toEqual(expected);
  // more groups than names: the shapes split them
  expect(rows.length).toBeGreaterThan(new Set(rows.map((x) => x.name)).size);
  return rows.length;
}

describe('Input Dims read back by the trace worker', () => {
  it(`gzip: ${GZIP}`, async () => {
    const bytes = new Uint8Array(await readFile(tracePath(GZIP)));
    const model = await traceApi.load('dims-gz', { kind: 'bytes', bytes, name: GZIP });
    expect(await check('dims-gz', model, GZIP)).toBeGreaterThan(1);
    // the probe reads only the first few ops in file order
    const ops = operatorSlices(model);
    const probe = await traceApi.inputShapes('dims-gz', ops, 8);
    expect(probe.ids.filter((x) => x >= 0).length).toBeGreaterThan(0);
    expect(probe.ids.filter((x) => x >= 0).length).toBeLessThanOrEqual(8);
    traceApi.drop('dims-gz');
  }, 60_000);

  it(`plain file read by ranges: ${PLAIN}`, async () => {
    const bytes = await readFile(tracePath(PLAIN));
    const model = await traceApi.load('dims-plain', { kind: 'blob', blob: new Blob([bytes]), name: PLAIN });
    expect(await check('dims-plain', model, PLAIN)).toBeGreaterThan(1);
    traceApi.drop('dims-plain');
  }, 60_000);

  it('a trace without Input Dims gives none', async () => {
    const text = JSON.stringify({ traceEvents: [{ ph: 'X', cat: 'cpu_op', name: 'aten::mm', pid: 1, tid: 1, ts: 1, dur: 2, args: { 'External id': 3 } }] });
    const model = await traceApi.load('dims-none', { kind: 'bytes', bytes: new TextEncoder().encode(text), name: 't.json' });
    const r = await traceApi.inputShapes('dims-none', operatorSlices(model));
    expect(Array.from(r.ids)).toEqual([-1]);
    expect(r.shapes).toEqual([]);
    traceApi.drop('dims-none');
  });
});
