// The timeline on a real GPU trace: what is drawn (checked in pixels), navigation by
// keyboard and wheel, selection with its flow arrow, and bad drops that keep the trace.

import { expect, test, type Page } from '@playwright/test';
import { apiState, comparePngs, dropBytes, dropFile, openApp, TRACES, waitForTrace } from './helpers/viewer.ts';

const GPU_TRACE = 'hta__benchmark_simple_add_trace.json.gz';
const RESNET = 'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz';

async function canvasBox(page: Page) {
  const box = await page.locator('canvas').first().boundingBox();
  if (!box) throw new Error('no canvas');
  return box;
}

test('a GPU trace shows GPU stream tracks, nested CPU slices and colour', async ({ page }) => {
  await openApp(page);
  await dropFile(page, TRACES + RESNET);
  await waitForTrace(page, RESNET);
  const tracks = await page.evaluate(() => window.kinetoscope.tracks());
  expect(tracks.some((t) => t.kind === 'gpu' && /^stream \d+/.test(t.name))).toBe(true);
  expect(tracks.some((t) => t.kind === 'thread' && t.rows >= 3)).toBe(true);
  await expect(page.getByText(/^GPU 0/).first()).toBeVisible();
  await expect(page.getByText(/stream 7/).first()).toBeVisible();
  const png = await page.screenshot({ path: test.info().outputPath('resnet-whole.png') });
  const box = await canvasBox(page);
  const { distinct } = await comparePngs(page, png, null, { x: Math.round(box.x), y: Math.round(box.y), w: Math.round(box.width), h: Math.round(box.height) });
  expect(distinct).toBeGreaterThan(20);
});

test('selecting a kernel draws its flow arrow from the launch', async ({ page }) => {
  await openApp(page);
  await dropFile(page, TRACES + GPU_TRACE);
  await waitForTrace(page, GPU_TRACE);
  const kernel = 'void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)';
  // Zoom to the launch and its kernel so both ends are on screen.
  const sel = await page.evaluate((k) => {
    window.kinetoscope.select({ name: k, nth: 0 });
    return window.kinetoscope.state().selection;
  }, kernel);
  expect(sel?.name).toBe(kernel);
  const launch = await page.evaluate(() => {
    window.kinetoscope.select({ name: 'cudaLaunchKernel', nth: 0 });
    return window.kinetoscope.state().selection!;
  });
  await page.evaluate(({ a, b }) => window.kinetoscope.setView(a - 20, b + 20), { a: launch.start, b: sel!.start + sel!.dur });
  await page.evaluate((k) => window.kinetoscope.select({ name: k, nth: 0 }), kernel);
  await page.waitForTimeout(100);
  const withSel = await page.screenshot({ path: test.info().outputPath('kernel-selected.png') });
  await page.keyboard.press('Escape');
  await page.waitForTimeout(100);
  const withoutSel = await page.screenshot({ path: test.info().outputPath('kernel-cleared.png') });
  // The arrow (and the selection outline) are the only difference between the two frames.
  const box = await canvasBox(page);
  const clip = { x: Math.round(box.x), y: Math.round(box.y), w: Math.round(box.width), h: Math.round(box.height) };
  const { changed, changedRows } = await comparePngs(page, withSel, withoutSel, clip);
  expect(changed).toBeGreaterThan(50);
  // An arrow from a CPU thread down to the GPU stream spans many pixel rows.
  expect(changedRows).toBeGreaterThan(40);
  expect((await apiState(page)).selection).toBeNull();
});

test('keyboard and wheel navigation change the view', async ({ page }) => {
  await openApp(page);
  await dropFile(page, TRACES + RESNET);
  await waitForTrace(page, RESNET);
  const box = await canvasBox(page);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const v0 = (await apiState(page)).view;
  await page.keyboard.press('w');
  await page.waitForTimeout(50);
  const v1 = (await apiState(page)).view;
  expect(v1.end - v1.start).toBeLessThan(v0.end - v0.start);
  await page.keyboard.press('s');
  await page.keyboard.press('s');
  await page.waitForTimeout(50);
  const v2 = (await apiState(page)).view;
  expect(v2.end - v2.start).toBeGreaterThan(v1.end - v1.start);
  await page.keyboard.press('w');
  await page.keyboard.press('w');
  await page.keyboard.press('d');
  await page.waitForTimeout(50);
  const v3 = (await apiState(page)).view;
  await page.keyboard.press('a');
  await page.waitForTimeout(50);
  const v4 = (await apiState(page)).view;
  expect(v4.start).toBeLessThan(v3.start);
  await page.waitForTimeout(300); // held-key animations settle
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -300);
  await page.keyboard.up('Control');
  await page.waitForTimeout(50);
  const v5 = (await apiState(page)).view;
  expect(v5.end - v5.start).toBeLessThan(v4.end - v4.start);
  await page.keyboard.press('f');
  await page.waitForTimeout(50);
  const v6 = (await apiState(page)).view;
  expect(v6.start).toBeLessThanOrEqual(0);
  expect(v6.end).toBeGreaterThanOrEqual((await apiState(page)).traces[0]!.summary.spanUs * 0.9);
});

test('bad drops show a clear message and keep the loaded trace', async ({ page }) => {
  await openApp(page);
  await dropFile(page, TRACES + GPU_TRACE);
  await waitForTrace(page, GPU_TRACE);
  const cases: [string, Uint8Array, RegExp][] = [
    ['notes.json', new TextEncoder().encode('hello, not json'), /not a JSON trace/],
    ['empty.json', new Uint8Array(0), /empty/],
    ['image.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), /not a JSON trace/],
  ];
  for (const [name, bytes, message] of cases) {
    await dropBytes(page, name, bytes);
    await expect(page.getByTestId('error')).toContainText(message);
    const s = await apiState(page);
    expect(s.traces.map((t) => t.name)).toEqual([GPU_TRACE]);
  }
  // A truncated file loads what is before the cut, and says so.
  const cut = '[{"ph":"X","name":"a","ts":1,"dur":1,"pid":1,"tid":1},{"ph":"X","na';
  await dropBytes(page, 'cut.json', new TextEncoder().encode(cut));
  const s = await waitForTrace(page, 'cut.json');
  expect(s.traces[0]!.summary.events.total).toBe(1);
  expect(s.warnings.join('\n')).toContain(`truncated at byte ${cut.length}`);
  await page.getByTestId('report-button').click();
  await expect(page.getByTestId('load-report')).toContainText(`file truncated at byte ${cut.length}`);
});
