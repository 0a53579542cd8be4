// Permalinks: the address bar is the view. A link opened on a fresh page restores the window,
// selection, range and drawer tab; Back/Forward walk through steps; a reload keeps the view; a
// malformed field is reported, never a blank page; a trace a link cannot reach is named and can
// be opened by hand.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { apiState, dropFile, openApp, TRACES, waitForTrace, type ApiState, settledLink } from './helpers/viewer.ts';

const DEMO = 'demo/resnet50.pt.trace.json.gz';
const DEMO_NAME = 'resnet50.pt.trace.json.gz';
const RULER = 24;
// A second trace as a served folder would serve it (GET /trace/<path>), through a route.
const SERVED = 'hta__rank-34.Jul_15_10_52_41.1074.pt.trace.json.gz';
const SERVED_PATH = '/trace/run%20b/rank0.pt.trace.json.gz';

interface Ev { ph?: string; name?: string; ts?: number; dur?: number }

/** The nth (by start) complete event named `name` of the demo trace, read plainly. */
function demoEvent(name: string, nth: number): Ev {
  const j = JSON.parse(gunzipSync(readFileSync('public/' + DEMO)).toString('utf8')) as { traceEvents: Ev[] };
  const hits = j.traceEvents.filter((e) => e.ph === 'X' && e.name === name).sort((a, b) => a.ts! - b.ts!);
  return hits[nth]!;
}

async function serveSecond(context: BrowserContext): Promise<void> {
  await context.route((url) => url.pathname.startsWith('/trace/run%20b/'), (route) => route.fulfill({ status: 200, contentType: 'application/gzip', body: readFileSync(TRACES + SERVED) }));
}

async function canvasBox(page: Page) {
  const box = await page.getByTestId('timeline-canvas').boundingBox();
  if (!box) throw new Error('no canvas');
  return box;
}

/** Waits until the address bar holds what permalink() gives (the view is written throttled). */
function expectSameView(a: ApiState, b: ApiState): void {
  expect(Math.abs(b.view.start - a.view.start)).toBeLessThanOrEqual(1e-3);
  expect(Math.abs(b.view.end - a.view.end)).toBeLessThanOrEqual(1e-3);
}

async function selectedTab(page: Page): Promise<string | null> {
  return page.locator('[role="tab"][aria-selected="true"]').textContent();
}

/** ?trace= the demo; a zoomed window, a selection, a range dragged on the ruler, the Operators tab. */
async function navigateDemo(page: Page): Promise<ApiState> {
  await page.goto(`/?trace=${DEMO}`);
  await waitForTrace(page, DEMO_NAME);
  // A v0 link (no v=) is rewritten as the version 1 link of the view, in place.
  await expect.poll(() => page.url()).toContain('?v=1&trace=demo/resnet50.pt.trace.json.gz&view=');
  expect(await page.evaluate(() => window.kinetoscope.select({ name: 'aten::conv2d', nth: 3 }))).toBe(true);
  const sel = (await apiState(page)).selection!;
  // A window of odd fractions around the selection: the link must keep it to the ns.
  await page.evaluate(([s, d]) => window.kinetoscope.setView(s - 123.4567891, s + d + 210.9876543), [sel.start, sel.dur]);
  const box = await canvasBox(page);
  await page.mouse.move(box.x + 300, box.y + RULER / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 500, box.y + RULER / 2, { steps: 5 });
  await page.mouse.up();
  await page.getByRole('tab', { name: 'Operators' }).click();
  const s = await apiState(page);
  expect(s.range).not.toBeNull();
  return s;
}

test('a ?trace= view comes back from its permalink on a new page: window, selection, range, tab', async ({ page, context }) => {
  const a = await navigateDemo(page);
  const conv = demoEvent('aten::conv2d', 3);
  expect(a.selection!.dur).toBe(conv.dur);
  const link = await settledLink(page);
  const q = new URL(link).searchParams;
  expect(q.get('v')).toBe('1');
  expect(q.get('trace')).toBe(DEMO);
  expect(q.get('sname')).toBe('aten::conv2d');
  expect(q.get('tab')).toBe('operators');
  // References and view state only: nothing else of the trace.
  expect([...q.keys()].sort()).toEqual(['range', 'sel', 'sname', 'spid', 'stid', 'tab', 'trace', 'v', 'view']);
  expect(Number(q.get('sel'))).toBeCloseTo(a.selection!.start, 3);

  const b = await context.newPage();
  await b.goto(link);
  await waitForTrace(b, DEMO_NAME);
  await expect.poll(async () => (await apiState(b)).selection?.name).toBe('aten::conv2d');
  const s = await apiState(b);
  expectSameView(a, s);
  expect(s.selection!.start).toBeCloseTo(a.selection!.start, 3);
  expect(s.selection!.dur).toBe(conv.dur);
  expect(s.selection!.track).toBe(a.selection!.track);
  expect(Math.abs(s.range!.start - a.range!.start)).toBeLessThanOrEqual(1e-3);
  expect(Math.abs(s.range!.end - a.range!.end)).toBeLessThanOrEqual(1e-3);
  expect(await selectedTab(b)).toBe('Operators');
  await expect(b.getByTestId('details')).toContainText('aten::conv2d');
  await expect(b.getByTestId('notice')).toHaveCount(0);
  // The new page's own address is that link again.
  expect(await settledLink(b)).toBe(link);
});

