// The local library: a dropped file is kept in this browser (OPFS + IndexedDB) once drawn,
// listed on the empty page after a reload, opened again from the list, by open('lib:<key>')
// and by ?trace=lib:<key>, removed; keeping can be turned off; a full disk leaves the load alone.

import { readFileSync, statSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { apiState, dropBytes, dropFile, openApp, rawEvents, TRACES, waitForTrace, settledLink } from './helpers/viewer.ts';

const FILE = 'kineto__after_fix_trace.json';
const OTHER = 'catapult__simple_trace.json';

/** FNV-1a 64 as its definition reads (BigInt), 16 hex digits: the key the library must give. */
function fnv1a64(bytes: Uint8Array): string {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

type Entry = { key: string; name: string; bytes: number; opened: string };

function library(page: Page): Promise<Entry[]> {
  return page.evaluate(() => window.kinetoscope.library());
}

/** The files in the library's folder of the origin-private file system. */
function keptFiles(page: Page): Promise<{ name: string; size: number }[]> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle('library', { create: true });
    const out: { name: string; size: number }[] = [];
    for await (const [name, h] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemFileHandle]> }).entries()) {
      out.push({ name, size: (await h.getFile()).size });
    }
    return out;
  });
}

/** library() once it lists `n` traces (keeping runs in the background after the load). */
async function libraryOf(page: Page, n: number): Promise<Entry[]> {
  await expect.poll(async () => (await library(page)).length, { timeout: 20_000 }).toBe(n);
  return library(page);
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== theme) {
    await page.getByRole('button', { name: 'Switch light/dark theme' }).click();
  }
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

test('a dropped trace is kept: listed after a reload, opened from the list, by lib:<key> and by ?trace=, then removed', async ({ page }) => {
  const events = (await rawEvents(FILE)).length;
  const bytes = statSync(TRACES + FILE).size;
  const key = fnv1a64(new Uint8Array(readFileSync(TRACES + FILE)));

  await openApp(page);
  await expect(page.getByTestId('library-empty')).toContainText('No traces kept yet');
  expect(await library(page)).toEqual([]);
  await dropFile(page, TRACES + FILE);
  const dropped = await waitForTrace(page, FILE);
  expect(dropped.traces[0]!.summary.events.total).toBe(events);
  const [entry] = await libraryOf(page, 1);
  expect(entry).toMatchObject({ key, name: FILE, bytes });
  expect(Date.now() - Date.parse(entry!.opened)).toBeLessThan(60_000);
  expect(await keptFiles(page)).toEqual([{ name: key, size: bytes }]);

  // A new visit (a reload would reopen the trace: the address is its permalink): the empty
  // page lists it, with its size.
  await page.goto('/');
  await page.waitForFunction(() => typeof window.kinetoscope?.open === 'function');
  const row = page.getByTestId('library-entry');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(FILE);
  await expect(row).toContainText('15 KB'); // 15,398 bytes
  await expect(page.getByTestId('library-usage')).toContainText('Storage used by this site:');
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await page.screenshot({ path: test.info().outputPath(`library-empty-page-${theme}.png`) });
  }

  // Open from the list, by keyboard.
  await page.getByRole('button', { name: `Open ${FILE}` }).focus();
  await page.keyboard.press('Enter');
  const reopened = await waitForTrace(page, FILE);
  expect(reopened.traces[0]!.summary.events.total).toBe(events);

  // open('lib:<key>') from the API.
  const summary = await page.evaluate((k) => window.kinetoscope.open(`lib:${k}`).then((s) => s.events.total), key);
  expect(summary).toBe(events);
  expect((await library(page)).map((e) => e.key)).toEqual([key]);

  // A permalink-like ?trace=lib:<key> reopens it on load.
  await page.goto(`/?trace=lib:${key}`);
  const linked = await waitForTrace(page, FILE);
  expect(linked.traces[0]!.summary.events.total).toBe(events);

  // The toolbar's Library… dialog while a trace is open: Remove by keyboard, Esc closes.
  await page.getByRole('button', { name: 'Library…' }).click();
  const dialog = page.getByTestId('library-dialog');
  await expect(dialog.getByTestId('library-entry')).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('library-dialog.png') });
  await dialog.getByRole('button', { name: `Remove ${FILE} from this browser` }).focus();
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('library-entry')).toHaveCount(0);
  await expect(dialog.getByTestId('library-empty')).toBeVisible();
  expect(await library(page)).toEqual([]);
  expect(await keptFiles(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // Gone: the reference now says what is missing.
  await page.goto(`/?trace=lib:${key}`);
  await expect(page.getByTestId('error').locator('span')).toHaveText(`not in this browser's library: lib:${key}`);
  await expect(page.getByTestId('library-empty')).toBeVisible();
});

