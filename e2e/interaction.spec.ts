// The rest of the timeline's behaviour as a user meets it: collapsing a process, the
// hover tooltip, selecting a range on the ruler, the shortcut list, themes, device pixel
// ratio, resizing, and the canvas's text alternative.

import { expect, test, type Page } from '@playwright/test';
import { apiState, comparePngs, openCorpusTrace } from './helpers/viewer.ts';

const TRACE = 'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz';
const RULER = 24;

const open = (page: Page) => openCorpusTrace(page, TRACE);

test('a process collapses to a summary row and expands again', async ({ page }) => {
  const box = await open(page);
  const toggle = page.locator('button.kt-header-toggle').first();
  const before = await page.locator('.kt-header-track').count();
  const clip = { x: Math.round(box.x), y: Math.round(box.y), w: Math.round(box.width), h: Math.round(box.height) };
  const open1 = await page.screenshot();
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  expect(await page.locator('.kt-header-track').count()).toBeLessThan(before);
  await page.waitForTimeout(100);
  const closed = await page.screenshot({ path: test.info().outputPath('collapsed.png') });
  expect((await comparePngs(page, open1, closed, clip)).changed).toBeGreaterThan(1000);
  await toggle.press('Enter'); // reachable and operable by keyboard
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  expect(await page.locator('.kt-header-track').count()).toBe(before);
});

test('hovering a slice shows its name, start and duration', async ({ page }) => {
  const box = await open(page);
  const tooltip = page.locator('.kt-tooltip');
  // The first CPU thread's top row holds ProfilerStep#N ranges across the trace (a memory
  // counter may sit above it in its process).
  const thread = (await page.evaluate(() => window.kinetoscope.trackBoxes())).find((b) => b.kind === 'thread')!;
  let shown = false;
  for (let x = box.x + 40; x < box.x + box.width - 40 && !shown; x += 40) {
    await page.mouse.move(x, box.y + thread.y + 9);
    shown = await tooltip.isVisible();
  }
  expect(shown).toBe(true);
  await expect(tooltip).toContainText(/ProfilerStep#\d+/);
  await expect(tooltip).toContainText(/duration/);
  await expect(tooltip).toContainText(/\d+(\.\d+)? (s|ms|µs|ns)/);
});

test('dragging on the ruler selects a time range', async ({ page }) => {
  const box = await open(page);
  expect((await apiState(page)).range).toBeNull();
  await page.mouse.move(box.x + 200, box.y + RULER / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 300, box.y + RULER / 2, { steps: 5 });
  await page.mouse.move(box.x + 400, box.y + RULER / 2, { steps: 5 });
  await page.mouse.up();
  const s = await apiState(page);
  expect(s.range).not.toBeNull();
  const span = s.view.end - s.view.start;
  // 200 px of a canvas showing `span` µs over its width.
  expect(s.range!.end - s.range!.start).toBeCloseTo((200 / box.width) * span, -2);
  await page.keyboard.press('Escape');
  expect((await apiState(page)).range).toBeNull();
});

test('? lists the shortcuts; the canvas describes the visible window', async ({ page }) => {
  await open(page);
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('zoom in / out at the mouse');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  const label = await page.getByTestId('timeline-canvas').getAttribute('aria-label');
  expect(label).toMatch(/\d/);
  expect(label).not.toBe('Timeline');
});

test('light and dark themes switch the page and the canvas', async ({ page }) => {
  const box = await open(page);
  const clip = { x: Math.round(box.x + box.width - 60), y: Math.round(box.y + box.height - 60), w: 40, h: 40 };
  const theme0 = await page.evaluate(() => document.documentElement.dataset.theme);
  const a = await page.screenshot();
  await page.getByRole('button', { name: 'Switch light/dark theme' }).click();
  await page.waitForTimeout(100);
  const theme1 = await page.evaluate(() => document.documentElement.dataset.theme);
  expect(theme1).not.toBe(theme0);
  const b = await page.screenshot({ path: test.info().outputPath(`theme-${theme1}.png`) });
  // The empty lower right of the canvas is background: every pixel changes with the theme.
  expect((await comparePngs(page, a, b, clip)).changed).toBe(40 * 40);
});

test('the canvas is crisp at 2× and follows resizes', async ({ browser }) => {
  const context = await browser.newContext({ deviceScaleFactor: 2, viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  await open(page);
  const size = () => page.getByTestId('timeline-canvas').evaluate((c: HTMLCanvasElement) => ({ w: c.width, cw: c.clientWidth, h: c.height, ch: c.clientHeight }));
  const s1 = await size();
  expect(s1.w).toBe(s1.cw * 2);
  expect(s1.h).toBe(s1.ch * 2);
  await page.setViewportSize({ width: 800, height: 600 });
  await expect.poll(async () => (await size()).cw).toBeLessThan(s1.cw);
  const s2 = await size();
  expect(s2.w).toBe(s2.cw * 2);
  await context.close();
});
