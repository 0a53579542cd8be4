// `npx kinetoscope DIR`: the page served with a folder lists its traces, opens one with a
// click (the address bar becomes its link), and shows files that appear later.
// The CLI runs on a port the system picks (--port 0), on copies of corpus traces made now.

import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { apiState, rawEvents, TRACES, waitForTrace, settledLink } from './helpers/viewer.ts';

const GZ = 'hta__rank-34.Jul_15_10_52_41.1074.pt.trace.json.gz';
const PLAIN = 'catapult__simple_trace.json';
const LATER = 'hta__trace_compare_base.json.gz';
const HTML_NAME = '<img src=x onerror=alert(1)>.json';

let dir: string;
let cli: ChildProcess;
let base: string;

/** The size as a person reads it: bytes below 1 KiB, else KiB with one decimal below 10. */
function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const k = bytes / 1024;
  return `${k < 10 ? k.toFixed(1) : Math.round(k)} KB`;
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kinetoscope-e2e-served-'));
  mkdirSync(join(dir, 'run 1'));
  copyFileSync(TRACES + GZ, join(dir, 'run 1', GZ));
  copyFileSync(TRACES + PLAIN, join(dir, 'run 1', PLAIN));
  writeFileSync(join(dir, HTML_NAME), JSON.stringify({ traceEvents: [] }));
  // The plain trace is the newest of its folder; the folder is newer than the lone file.
  utimesSync(join(dir, HTML_NAME), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
  utimesSync(join(dir, 'run 1', GZ), new Date('2026-02-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z'));
  utimesSync(join(dir, 'run 1', PLAIN), new Date('2026-02-02T00:00:00Z'), new Date('2026-02-02T00:00:00Z'));
  cli = spawn(process.execPath, ['scripts/serve/kinetoscope.mjs', dir, '--port', '0', '--no-open'], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise<string>((resolve, reject) => {
    let out = '';
    cli.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]!);
    });
    cli.on('exit', (code) => reject(new Error(`kinetoscope exited with ${code}`)));
  });
});

test.afterAll(() => {
  cli?.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function openServedPage(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: theme });
  await page.goto(base);
  await page.waitForFunction(() => typeof window.kinetoscope?.open === 'function');
  await expect(page.getByTestId('served-traces')).toBeVisible();
}

