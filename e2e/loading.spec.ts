// While a trace loads: the timeline is already laid out (the first frame must not wait for a
// canvas to be created and sized, nor be painted twice when the progress bar goes away), the
// progress bar floats over it, and the keyboard focus is on Cancel.

import { expect, test } from '@playwright/test';
import { dropBigTrace, openApp, waitForTrace } from './helpers/viewer.ts';


test('while a trace loads the timeline is laid out: its canvas keeps its size when the load ends, and Cancel has the focus', async ({ page }) => {
  await openApp(page);
  // Before any trace the canvas is already laid out, hidden under the empty page.
  const canvas = page.getByTestId('timeline-canvas');
  await expect(canvas).toBeHidden();
  await expect(page.getByRole('button', { name: 'Open a trace…' })).toBeVisible();
  const size = (): Promise<number[]> => canvas.evaluate((c: HTMLCanvasElement) => [c.clientWidth, c.clientHeight, c.width, c.height]);
  const before = await size();
  expect(before[0]).toBeGreaterThan(300);
  const events = 500_000;
  await dropBigTrace(page, 'big.json', events);

  const progress = page.getByTestId('progress');
  await expect(progress).toBeVisible();
  await expect(canvas).toBeVisible();
  await expect(canvas).toHaveAttribute('aria-label', 'Timeline: loading big.json');
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeFocused();
  const during = await size();
  expect(during).toEqual(before);
  await page.screenshot({ path: test.info().outputPath('loading.png') });
  // The bar floats: it covers neither the time ruler nor the top of the canvas.
  const bar = (await progress.boundingBox())!;
  const box = (await canvas.boundingBox())!;
  expect(bar.y).toBeGreaterThan(box.y + box.height / 2);

  const state = await waitForTrace(page, 'big.json');
  expect(state.traces[0]!.summary.events.total).toBe(events);
  await expect(progress).toBeHidden();
  expect(await size()).toEqual(during);
  await expect(canvas).toHaveAttribute('aria-label', /^Timeline of big\.json: /);
});

test('Cancel stops a load and leaves the page as it was before it', async ({ page }) => {
  await openApp(page);
  await dropBigTrace(page, 'cancelled.json', 1_500_000);
  await expect(page.getByTestId('progress')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('error')).toContainText('cancelled');
  await expect(page.getByTestId('progress')).toBeHidden();
  // nothing was loaded: the empty page is back, with its way to open a trace, and the
  // timeline hidden under it, still laid out for the next load
  const canvas = page.getByTestId('timeline-canvas');
  await expect(canvas).toHaveCount(1);
  await expect(canvas).toBeHidden();
  expect(await canvas.evaluate((c: HTMLCanvasElement) => c.clientWidth)).toBeGreaterThan(300);
  await expect(page.getByRole('button', { name: 'Open a trace…' })).toBeVisible();
  expect((await page.evaluate(() => window.kinetoscope.state())).traces).toEqual([]);
});
