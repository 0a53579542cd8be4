// Files read on the reader worker in real Chromium (?reader=worker, the default): a real Kineto
// trace's gzip, whole and cut off, and a real plain trace load exactly as when the trace worker
// reads them (?reader=here), down to reading a selected event back and the warning that names
// where the gzip data ends.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { dropBytes, TRACES, waitForTrace } from './helpers/viewer.ts';

const whole = new Uint8Array(readFileSync(join(TRACES, 'hta__df_index_resolver.json.gz')));
const cut = whole.slice(0, Math.floor(whole.length * 0.7));

/** Objects complete in the traceEvents array of a JSON text that may stop anywhere. */
function completeEvents(text: string): number {
  let i = text.indexOf('[', text.indexOf('"traceEvents"'));
  let depth = 0;
  let count = 0;
  for (i++; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) break; // the end of the array
      if (--depth === 0 && c === '}') count++;
    }
  }
  return count;
}

async function load(page: Page, reader: 'worker' | 'here', name: string, bytes: Uint8Array, select = 'aten::mm') {
  await page.goto(`/?reader=${reader}&workers=0`);
  await page.waitForFunction(() => typeof window.kinetoscope?.open === 'function');
  await dropBytes(page, name, bytes);
  const state = await waitForTrace(page, name);
  const { timing, loadMs: _loadMs, ...summary } = state.traces[0]!.summary;
  expect(await page.evaluate((name) => window.kinetoscope.select({ name, nth: 5 }), select)).toBe(true);
  const event = await page.evaluate(() => window.kinetoscope.event());
  return { timing, summary, event };
}

test.describe.configure({ mode: 'serial' });

for (const [label, bytes] of [['whole', whole], ['cut-off', cut]] as const) {
  test(`a ${label} gzip trace inflated on the reader worker loads as when inflated on the trace worker`, async ({ page }) => {
    test.setTimeout(120_000);
    const name = `df_index_resolver-${label}.json.gz`;
    const here = await load(page, 'here', name, bytes);
    const there = await load(page, 'worker', name, bytes);
    expect([here.timing.readerWorker, there.timing.readerWorker]).toEqual([false, true]);
    // every event before the cut, counted here from what zlib can inflate of the bytes
    const text = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
    expect(there.summary.events.total).toBe(completeEvents(text));
    expect(there.summary.events.total).toBeGreaterThan(1000);
    expect(there.summary).toEqual(here.summary);
    expect(there.event).not.toBeNull();
    expect(there.event).toEqual(here.event);
    const cutWarnings = Object.keys(there.summary.warnings).filter((w) => w.includes('gzip data is corrupt or cut off'));
    expect(cutWarnings.length).toBe(label === 'whole' ? 0 : 1);
  });
}

test('a plain trace read on the reader worker loads as when read on the trace worker', async ({ page }) => {
  test.setTimeout(120_000);
  const name = 'kineto__gpu_metrics_input.json';
  const bytes = new Uint8Array(readFileSync(join(TRACES, name)));
  const events = (JSON.parse(Buffer.from(bytes).toString('utf8')) as { traceEvents: { ph?: string; name?: string }[] }).traceEvents;
  const counts = new Map<string, number>();
  for (const e of events) if (e.ph === 'X' && e.name) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  const select = [...counts.entries()].find(([, n]) => n > 5)![0];
  const here = await load(page, 'here', name, bytes, select);
  const there = await load(page, 'worker', name, bytes, select);
  expect([here.timing.readerWorker, there.timing.readerWorker]).toEqual([false, true]);
  expect(there.summary.events.total).toBe(events.length);
  expect(there.summary).toEqual(here.summary);
  expect(there.event).not.toBeNull();
  expect(there.event).toEqual(here.event);
});