test('Back and Forward walk through the steps without reloading the trace', async ({ page }) => {
  await page.goto(`/?trace=${DEMO}`);
  await waitForTrace(page, DEMO_NAME);
  const id = (await apiState(page)).traces[0]!.id;
  await page.evaluate(() => window.kinetoscope.select({ name: 'aten::conv2d', nth: 0 }));
  await settledLink(page);
  await page.waitForTimeout(450); // apart from the next step (steps closer than 0.4 s make one entry)
  await page.evaluate(() => window.kinetoscope.select({ name: 'aten::conv2d', nth: 5 }));
  await page.waitForTimeout(450);
  await page.getByRole('tab', { name: 'Search' }).click();
  const last = await settledLink(page);
  const firstStart = demoEvent('aten::conv2d', 0).ts!;
  const sixthStart = demoEvent('aten::conv2d', 5).ts!;

  await page.goBack();
  await expect.poll(() => selectedTab(page)).toBe('Overview'); // a trace with GPU work opens on the Overview
  let s = await apiState(page);
  expect(s.selection!.name).toBe('aten::conv2d');
  const at5 = s.selection!.start;
  await page.goBack();
  await expect.poll(async () => (await apiState(page)).selection?.start).toBeCloseTo(at5 - (sixthStart - firstStart), 3);
  await page.goForward();
  await expect.poll(async () => (await apiState(page)).selection?.start).toBeCloseTo(at5, 3);
  await page.goForward();
  await expect.poll(() => selectedTab(page)).toBe('Search');
  expect(page.url()).toBe(last);
  s = await apiState(page);
  expect(s.traces.map((t) => t.id)).toEqual([id]);
});

test('a reload keeps the view', async ({ page }) => {
  await page.goto(`/?trace=${DEMO}`);
  await waitForTrace(page, DEMO_NAME);
  // Zoom with the keyboard, as a user would; the address follows.
  await page.getByTestId('timeline-canvas').click({ position: { x: 5, y: RULER + 2 } });
  for (let i = 0; i < 6; i++) await page.keyboard.press('w');
  await page.keyboard.press('d');
  await settledLink(page);
  const a = await apiState(page);
  await page.reload();
  await waitForTrace(page, DEMO_NAME);
  await expect.poll(async () => (await apiState(page)).view.end - a.view.end).toBeLessThanOrEqual(1e-3);
  expectSameView(a, await apiState(page));
});

test('a malformed or unknown field is ignored with a notice; the rest of the link still works', async ({ page }) => {
  await page.goto(`/?v=1&trace=${DEMO}&view=abc,1&tab=flames&range=10,20&zoom=2`);
  await waitForTrace(page, DEMO_NAME);
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText('view=abc,1 (not two times in µs, start before end)');
  await expect(notice).toContainText('tab=flames');
  await expect(notice).toContainText('zoom (not a field of this version)');
  const s = await apiState(page);
  expect(s.range).toEqual({ start: 10, end: 20 });
  expect(s.view.end).toBeGreaterThan(s.view.start);
  await expect(page.getByTestId('timeline-canvas')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('malformed-notice.png') });
});

test('a compare pair (one trace served like a folder\'s) comes back with both traces and the view', async ({ page, context }) => {
  await serveSecond(context);
  await page.goto(`/?trace=${DEMO}&cmp=${SERVED_PATH}`);
  await page.waitForFunction(() => window.kinetoscope.state().traces.length === 2, null, { timeout: 60_000 });
  await page.evaluate(() => window.kinetoscope.select({ name: 'aten::conv2d', nth: 2 }));
  await page.evaluate(() => window.kinetoscope.setView(1000.0005, 25000.25));
  const a = await apiState(page);
  const link = await settledLink(page);
  expect(new URL(link).searchParams.get('cmp')).toBe('/trace/run b/rank0.pt.trace.json.gz');

  const b = await context.newPage();
  await b.goto(link);
  await b.waitForFunction(() => window.kinetoscope.state().traces.length === 2, null, { timeout: 60_000 });
  await expect.poll(async () => (await apiState(b)).selection?.name).toBe('aten::conv2d');
  const s = await apiState(b);
  expect(s.traces.map((t) => t.name)).toEqual(a.traces.map((t) => t.name));
  expectSameView(a, s);
  expect(s.selection!.start).toBeCloseTo(a.selection!.start, 3);
});

