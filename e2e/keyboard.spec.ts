// A keyboard user's journey: shortcuts that keep working after clicking a toolbar control,
// dialogs that Esc closes and that take and give back focus, F on a time range, and moving
// between slices with the arrow keys (checked against a plain scan of the trace's JSON).

import { expect, test, type Page } from '@playwright/test';
import { readTraceText } from '../src/testing/read-trace-node.ts';
import { apiState, openCorpusTrace, TRACES } from './helpers/viewer.ts';

const TRACE = 'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz';
const RULER = 24;

const open = (page: Page) => openCorpusTrace(page, TRACE);

const activeInside = (page: Page, selector: string) =>
  page.evaluate((sel) => document.querySelector(sel)?.contains(document.activeElement) ?? false, selector);

test('after clicking the All flows checkbox, D still pans and Space still toggles it', async ({ page }) => {
  await open(page);
  const box = page.getByRole('checkbox', { name: 'All flows' });
  await box.click();
  await expect(box).toBeChecked();
  await expect(box).toBeFocused();
  const before = (await apiState(page)).view;
  await page.keyboard.press('w'); // zoom in first: the whole trace cannot pan
  await page.keyboard.press('d');
  const after = (await apiState(page)).view;
  expect(after.end - after.start).toBeLessThan(before.end - before.start);
  expect(after.start).toBeGreaterThan(before.start);
  await page.keyboard.press(' ');
  await expect(box).not.toBeChecked();
});

test('Esc closes the load report and the help; focus moves in and comes back', async ({ page }) => {
  await open(page);
  const button = page.getByTestId('report-button');
  await button.focus();
  await page.keyboard.press('Enter');
  const report = page.getByRole('dialog', { name: 'Load report' });
  await expect(report).toBeVisible();
  expect(await activeInside(page, '[data-testid="load-report"]')).toBe(true);
  // Tab stays in the dialog.
  for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
  expect(await activeInside(page, '[data-testid="load-report"]')).toBe(true);
  await page.keyboard.press('Escape');
  await expect(report).toBeHidden();
  await expect(button).toBeFocused();

  const canvas = page.getByTestId('timeline-canvas');
  await canvas.focus();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help.getByRole('button', { name: 'Close' })).toBeFocused();
  await expect(help).toContainText('parent / first child slice');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await expect(canvas).toBeFocused();
});

test('F with a time range selected fits the range, even with a slice selected before', async ({ page }) => {
  const box = await open(page);
  expect(await page.evaluate(() => window.kinetoscope.select({ name: 'aten::conv2d' }))).toBe(true);
  await page.mouse.move(box.x + 300, box.y + RULER / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 400, box.y + RULER / 2, { steps: 5 });
  await page.mouse.move(box.x + 500, box.y + RULER / 2, { steps: 5 });
  await page.mouse.up();
  const { range } = await apiState(page);
  expect(range).not.toBeNull();
  await page.keyboard.press('f');
  const { view } = await apiState(page);
  expect(view.start).toBeLessThanOrEqual(range!.start);
  expect(view.end).toBeGreaterThanOrEqual(range!.end);
  expect(view.end - view.start).toBeLessThan((range!.end - range!.start) * 1.25);
});

interface Ev {
  name: string;
  ts: number;
  dur: number;
  order: number;
}

/** The X events and thread instants of one thread, each with its nesting depth (a plain stack). */
function threadRows(events: Record<string, unknown>[], pid: string, tid: string): (Ev & { depth: number })[] {
  const evs: Ev[] = [];
  events.forEach((e, order) => {
    if (String(e.pid) !== pid || String(e.tid) !== tid) return;
    if (e.ph === 'X') evs.push({ name: e.name as string, ts: Number(e.ts), dur: Number(e.dur), order });
    else if (e.ph === 'i' && e.s === 't') evs.push({ name: e.name as string, ts: Number(e.ts), dur: 0, order });
  });
  evs.sort((a, b) => a.ts - b.ts || b.dur - a.dur || a.order - b.order);
  const ends: number[] = [];
  return evs.map((e) => {
    while (ends.length > 0 && ends[ends.length - 1]! <= e.ts) ends.pop();
    const depth = ends.length;
    ends.push(e.ts + e.dur);
    return { ...e, depth };
  });
}

test('arrow keys walk parent, first child and siblings, as the JSON nests them, and announce it', async ({ page }) => {
  await open(page);
  const events = (JSON.parse(await readTraceText(TRACES + TRACE)) as { traceEvents: Record<string, unknown>[] }).traceEvents;
  const first = events.filter((e) => e.ph === 'X' && e.name === 'aten::conv2d').sort((a, b) => Number(a.ts) - Number(b.ts))[0]!;
  const rows = threadRows(events, String(first.pid), String(first.tid));
  const at = rows.findIndex((e) => e.name === 'aten::conv2d' && e.ts === Number(first.ts));
  const me = rows[at]!;
  // Parent: the last event before it one level up. First child: the next event one level down.
  let p = at - 1;
  while (rows[p]!.depth !== me.depth - 1) p--;
  const parent = rows[p]!;
  const child = rows[at + 1]!;
  expect(child.depth).toBe(me.depth + 1);
  let n = at + 1;
  while (rows[n]!.depth !== me.depth) n++;
  const next = rows[n]!;

  expect(await page.evaluate(() => window.kinetoscope.select({ name: 'aten::conv2d' }))).toBe(true);
  const s0 = (await apiState(page)).selection!;
  await page.getByTestId('timeline-canvas').focus();

  await page.keyboard.press('ArrowUp');
  const up = (await apiState(page)).selection!;
  expect([up.name, up.dur]).toEqual([parent.name, parent.dur]);
  expect(s0.start - up.start).toBeCloseTo(me.ts - parent.ts, 3);
  await expect(page.locator('[aria-live="polite"]')).toContainText(`Selected ${parent.name}`);
  // The view shows it (it may have panned).
  const { view } = await apiState(page);
  expect(up.start + up.dur).toBeGreaterThanOrEqual(view.start);
  expect(up.start).toBeLessThanOrEqual(view.end);

  await page.keyboard.press('ArrowDown'); // the parent's first child
  const firstOfParent = rows[p + 1]!;
  expect(firstOfParent.depth).toBe(parent.depth + 1);
  const back = (await apiState(page)).selection!;
  expect([back.name, back.dur]).toEqual([firstOfParent.name, firstOfParent.dur]);
  expect(back.start - up.start).toBeCloseTo(firstOfParent.ts - parent.ts, 3);

  const reselect = () => page.evaluate(() => window.kinetoscope.select({ name: 'aten::conv2d' }));
  await reselect();
  await page.keyboard.press('ArrowDown');
  const down = (await apiState(page)).selection!;
  expect([down.name, down.dur]).toEqual([child.name, child.dur]);
  expect(down.start - s0.start).toBeCloseTo(child.ts - me.ts, 3);

  await reselect();
  await page.keyboard.press('ArrowRight');
  const right = (await apiState(page)).selection!;
  expect([right.name, right.dur]).toEqual([next.name, next.dur]);
  expect(right.start - s0.start).toBeCloseTo(next.ts - me.ts, 3);
  await page.keyboard.press('ArrowLeft');
  expect((await apiState(page)).selection).toEqual(s0);
  await expect(page.getByTestId('details').getByRole('heading', { level: 2 })).toHaveText('aten::conv2d');
});
