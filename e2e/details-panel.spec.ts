// The details panel's frame: drag its left edge (or use the keyboard on it) to resize it,
// collapse it to give the timeline the room, and find it as it was after a reload.

import { expect, test, type Page } from '@playwright/test';
import { dropFile, openApp, TRACES, waitForTrace } from './helpers/viewer.ts';

const TRACE = 'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz';

async function open(page: Page) {
  await openApp(page);
  await dropFile(page, TRACES + TRACE);
  await waitForTrace(page, TRACE);
}

const width = async (page: Page, testId: string) => (await page.getByTestId(testId).boundingBox())!.width;
/** The canvas's backing store follows its box (the renderer's ResizeObserver). */
const canvasPixels = (page: Page) => page.getByTestId('timeline-canvas').evaluate((c) => (c as HTMLCanvasElement).width);

test('drag the panel edge to resize it; collapse it; a reload keeps both', async ({ page }) => {
  await open(page);
  expect(await page.evaluate(() => window.kinetoscope.select({ name: 'aten::conv2d' }))).toBe(true);
  const panel0 = await width(page, 'details');
  const canvas0 = await width(page, 'timeline-canvas');
  expect(panel0).toBe(340);
  await page.screenshot({ path: test.info().outputPath('panel-340-light.png') });

  const handle = page.getByTestId('details-handle');
  const h = (await handle.boundingBox())!;
  await page.mouse.move(h.x + h.width / 2, h.y + 200);
  await page.mouse.down();
  await page.mouse.move(h.x + h.width / 2 - 60, h.y + 200, { steps: 4 });
  await page.mouse.move(h.x + h.width / 2 - 120, h.y + 200, { steps: 4 });
  await page.mouse.up();
  expect(await width(page, 'details')).toBe(panel0 + 120);
  expect(await width(page, 'timeline-canvas')).toBe(canvas0 - 120);
  await expect(handle).toHaveAttribute('aria-valuenow', String(panel0 + 120));
  await expect.poll(() => canvasPixels(page)).toBe(canvas0 - 120);

  // By keyboard: the separator takes ←/→ (16 px a step) and leaves the selection alone.
  const selected = await page.evaluate(() => window.kinetoscope.state().selection);
  await handle.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  expect(await width(page, 'details')).toBe(panel0 + 120 - 32);
  expect(await page.evaluate(() => window.kinetoscope.state().selection)).toEqual(selected);

  await page.getByTestId('theme-button').or(page.getByRole('button', { name: 'Switch light/dark theme' })).first().click();
  await page.waitForTimeout(100);
  await page.screenshot({ path: test.info().outputPath('panel-wide-dark.png') });

  const wide = await width(page, 'timeline-canvas');
  await page.getByRole('button', { name: 'Hide the details panel' }).click();
  const collapsed = await width(page, 'details');
  expect(collapsed).toBeLessThan(40);
  expect(await width(page, 'timeline-canvas')).toBe(wide + (panel0 + 120 - 32) - collapsed);
  await expect(page.getByTestId('details').getByRole('heading', { level: 2 })).toBeHidden();
  await page.screenshot({ path: test.info().outputPath('panel-collapsed-dark.png') });

  await page.reload();
  await page.waitForFunction(() => typeof window.kinetoscope?.open === 'function');
  await dropFile(page, TRACES + TRACE);
  await waitForTrace(page, TRACE);
  await expect(page.getByRole('button', { name: 'Show the details panel' })).toHaveAttribute('aria-expanded', 'false');
  expect(await width(page, 'details')).toBe(collapsed);
  await page.getByRole('button', { name: 'Show the details panel' }).click();
  expect(await width(page, 'details')).toBe(panel0 + 120 - 32);
});

test('the panel cannot be dragged narrower than its minimum or past the timeline', async ({ page }) => {
  await open(page);
  const h = (await page.getByTestId('details-handle').boundingBox())!;
  await page.mouse.move(h.x + 3, h.y + 100);
  await page.mouse.down();
  await page.mouse.move(h.x + 1000, h.y + 100, { steps: 5 });
  await page.mouse.up();
  expect(await width(page, 'details')).toBe(220);
  const h2 = (await page.getByTestId('details-handle').boundingBox())!;
  await page.mouse.move(h2.x + 3, h2.y + 100);
  await page.mouse.down();
  await page.mouse.move(0, h2.y + 100, { steps: 5 });
  await page.mouse.up();
  expect(await width(page, 'details')).toBe(Math.min(900, 1280 - 480)); // the timeline keeps 480 px
  await page.screenshot({ path: test.info().outputPath('panel-max-light.png') });
});
