// Two runs compared (issue 21, "Two runs"): B shifted on the shared timeline, aligned by a
// step, linked zoom, the diff table and op-tree diff checked against plain scans of the raw
// files, a diff row highlighting in both runs, and a permalink that restores the comparison.

import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { apiState, comparePngs, openPair, rawEvents, settledLink, TRACES, type RawEvent, pngPixels } from './helpers/viewer.ts';

const BASE = 'hta__trace_compare_base.json.gz';
const TEST = 'hta__trace_compare_test.json.gz';

/** µs from the trace's start (its earliest event) of the X events, as a plain scan gives them. */
function relative(events: RawEvent[]): (RawEvent & { rel: number })[] {
  const t0 = Math.min(...events.filter((e) => typeof e.ts === 'number').map((e) => e.ts!));
  return events.filter((e) => e.ph === 'X' && typeof e.ts === 'number').map((e) => ({ ...e, rel: e.ts! - t0 }));
}

/** The start of the X event named `name`, from the trace's start. */
function stepTs(events: RawEvent[], name: string): number {
  return relative(events).find((e) => e.name === name)!.rel;
}

/** Waits for the canvas to show the current state. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * The leftmost x (canvas CSS px) where a slice is drawn in the given track boxes' first rows:
 * a column whose row middle differs from the track's top padding (grid lines cover both).
 */
async function leftmostSlice(page: Page, boxes: { y: number; rows: number }[], reachingRight = false): Promise<number> {
  const img = await pngPixels(page, await page.getByTestId('timeline-canvas').screenshot());
  const px = (x: number, y: number): number => img.rgb(x, Math.round(y));
  let best = Infinity;
  const slice = (x: number, y: number): boolean => px(x, y + 9) !== px(x, y - 1);
  for (const r of boxes) {
    if (r.rows < 1 || r.y < 30 || r.y + 18 > img.height) continue;
    if (reachingRight) {
      // The left edge of the slice that runs to the right edge (1 px gaps between slices end it).
      let x = img.width - 1;
      while (x > 0 && slice(x - 1, r.y)) x--;
      if (slice(img.width - 1, r.y)) best = Math.min(best, x);
      continue;
    }
    for (let x = 0; x < img.width && x < best; x++) {
      if (slice(x, r.y)) {
        best = x;
        break;
      }
    }
  }
  return best;
}

test('B shifted by a known offset draws its first slice at the right pixel; A does not move', async ({ page }) => {
  await openPair(page, BASE, TEST);
  const evB = relative(await rawEvents(TEST));
  const firstB = Math.min(...evB.map((e) => e.rel));
  const s = await apiState(page);
  const [a, b] = s.traces;
  const width = (await page.getByTestId('timeline-canvas').boundingBox())!.width;
  for (const offsetUs of [12_345.5, -3_210.25]) {
    await page.evaluate((o) => window.kinetoscope.align({ offsetUs: o }), offsetUs);
    expect(await page.evaluate(() => window.kinetoscope.compare())).toEqual({ aligned: 'manual', offsetUs });
    // B's first slice 40 % into a 100 µs window.
    const t = firstB + offsetUs;
    await page.evaluate(([s0, s1]) => window.kinetoscope.setView(s0!, s1!), [t - 40, t + 60]);
    await settled(page);
    const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes());
    const x = await leftmostSlice(page, boxes.filter((box) => box.trace === b!.id));
    expect(Math.abs(x - 0.4 * width)).toBeLessThanOrEqual(1.5);
  }
  // A, unshifted, still has its slice at its own time: back at 0, B's first slice is where A's is.
  await page.evaluate(() => window.kinetoscope.align({ start: true }));
  expect(await page.evaluate(() => window.kinetoscope.compare())).toEqual({ aligned: 'start', offsetUs: 0 });
  const firstA = Math.min(...relative(await rawEvents(BASE)).map((e) => e.rel));
  await page.evaluate(([s0, s1]) => window.kinetoscope.setView(s0!, s1!), [firstA - 40, firstA + 60]);
  await settled(page);
  const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes());
  expect(Math.abs((await leftmostSlice(page, boxes.filter((x) => x.trace === a!.id))) - 0.4 * width)).toBeLessThanOrEqual(1.5);
  expect(Math.abs((await leftmostSlice(page, boxes.filter((x) => x.trace === b!.id))) - (0.4 * width + (firstB - firstA) * width / 100))).toBeLessThanOrEqual(1.5);
});

