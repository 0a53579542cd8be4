// What a new user meets first: opening small files by the file input and by a drop, the
// progress bar, notices, the drop hint, the favicon, URL errors and the kept theme.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { apiState, dropBigTrace, dropBytes, dropFile, dropTransfer, openApp, TRACES, waitForTrace } from './helpers/viewer.ts';

const SMALL = 'kineto__after_fix_trace.json';
const SMALL_GZ = 'hta__rank-34.Jul_15_10_52_41.1074.pt.trace.json.gz';

/** The progress element is gone, and stays gone (a late progress message must not bring it back). */
async function expectNoProgress(page: Page): Promise<void> {
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await page.waitForTimeout(400);
  await expect(page.getByTestId('progress')).toHaveCount(0);
}

test('a small file opened by the file input or dropped leaves no progress bar behind', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(TRACES + SMALL);
  await waitForTrace(page, SMALL);
  await expectNoProgress(page);
  await page.screenshot({ path: test.info().outputPath('small-file-loaded.png') });

  await page.getByTestId('file-input').setInputFiles(TRACES + SMALL_GZ);
  await waitForTrace(page, SMALL_GZ);
  await expectNoProgress(page);

  await dropFile(page, TRACES + SMALL);
  await page.waitForFunction((n) => window.kinetoscope.state().traces[0]?.name === n, SMALL);
  await expectNoProgress(page);
});

test('a non-trace file: the error shows, the progress bar goes and the start page comes back', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, not a trace\n'.repeat(50)) });
  await expect(page.getByTestId('error')).toContainText('not a JSON trace');
  await expectNoProgress(page);
  await expect(page.getByRole('button', { name: 'Open a trace…' })).toBeVisible();

  await dropBytes(page, 'image.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
  await expect(page.getByTestId('error')).toContainText('image.png is not a JSON trace');
  await expectNoProgress(page);
  await expect(page.getByRole('button', { name: 'Open a trace…' })).toBeVisible();
});


async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== theme) {
    await page.getByRole('button', { name: 'Switch light/dark theme' }).click();
  }
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

for (const theme of ['light', 'dark'] as const) {
  test(`the progress bar is wide and moves while a big file loads (${theme})`, async ({ page }) => {
    await openApp(page);
    await setTheme(page, theme);
    await dropBigTrace(page, `big-${theme}.json`, 600_000);
    const bar = page.getByTestId('progress').locator('progress');
    await expect(bar).toBeVisible();
    const values: number[] = [];
    let shot = false;
    // Sample the bar until the load ends.
    for (let i = 0; i < 400; i++) {
      const v = await page.evaluate(() => {
        const p = document.querySelector<HTMLProgressElement>('[data-testid="progress"] progress');
        return p && [p.getBoundingClientRect().width, p.getBoundingClientRect().height, p.position];
      });
      if (!v) break;
      expect(v[0], `the bar's width at ${v[2]}`).toBeGreaterThan(100);
      expect(v[1]).toBeGreaterThan(3);
      if (v[2]! > 0) values.push(v[2]!);
      if (!shot && v[2]! > 0.2) {
        await page.screenshot({ path: test.info().outputPath(`progress-${theme}.png`) });
        shot = true;
      }
      await page.waitForTimeout(25);
    }
    await waitForTrace(page, `big-${theme}.json`);
    expect(new Set(values).size).toBeGreaterThan(1);
    expect(values.at(-1)!).toBeGreaterThan(values[0]!);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
  });
}

test('a URL with no usable length shows a visible indeterminate bar', async ({ page }) => {
  // The preview server sends the demo gzip with Content-Encoding: gzip, so its length is not the trace's.
  await page.goto('/?trace=demo/resnet50.pt.trace.json.gz');
  const bar = page.getByTestId('progress').locator('progress');
  await expect(bar).toBeVisible();
  const s = await bar.evaluate((p: HTMLProgressElement) => ({ w: p.getBoundingClientRect().width, h: p.getBoundingClientRect().height, value: p.getAttribute('value'), position: p.position }));
  expect(s.w).toBeGreaterThan(100);
  expect(s.h).toBeGreaterThan(3);
  expect(s.value).toBeNull();
  expect(s.position).toBe(-1); // indeterminate
  await page.screenshot({ path: test.info().outputPath('progress-indeterminate.png') });
  await waitForTrace(page, 'resnet50.pt.trace.json.gz');
});