test('an unknown key says it is not in this browser\'s library, and the page stays usable', async ({ page }) => {
  await openApp(page);
  const message = await page.evaluate(() => window.kinetoscope.open('lib:00000000000000ff').then(() => 'opened', (e: Error) => e.message));
  expect(message).toBe("not in this browser's library: lib:00000000000000ff");
  await expect(page.getByTestId('error')).toContainText("not in this browser's library");
  const malformed = await page.evaluate(() => window.kinetoscope.open('lib:../etc').then(() => 'opened', (e: Error) => e.message));
  expect(malformed).toBe("not in this browser's library: lib:../etc");
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await dropFile(page, TRACES + OTHER);
  await waitForTrace(page, OTHER);
});

test('keeping turned off: a new drop is not kept, what was kept stays, and the setting survives a reload', async ({ page }) => {
  await openApp(page);
  await dropFile(page, TRACES + FILE);
  await waitForTrace(page, FILE);
  await libraryOf(page, 1);

  // New visits, not reloads: a reload reopens the trace its address links to.
  await page.goto('/');
  const keep = page.getByRole('checkbox', { name: 'Keep opened traces in this browser' });
  await expect(keep).toBeChecked();
  await keep.uncheck();
  await page.reload(); // no trace open: the empty page again
  await expect(keep).not.toBeChecked();
  await dropFile(page, TRACES + OTHER);
  await waitForTrace(page, OTHER);
  // library() waits for any keeping under way: had the drop been kept, it would be listed.
  await page.waitForTimeout(500);
  expect((await library(page)).map((e) => e.name)).toEqual([FILE]);

  await page.getByRole('button', { name: 'Library…' }).click();
  await expect(page.getByTestId('library-dialog').getByTestId('library-entry')).toHaveCount(1);
  await page.getByTestId('library-dialog').getByRole('checkbox', { name: 'Keep opened traces in this browser' }).check();
  await page.getByRole('button', { name: 'Close' }).click();
  await dropFile(page, TRACES + OTHER);
  await expect.poll(async () => (await library(page)).map((e) => e.name), { timeout: 20_000 }).toEqual([OTHER, FILE]);
});

test('storage full: a notice says so, the trace is open and nothing is kept; with room again, keeping resumes', async ({ page }) => {
  // The quota is cut before the page opens: IndexedDB and OPFS both run out.
  await page.goto('/favicon.svg');
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1000 });
  await openApp(page);
  await dropFile(page, TRACES + FILE);
  const state = await waitForTrace(page, FILE);
  expect(state.traces[0]!.summary.events.total).toBe((await rawEvents(FILE)).length);
  await expect(page.getByTestId('notice')).toContainText(`${FILE} was not kept in this browser's library: storage is full (15 KB needed`);
  await expect(page.getByTestId('notice')).toContainText('The trace is open');
  expect((await apiState(page)).traces).toHaveLength(1);

  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  expect(await library(page)).toEqual([]);
  expect(await keptFiles(page)).toEqual([]);
  await dropFile(page, TRACES + OTHER);
  await waitForTrace(page, OTHER);
  expect((await libraryOf(page, 1))[0]!.name).toBe(OTHER);
});

test('the same bytes under two names are one entry, named as last opened', async ({ page }) => {
  await openApp(page);
  const bytes = new Uint8Array(readFileSync(TRACES + OTHER));
  await dropBytes(page, 'first.json', bytes);
  await waitForTrace(page, 'first.json');
  const [a] = await libraryOf(page, 1);
  await dropBytes(page, 'second.json', bytes);
  await waitForTrace(page, 'second.json');
  await expect.poll(async () => (await library(page)).map((e) => e.name)).toEqual(['second.json']);
  const [b] = await library(page);
  expect(b!.key).toBe(a!.key);
  expect(b!.key).toBe(fnv1a64(bytes));
  expect(b!.opened >= a!.opened).toBe(true);
});

test('a dropped trace kept in the library: its permalink reopens it in this browser with the view', async ({ page, context }) => {
  await openApp(page);
  await dropFile(page, TRACES + FILE);
  await waitForTrace(page, FILE);
  const [entry] = await libraryOf(page, 1);
  // Once kept, the address names the trace by its library key.
  await expect.poll(() => new URL(page.url()).searchParams.get('trace')).toBe(`lib:${entry!.key}`);
  const first = (await apiState(page)).view;
  const view = { start: first.start + (first.end - first.start) * 0.2137, end: first.start + (first.end - first.start) * 0.7311 };
  await page.evaluate((v) => window.kinetoscope.setView(v.start, v.end), view);
  expect(await page.evaluate(() => window.kinetoscope.select({ name: 'op1' }))).toBe(true);
  await page.getByTestId('drawer').getByRole('tab', { name: 'Operators' }).click();
  const a = await apiState(page);
  const link = await settledLink(page);

  const b = await context.newPage();
  await b.goto(link);
  await waitForTrace(b, FILE);
  await expect.poll(async () => (await apiState(b)).selection?.name).toBe('op1');
  const s = await apiState(b);
  expect(Math.abs(s.view.start - a.view.start)).toBeLessThanOrEqual(1e-3);
  expect(Math.abs(s.view.end - a.view.end)).toBeLessThanOrEqual(1e-3);
  expect(s.selection!.start).toBeCloseTo(a.selection!.start, 3);
  await expect(b.locator('[role="tab"][aria-selected="true"]')).toHaveText('Operators');
});