/** The track box (canvas px) of the row holding the nth slice named `name` in a trace, found through select(). */
async function rowOf(page: Page, trace: string, name: string): Promise<{ y: number; rows: number }> {
  expect(await page.evaluate(([n, t]) => window.kinetoscope.select({ name: n!, trace: t! }), [name, trace])).toBe(true);
  const track = (await apiState(page)).selection!.track;
  const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes());
  const box = boxes.find((x) => x.trace === trace && x.name === track)!;
  await page.keyboard.press('Escape');
  return { y: box.y, rows: 1 };
}

test('aligned on a step picked in each run, the two step slices start at the same pixel, and zoom moves both', async ({ page }) => {
  await openPair(page, BASE, TEST);
  const evA = await rawEvents(BASE);
  const evB = await rawEvents(TEST);
  const tA = stepTs(evA, 'ProfilerStep#1010');
  const tB = stepTs(evB, 'ProfilerStep#1009');
  // Pick the steps in the bar.
  await page.getByTestId('align-step-a').selectOption('ProfilerStep#1010');
  await page.getByTestId('align-step-b').selectOption('ProfilerStep#1009');
  const cmp = await page.evaluate(() => window.kinetoscope.compare());
  expect(cmp!.aligned).toBe('step');
  expect(cmp!.offsetUs).toBeCloseTo(tA - tB, 6);
  await expect(page.getByTestId('compare-note')).toContainText('ProfilerStep#1010 (A) and ProfilerStep#1009 (B)');
  const [a, b] = (await apiState(page)).traces;
  const width = (await page.getByTestId('timeline-canvas').boundingBox())!.width;
  await page.evaluate(([s0, s1]) => window.kinetoscope.setView(s0!, s1!), [tA - 40, tA + 60]);
  const rowA = await rowOf(page, a!.id, 'ProfilerStep#1010');
  const rowB = await rowOf(page, b!.id, 'ProfilerStep#1009');
  await settled(page);
  // The step slices run past the right edge: their left edges.
  const xA = await leftmostSlice(page, [rowA], true);
  const xB = await leftmostSlice(page, [rowB], true);
  expect(Math.abs(xA - 0.4 * width)).toBeLessThanOrEqual(1.5);
  expect(Math.abs(xB - xA)).toBeLessThanOrEqual(1);

  // Linked zoom: W at the canvas's left edge zooms the one view, both step starts move together.
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + box.height - 10);
  const before = (await apiState(page)).view;
  await page.keyboard.press('w');
  await expect.poll(async () => (await apiState(page)).view.end - (await apiState(page)).view.start).toBeLessThan(before.end - before.start);
  await settled(page);
  const [zA, zB] = [await leftmostSlice(page, [rowA], true), await leftmostSlice(page, [rowB], true)];
  expect(Math.abs(zA - xA)).toBeGreaterThan(5); // the zoom moved A's step…
  expect(Math.abs(zB - zA)).toBeLessThanOrEqual(1); // …and B's with it

  // Back at the start: the API, and the bar says so.
  await page.evaluate(() => window.kinetoscope.align({ step: 'ProfilerStep#1010' }));
  expect((await page.evaluate(() => window.kinetoscope.compare()))!.offsetUs).toBeCloseTo(stepTs(evA, 'ProfilerStep#1010') - stepTs(evB, 'ProfilerStep#1010'), 6);
  await page.getByTestId('align-start').click();
  expect(await page.evaluate(() => window.kinetoscope.compare())).toEqual({ aligned: 'start', offsetUs: 0 });
  await expect(page.getByTestId('compare-note')).toHaveText('A and B aligned at their starts');
});