test('a link to a trace that cannot be reached names it and opens it by hand, then the view', async ({ page, context }) => {
  await context.route((url) => url.pathname.startsWith('/gone/'), (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not Found' }));
  // The demo's view, but its trace now at an address that answers 404.
  const a = await navigateDemo(page);
  const link = (await settledLink(page)).replace(`trace=${DEMO}`, `trace=/gone/${DEMO_NAME}`);
  const b = await context.newPage();
  await b.goto(link);
  const wait = b.getByTestId('link-wait');
  await expect(wait).toContainText(`This link shows a view of ${DEMO_NAME}`);
  await expect(b.getByTestId('error')).toContainText('not found (HTTP 404)');
  // The address keeps the link while it waits.
  expect(b.url()).toBe(link);
  await b.screenshot({ path: test.info().outputPath('link-wait.png') });
  const chooser = b.waitForEvent('filechooser');
  await wait.getByRole('button', { name: 'Open the file…' }).click();
  await (await chooser).setFiles('public/' + DEMO);
  await waitForTrace(b, DEMO_NAME);
  await expect.poll(async () => (await apiState(b)).selection?.name).toBe('aten::conv2d');
  const s = await apiState(b);
  expectSameView(a, s);
  expect(Math.abs(s.range!.start - a.range!.start)).toBeLessThanOrEqual(1e-3);
  expect(await selectedTab(b)).toBe('Operators');
  await expect(wait).toHaveCount(0);
});

test('a dropped trace\'s link names the file; on another browser it asks for it, then restores the view', async ({ page, browser }) => {
  const file = 'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz';
  await openApp(page);
  await dropFile(page, TRACES + file);
  await waitForTrace(page, file);
  await page.evaluate(() => window.kinetoscope.select({ name: 'aten::conv2d', nth: 1 }));
  await page.evaluate(() => window.kinetoscope.setView(2000.125, 3000.5));
  const a = await apiState(page);
  const link = await settledLink(page);
  expect(new URL(link).searchParams.get('tname')).toBe(file);

  // Another browser: no library, no file.
  const other = await browser.newContext();
  const b = await other.newPage();
  await b.goto(link);
  const wait = b.getByTestId('link-wait');
  await expect(wait).toContainText(`This link shows a view of ${file}`);
  await expect(wait.getByRole('button', { name: 'Open the file…' })).toBeVisible();
  const chooser = b.waitForEvent('filechooser');
  await wait.getByRole('button', { name: 'Open the file…' }).click();
  await (await chooser).setFiles(TRACES + file);
  await waitForTrace(b, file);
  await expect.poll(async () => (await apiState(b)).selection?.name).toBe('aten::conv2d');
  const s = await apiState(b);
  expectSameView(a, s);
  expect(s.selection!.start).toBeCloseTo(a.selection!.start, 3);
  await other.close();
});

test('Copy link puts the view\'s link in the clipboard; refused, it shows the link selected', async ({ page, context }) => {
  await page.goto(`/?trace=${DEMO}`);
  await waitForTrace(page, DEMO_NAME);
  await page.evaluate(() => window.kinetoscope.setView(100, 200));
  const link = await page.evaluate(() => window.kinetoscope.permalink());
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('copy-link')).toHaveText('Link copied ✓');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

  // L does the same, here with the clipboard refused: the link shows, selected, for Ctrl+C.
  await page.evaluate(() => {
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) } });
  });
  await page.getByTestId('timeline-canvas').click({ position: { x: 5, y: RULER + 2 } });
  await page.keyboard.press('l');
  const text = page.getByTestId('copy-link-text');
  await expect(text).toHaveValue(link);
  expect(await text.evaluate((el: HTMLInputElement) => [el.selectionStart, el.selectionEnd, document.activeElement === el])).toEqual([0, link.length, true]);
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
    await page.screenshot({ path: test.info().outputPath(`copy-link-${theme}.png`) });
  }
  await text.press('Escape');
  await expect(page.getByTestId('copy-link-popover')).toHaveCount(0);
  // Esc closed only the popover: the view and the page are as they were.
  expect((await apiState(page)).view).toEqual({ start: 100, end: 200 });
});