test('the load report counts kernels, memcpy and memset, and how many of all of them found their launch', async ({ page }) => {
  const file = 'hta__overlaid_critical_path_trace.json.gz';
  // Independently of the app: GPU events by category, and those whose correlation id is that of a runtime call.
  const json = JSON.parse(gunzipSync(readFileSync(TRACES + file)).toString('utf8')) as { traceEvents: { ph?: string; cat?: string; args?: { correlation?: number } }[] };
  const n = { kernel: 0, memcpy: 0, memset: 0 };
  const runtime = new Set<number>();
  const gpuCorr: number[] = [];
  for (const e of json.traceEvents) {
    if (e.ph !== 'X') continue;
    const cat = (e.cat ?? '').toLowerCase();
    const corr = e.args?.correlation;
    const kind = cat === 'kernel' ? 'kernel' : cat === 'gpu_memcpy' || cat === 'memcpy' ? 'memcpy' : cat === 'gpu_memset' || cat === 'memset' ? 'memset' : null;
    if (kind) {
      n[kind]++;
      if (corr !== undefined) gpuCorr.push(corr);
    } else if (['cuda_runtime', 'cuda_driver', 'runtime'].includes(cat) && corr !== undefined) runtime.add(corr);
  }
  const linked = gpuCorr.filter((c) => runtime.has(c)).length;
  expect(n.memcpy).toBeGreaterThan(0);
  expect(n.memset).toBeGreaterThan(0);
  expect(linked).toBeGreaterThan(n.kernel); // the case that read as "79 kernels (98 linked)"

  await openApp(page);
  await dropFile(page, TRACES + file);
  await waitForTrace(page, file);
  await page.getByTestId('report-button').click();
  const total = n.kernel + n.memcpy + n.memset;
  await expect(page.getByTestId('gpu-events')).toHaveText(
    `${n.kernel} kernels, ${n.memcpy} memcpy, ${n.memset} memset: ${linked} of these ${total} GPU events linked to their launch (the runtime call with the same correlation id).`,
  );
});

test('dropping two files opens them as the ranks of one run; Shift drops two to compare', async ({ page }) => {
  await openApp(page);
  const two = async (a: string, b: string) =>
    page.evaluateHandle(
      ([x, y]) => {
        const d = new DataTransfer();
        for (const [name, dur] of [[x, 5], [y, 7]] as const) {
          d.items.add(new File([`[{"ph":"X","name":"${name}","ts":1,"dur":${dur},"pid":1,"tid":1}]`], name));
        }
        return d;
      },
      [a, b] as const,
    );
  await dropTransfer(page, await two('a.json', 'b.json'));
  await page.waitForFunction(() => window.kinetoscope.state().traces.length === 2);
  const notice = page.getByTestId('notice');
  // No distributedInfo: in the order dropped, as one run (the Distributed tab), nothing left out.
  expect((await apiState(page)).traces.map((t) => t.name)).toEqual(['a.json', 'b.json']);
  await expect(page.getByTestId('trace-name')).toHaveText('2 ranks: a.json, b.json');
  await expect(page.getByRole('tab', { name: 'Distributed' })).toHaveAttribute('aria-selected', 'true');
  await expect(notice).toHaveCount(0);
  await expect(page.getByTestId('error')).toHaveCount(0);

  const zone = page.getByTestId('dropzone');
  const dt = await two('c.json', 'd.json');
  await zone.dispatchEvent('dragenter', { dataTransfer: dt });
  await zone.dispatchEvent('drop', { dataTransfer: dt, shiftKey: true });
  await page.waitForFunction(() => window.kinetoscope.state().traces.map((t) => t.name).join() === 'c.json,d.json');
  await expect(notice).toHaveCount(0);
});

test('a third trace to compare replaces the second, and says so', async ({ page }) => {
  await openApp(page);
  const files = ['a.json', 'b.json', 'c.json'].map((name) => ({ name, mimeType: 'application/json', buffer: Buffer.from(`[{"ph":"X","name":"${name}","ts":1,"dur":3,"pid":1,"tid":1}]`) }));
  await page.getByTestId('file-input').setInputFiles(files[0]!);
  await waitForTrace(page, 'a.json');
  await page.getByTestId('compare-input').setInputFiles(files[1]!);
  await waitForTrace(page, 'b.json');
  await expect(page.getByTestId('notice')).toHaveCount(0);
  await page.getByTestId('compare-input').setInputFiles(files[2]!);
  await waitForTrace(page, 'c.json');
  expect((await apiState(page)).traces.map((t) => t.name)).toEqual(['a.json', 'c.json']);
  await expect(page.getByTestId('notice')).toHaveText(/^Replaced b\.json with c\.json in the comparison \(two traces at most\)\./);
  // the next load clears it
  await page.getByTestId('file-input').setInputFiles(files[1]!);
  await page.waitForFunction(() => window.kinetoscope.state().traces.map((t) => t.name).join() === 'b.json');
  await expect(page.getByTestId('notice')).toHaveCount(0);
});