test('Alt+drag on B shifts B alone; unlinked, a plain drag on B does too', async ({ page }) => {
  await openPair(page, BASE, TEST);
  const [, b] = (await apiState(page)).traces;
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  const s0 = (await apiState(page)).view;
  const usPerPx = (s0.end - s0.start) / box.width;
  const bBox = (await page.evaluate(() => window.kinetoscope.trackBoxes())).find((x) => x.trace === b!.id && x.rows > 0)!;
  const y = box.y + bBox.y + 5;
  await page.keyboard.down('Alt');
  await page.mouse.move(box.x + 300, y);
  await page.mouse.down();
  await page.mouse.move(box.x + 350, y, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Alt');
  let cmp = await page.evaluate(() => window.kinetoscope.compare());
  expect(cmp!.aligned).toBe('manual');
  expect(cmp!.offsetUs).toBeCloseTo(50 * usPerPx, 3);
  expect((await apiState(page)).view).toEqual(s0); // the view did not pan
  await expect(page.getByTestId('compare-note')).toContainText('by hand');
  // Unlinked: a plain drag on B shifts it back.
  await page.getByTestId('link-toggle').uncheck();
  await page.mouse.move(box.x + 350, y);
  await page.mouse.down();
  await page.mouse.move(box.x + 300, y, { steps: 5 });
  await page.mouse.up();
  cmp = await page.evaluate(() => window.kinetoscope.compare());
  expect(Math.abs(cmp!.offsetUs)).toBeLessThan(1e-6 * (s0.end - s0.start));
  expect((await apiState(page)).view).toEqual(s0);
});

/** Count and summed dur per (cat, name) of the X events: the plain scan compareTable is checked against. */
function sums(events: RawEvent[]): Map<string, { count: number; total: number }> {
  const out = new Map<string, { count: number; total: number }>();
  for (const e of events) {
    if (e.ph !== 'X') continue;
    const k = `${e.cat}|${e.name}`;
    const r = out.get(k) ?? { count: 0, total: 0 };
    r.count++;
    r.total += Number(e.dur ?? 0);
    out.set(k, r);
  }
  return out;
}

for (const [A, B] of [[BASE, TEST], ['kineto__before_fix_trace.json', 'kineto__after_fix_trace.json']] as const) {
  test(`compareTable() of ${A} and ${B} matches sums from the raw files`, async ({ page }) => {
    await openPair(page, A, B);
    const sa = sums(await rawEvents(A));
    const sb = sums(await rawEvents(B));
    const rows = await page.evaluate(() => window.kinetoscope.compareTable());
    const byKey = new Map(rows.map((r) => [`${r.kind}|${r.name}`, r]));
    const keys = new Set([...sa.keys(), ...sb.keys()]);
    expect(keys.size).toBeGreaterThan(5);
    for (const k of keys) {
      const r = byKey.get(k);
      expect(r, k).toBeDefined();
      expect(r!.countA, k).toBe(sa.get(k)?.count ?? 0);
      expect(r!.countB, k).toBe(sb.get(k)?.count ?? 0);
      expect(r!.totalUsA, k).toBeCloseTo(sa.get(k)?.total ?? 0, 3);
      expect(r!.totalUsB, k).toBeCloseTo(sb.get(k)?.total ?? 0, 3);
    }
    // Sorted by |Δ total|.
    const d = rows.map((r) => Math.abs(r.totalUsB - r.totalUsA));
    for (let i = 1; i < d.length; i++) expect(d[i]!).toBeLessThanOrEqual(d[i - 1]! + 1e-9);
  });
}

test('a Diff row highlights the name in both runs; the op-tree diff of the step pair has the raw host time', async ({ page }) => {
  await openPair(page, BASE, TEST);
  const [a, b] = (await apiState(page)).traces;
  await page.getByRole('tab', { name: 'Diff' }).click();
  await expect(page.getByTestId('diff-summary')).toContainText('Mean step time');
  const rows = await page.evaluate(() => window.kinetoscope.compareTable());
  // A kernel in both runs.
  const kernel = rows.find((r) => r.kind === 'kernel' && r.countA > 0 && r.countB > 0)!;
  expect(kernel).toBeDefined();
  await page.evaluate(() => window.kinetoscope.setView(0, 300_000));
  await page.keyboard.press('Escape');
  await settled(page);
  const canvas = page.getByTestId('timeline-canvas');
  const before = await canvas.screenshot();
  await page.getByTestId('filter-diff').fill(kernel.name);
  await page.getByTestId('row-diff').filter({ hasText: kernel.kind }).first().click();
  await expect(page.getByTestId('stepper')).toContainText(kernel.name);
  await page.evaluate(() => window.kinetoscope.setView(0, 300_000));
  await page.keyboard.press('Escape'); // the selection's outline off; the highlight stays
  await settled(page);
  const after = await canvas.screenshot();
  const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes());
  const cw = (await canvas.boundingBox())!.width;
  for (const id of [a!.id, b!.id]) {
    // The other names dimmed on each run's tracks: its pixels change.
    const mine = boxes.filter((x) => x.trace === id && x.rows > 0);
    const top = Math.min(...mine.map((x) => x.y));
    const bottom = Math.max(...mine.map((x) => x.y + x.height));
    const diff = await comparePngs(page, before, after, { x: 0, y: Math.round(top), w: Math.round(cw), h: Math.round(bottom - top) });
    expect(diff.changed, `dimmed in ${id}`).toBeGreaterThan(50);
  }

  // The op-tree diff of ProfilerStep#1009 (the first of each: not aligned on a step).
  await page.getByTestId('diff-view-tree').click();
  const tree = page.getByTestId('optree');
  await expect(tree).toBeVisible();
  const first = tree.locator('tbody tr[aria-level="2"]').first();
  const name = (await first.locator('.optree-name').textContent())!;
  const hostA = (await first.locator('td').nth(1).textContent())!;
  // The raw file: the ops named so directly under the step on its thread (no enclosing op).
  const ev = await rawEvents(BASE);
  const step = ev.find((e) => e.name === 'ProfilerStep#1009')!;
  const ops = ev.filter((e) => e.ph === 'X' && e.cat === 'cpu_op' && e.tid === step.tid && e.pid === step.pid && e.ts! >= step.ts! && e.ts! + e.dur! <= step.ts! + step.dur!);
  const top = ops.filter((o) => !ops.some((p) => p !== o && p.ts! <= o.ts! && p.ts! + p.dur! >= o.ts! + o.dur! && p.dur! > o.dur!));
  const want = top.filter((o) => o.name === name).reduce((s, o) => s + o.dur!, 0);
  expect(want).toBeGreaterThan(0);
  const m = /^([\d.]+) (ns|µs|ms|s)$/.exec(hostA.trim())!;
  const shown = Number(m[1]) * { ns: 1e-3, 'µs': 1, ms: 1e3, s: 1e6 }[m[2] as 'ns' | 'µs' | 'ms' | 's'];
  expect(Math.abs(shown - want) / want).toBeLessThan(0.01); // three significant digits
  // A click selects A's instance.
  await first.click();
  await expect.poll(async () => (await apiState(page)).selection?.name).toBe(name);
  expect((await apiState(page)).selection!.trace).toBe(a!.id);
});

