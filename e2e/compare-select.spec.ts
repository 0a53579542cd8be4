// window.kinetoscope.select() in compare mode: `trace` (an id or a name) picks the trace;
// without it the first trace that has the name answers, as before.

import { expect, test } from '@playwright/test';
import { readTraceText } from '../src/testing/read-trace-node.ts';
import { apiState, openPair, TRACES } from './helpers/viewer.ts';

const A = 'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz';
const B = 'kineto__resnet50_num_workers_0_worker0.1623143566756.pt.trace.json.gz';
const NAME = 'aten::conv2d';
const NTH = 3;

/** Duration of the nth (by start) X event called `name`, from a plain scan of the JSON. */
async function nthDur(file: string): Promise<number> {
  const events = (JSON.parse(await readTraceText(TRACES + file)) as { traceEvents: { ph?: string; name?: string; ts?: number; dur?: number }[] }).traceEvents;
  const hits = events.filter((e) => e.ph === 'X' && e.name === NAME).sort((x, y) => Number(x.ts) - Number(y.ts));
  return Number(hits[NTH]!.dur);
}

test('select reaches a slice of the second trace by its id or its name', async ({ page }) => {
  const [durA, durB] = [await nthDur(A), await nthDur(B)];
  expect(durA).not.toBe(durB); // else the test could not tell the traces apart
  await openPair(page, A, B);
  const { traces } = await apiState(page);
  expect(traces.map((t) => t.name)).toEqual([A, B]);
  const [first, second] = traces;

  const select = (q: { name: string; nth?: number; trace?: string }) => page.evaluate((query) => window.kinetoscope.select(query), q);
  // As before: no trace means the first that has the name.
  expect(await select({ name: NAME, nth: NTH })).toBe(true);
  expect((await apiState(page)).selection).toMatchObject({ trace: first!.id, name: NAME, dur: durA });

  expect(await select({ name: NAME, nth: NTH, trace: second!.id })).toBe(true);
  expect((await apiState(page)).selection).toMatchObject({ trace: second!.id, name: NAME, dur: durB });

  await select({ name: NAME, nth: NTH, trace: first!.id });
  expect(await select({ name: NAME, nth: NTH, trace: B })).toBe(true);
  expect((await apiState(page)).selection).toMatchObject({ trace: second!.id, dur: durB });

  expect(await select({ name: NAME, trace: 'no such trace' })).toBe(false);
  expect(await select({ name: 'no such slice', trace: second!.id })).toBe(false);
  expect((await apiState(page)).selection).toMatchObject({ trace: second!.id, dur: durB });
});