function overlap(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

for (const theme of ['light', 'dark'] as const) {
  test(`the drag-over hint stays clear of the empty page's heading (${theme})`, async ({ page }) => {
    await openApp(page);
    await setTheme(page, theme);
    const dt = await page.evaluateHandle(() => {
      const d = new DataTransfer();
      d.items.add(new File(['[]'], 'x.json'));
      return d;
    });
    await page.getByTestId('dropzone').dispatchEvent('dragenter', { dataTransfer: dt });
    await page.getByTestId('dropzone').dispatchEvent('dragover', { dataTransfer: dt });
    // the box that holds the hint's text
    const hint = page.locator('.drop-hint, .drop-hint-box').last();
    await expect(hint).toBeVisible();
    const heading = page.getByRole('heading', { name: 'Kinetoscope' });
    const [h, t] = [(await hint.boundingBox())!, (await heading.boundingBox())!];
    expect(overlap(h, t), `hint ${JSON.stringify(h)} vs heading ${JSON.stringify(t)}`).toBe(false);
    for (const p of await page.locator('.empty-box p').all()) expect(overlap(h, (await p.boundingBox())!)).toBe(false);
    // its box is opaque: nothing under it shows through
    expect(await hint.evaluate((e) => getComputedStyle(e).backgroundColor)).toMatch(/^rgb\(/);
    await expect(hint).toHaveText('Drop a trace to open itHold Shift and drop two files to compare them');
    await page.screenshot({ path: test.info().outputPath(`drop-hint-${theme}.png`) });
    await page.getByTestId('dropzone').dispatchEvent('dragleave', { dataTransfer: dt });
    await expect(hint).toHaveCount(0);
  });
}

test('no request of a page load is answered 404, and the icon is there', async ({ page }) => {
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  await openApp(page);
  await page.waitForLoadState('networkidle');
  // Headless Chromium asks for no icon: ask for the one a browser would, the page's own or /favicon.ico.
  const hrefs = await page.evaluate(() => [...document.querySelectorAll('link[rel~="icon"]')].map((l) => (l as HTMLLinkElement).href));
  for (const href of [...hrefs, new URL('/favicon.ico', page.url()).href]) {
    const res = await page.request.get(href);
    expect(res.status(), href).toBe(200);
    expect(res.headers()['content-type'], href).toMatch(/^image\//);
  }
  expect(failed).toEqual([]);
});

test('?trace= of a missing file says so: an HTML page from the server, or not found (HTTP 404)', async ({ page }) => {
  // vite preview answers a missing file with its index.html (HTTP 200)
  const res = await page.request.get('/nope.json');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/text\/html/);
  await page.goto('/?trace=nope.json');
  const error = page.getByTestId('error');
  await expect(error).toContainText('nope.json: the server answered with an HTML page (HTTP 200), not a trace');
  await expect(error).not.toContainText('doctype');
  await expect(page.getByRole('button', { name: 'Open a trace…' })).toBeVisible();

  await page.route('**/missing.json', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not Found' }));
  await page.goto('/?trace=missing.json');
  await expect(error.locator('span')).toHaveText(/missing\.json: not found \(HTTP 404\)\.$/);
  await expect(page.getByRole('button', { name: 'Open a trace…' })).toBeVisible();
});

test('the theme chosen is kept after a reload; the first visit follows the system', async ({ browser }) => {
  for (const scheme of ['dark', 'light'] as const) {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    await openApp(page);
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
    const other = scheme === 'dark' ? 'light' : 'dark';
    await page.getByRole('button', { name: 'Switch light/dark theme' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', other);
    await page.reload();
    await expect(page.getByTestId('dropzone')).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-theme', other);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(other === 'dark' ? 'rgb(21, 24, 30)' : 'rgb(255, 255, 255)');
    await context.close();
  }
});