test('the permalink carries both runs, the alignment, the link toggle and the view', async ({ page, context }) => {
  // The two runs as a served folder would serve them.
  await context.route((url) => url.pathname.startsWith('/trace/runs/'), (route) =>
    route.fulfill({ status: 200, contentType: 'application/gzip', body: readFileSync(TRACES + decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop()!)) }));
  await page.goto(`/?trace=/trace/runs/${BASE}&cmp=/trace/runs/${TEST}`);
  await page.waitForFunction(() => window.kinetoscope.state().traces.length === 2, null, { timeout: 60_000 });
  await page.evaluate(() => window.kinetoscope.align({ step: 'ProfilerStep#1010' }));
  await page.getByTestId('align-step-b').selectOption('ProfilerStep#1009');
  await page.getByTestId('link-toggle').uncheck();
  await page.evaluate(() => window.kinetoscope.setView(100_000.125, 101_000.5));
  const cmp = await page.evaluate(() => window.kinetoscope.compare());
  expect(cmp!.aligned).toBe('step');
  const link = await settledLink(page);
  const q = new URL(link).searchParams;
  expect(q.get('align')).toBe('step');
  expect(q.get('astep')).toBe('ProfilerStep#1010');
  expect(q.get('bstep')).toBe('ProfilerStep#1009');
  expect(q.get('link')).toBe('0');

  const b = await context.newPage();
  await b.goto(link);
  await b.waitForFunction(() => window.kinetoscope.state().traces.length === 2, null, { timeout: 60_000 });
  await expect.poll(() => b.evaluate(() => window.kinetoscope.compare())).toEqual(cmp);
  const s = await apiState(b);
  expect(Math.abs(s.view.start - 100_000.125)).toBeLessThanOrEqual(1e-3);
  expect(Math.abs(s.view.end - 101_000.5)).toBeLessThanOrEqual(1e-3);
  await expect(b.getByTestId('link-toggle')).not.toBeChecked();
  await expect(b.getByTestId('compare-note')).toContainText('ProfilerStep#1010 (A) and ProfilerStep#1009 (B)');
  await expect(b.getByTestId('align-step-b')).toHaveValue('ProfilerStep#1009');
  // A link of before (no alignment fields) still opens both at their starts.
  const c = await context.newPage();
  await c.goto(`/?trace=/trace/runs/${BASE}&cmp=/trace/runs/${TEST}`);
  await c.waitForFunction(() => window.kinetoscope.state().traces.length === 2, null, { timeout: 60_000 });
  expect(await c.evaluate(() => window.kinetoscope.compare())).toEqual({ aligned: 'start', offsetUs: 0 });
});