test('the page lists the folder, opens a trace with a click, and its address is a link to it', async ({ page, context }) => {
  await openServedPage(page, 'light');
  const items = page.getByTestId('served-trace');
  await expect(items).toHaveCount(3);
  // Grouped by folder, newest first; names shown as text, sizes and dates from the files.
  const section = page.getByTestId('served-traces');
  await expect(section.getByRole('heading', { level: 3 })).toHaveText(['run 1/', 'The folder itself']);
  await expect(items.locator('.served-open')).toHaveText([PLAIN, GZ, HTML_NAME]);
  const sizes = [join('run 1', PLAIN), join('run 1', GZ), HTML_NAME].map((p) => sizeText(statSync(join(dir, p)).size));
  await expect(items.locator('.served-size')).toHaveText(sizes);
  await expect(items.locator('time').first()).toHaveAttribute('datetime', '2026-02-02T00:00:00.000Z');
  await expect(items.locator('time').first()).toHaveText('2026-02-02 00:00');
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  await page.screenshot({ path: test.info().outputPath('served-list-light.png') });

  // The filter keeps what matches.
  await page.getByTestId('served-filter').fill('HTA__');
  await expect(items.locator('.served-open')).toHaveText([GZ]);
  await page.getByTestId('served-filter').fill('no such trace');
  await expect(section).toContainText('No trace\'s name or folder contains “no such trace”');
  await page.getByTestId('served-filter').fill('');

  await items.getByRole('button', { name: PLAIN }).click();
  const s = await waitForTrace(page, PLAIN);
  expect(s.traces[0]!.summary.events.total).toBe((await rawEvents(PLAIN)).length);
  const trace = `/trace/${encodeURIComponent('run 1')}/${PLAIN}`;
  expect(new URL(page.url()).searchParams.get('trace')).toBe(trace);
  expect(new URL(page.url()).search).toMatch(/[?&]trace=\/trace\//); // readable: the slashes stay

  // The address is a permalink: with a zoomed window and a range, it opens the same trace and
  // view in another page.
  const v0 = (await apiState(page)).view;
  const span = v0.end - v0.start;
  await page.evaluate((v) => window.kinetoscope.setView(v.start, v.end), { start: v0.start + span * 0.125, end: v0.start + span * 0.6875 });
  const a = await apiState(page);
  const link = await settledLink(page);
  const other = await context.newPage();
  await other.goto(link);
  await waitForTrace(other, PLAIN);
  await expect.poll(async () => Math.abs((await apiState(other)).view.start - a.view.start)).toBeLessThanOrEqual(1e-3);
  expect(Math.abs((await apiState(other)).view.end - a.view.end)).toBeLessThanOrEqual(1e-3);
  await other.close();

  // Once a trace is open, the toolbar's "Traces…" shows the list in a dialog.
  await page.getByTestId('served-button').click();
  const dialog = page.getByRole('dialog', { name: 'Traces in the served folder' });
  await expect(dialog.getByTestId('served-trace')).toHaveCount(3);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await page.getByTestId('served-button').click();
  await dialog.getByRole('button', { name: GZ }).click();
  await expect(dialog).toHaveCount(0);
  const g = await waitForTrace(page, GZ);
  expect(g.traces).toHaveLength(1);
  expect(g.traces[0]!.summary.events.total).toBe((await rawEvents(GZ)).length);
  expect(new URL(page.url()).searchParams.get('trace')).toBe(`/trace/${encodeURIComponent('run 1')}/${GZ}`);
  // Back: the address of the trace opened before.
  await page.goBack();
  expect(new URL(page.url()).searchParams.get('trace')).toBe(trace);
});

test('a trace that appears in the folder shows up in the list by itself', async ({ page }) => {
  await openServedPage(page, 'dark');
  await expect(page.getByTestId('served-trace')).toHaveCount(3);
  mkdirSync(join(dir, 'run 2'), { recursive: true });
  copyFileSync(TRACES + LATER, join(dir, 'run 2', LATER));
  try {
    const item = page.getByTestId('served-trace').filter({ hasText: LATER });
    await expect(item).toBeVisible({ timeout: 10_000 });
    await expect(item.locator('.served-size')).toHaveText(sizeText(statSync(join(dir, 'run 2', LATER)).size));
    // The newest folder comes first.
    await expect(page.getByTestId('served-traces').getByRole('heading', { level: 3 }).first()).toHaveText('run 2/');
    await page.screenshot({ path: test.info().outputPath('served-list-dark.png') });
    await item.getByRole('button').click();
    const s = await waitForTrace(page, LATER);
    expect(s.traces[0]!.summary.events.total).toBe((await rawEvents(LATER)).length);
    await page.getByTestId('served-button').click();
    await page.screenshot({ path: test.info().outputPath('served-dialog-dark.png') });
  } finally {
    rmSync(join(dir, 'run 2'), { recursive: true, force: true });
  }
});

test('the preview server has no folder: the empty page shows no list', async ({ page }) => {
  const asked = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/traces');
  await page.goto('/');
  await page.waitForFunction(() => typeof window.kinetoscope?.open === 'function');
  await expect(page.getByText('Open the demo trace')).toBeVisible();
  // vite preview answers with the page itself.
  expect((await asked).headers()['content-type']).toContain('text/html');
  await page.waitForTimeout(100);
  await expect(page.getByTestId('served-traces')).toHaveCount(0);
});

test('a folder of several traces opens them all as the ranks of one run', async ({ page }) => {
  await openServedPage(page, 'light');
  const buttons = page.getByTestId('served-open-ranks');
  await expect(buttons).toHaveCount(1); // "run 1/" has two traces; the folder itself one
  await expect(buttons).toHaveText('Open all 2 as ranks of one run');
  await buttons.click();
  await page.waitForFunction(() => window.kinetoscope.state().traces.length === 2, undefined, { timeout: 60_000 });
  // The HTA file says rank 34 (distributedInfo); the catapult one gives none, so it comes last.
  expect((await apiState(page)).traces.map((t) => t.name)).toEqual([GZ, PLAIN]);
  await expect(page.getByRole('tab', { name: 'Distributed' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('notice')).toContainText('1 of 2 files have no distributedInfo.rank');
  expect(new URL(page.url()).searchParams.getAll('trace')).toHaveLength(2);
});
