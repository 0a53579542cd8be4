// Page-object helpers for the e2e tests: open the app, drop a file through a real drop
// event, read the automation API, and decode screenshots in the page.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { expect, type JSHandle, type Page } from '@playwright/test';
import type { KinetoscopeApi } from '../../src/actions/automation.ts';
import { readTraceText } from '../../src/testing/read-trace-node.ts';
import { TRACES_DIR } from '../../src/testing/traces-dir.ts';

export const TRACES = TRACES_DIR;

export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('dropzone')).toBeVisible();
  await page.waitForFunction(() => typeof window.kinetoscope?.open === 'function');
}

/** Drops bytes onto the page as a File, through dragenter/dragover/drop events. */
export async function dropBytes(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  const dt = await page.evaluateHandle(
    ({ fileName, b64 }) => {
      const bin = atob(b64);
      const arr = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) arr[i] = bin.charCodeAt(i);
      const d = new DataTransfer();
      d.items.add(new File([arr], fileName));
      return d;
    },
    { fileName: name, b64: Buffer.from(bytes).toString('base64') },
  );
  await dropTransfer(page, dt);
}

/** Drops what a DataTransfer in the page holds, through dragenter/dragover/drop events. */
export async function dropTransfer(page: Page, dt: JSHandle<DataTransfer>): Promise<void> {
  const zone = page.getByTestId('dropzone');
  await zone.dispatchEvent('dragenter', { dataTransfer: dt });
  await zone.dispatchEvent('dragover', { dataTransfer: dt });
  await zone.dispatchEvent('drop', { dataTransfer: dt });
}

export async function dropFile(page: Page, path: string): Promise<void> {
  await dropBytes(page, basename(path), new Uint8Array(readFileSync(path)));
}

export type ApiState = ReturnType<KinetoscopeApi['state']>;

export function apiState(page: Page): Promise<ApiState> {
  return page.evaluate(() => window.kinetoscope.state());
}

/** Waits until the named trace is the loaded one. */
export async function waitForTrace(page: Page, name: string): Promise<ApiState> {
  await page.waitForFunction((n) => window.kinetoscope.state().traces.some((t) => t.name === n), name, { timeout: 60_000 });
  return apiState(page);
}

export interface Clip {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** RGBA pixels of a screenshot (or of a box of it): `rgb(x, y)` packs a pixel as 0xRRGGBB. */
export interface Pixels {
  width: number;
  height: number;
  data: Uint8Array;
  rgb(x: number, y: number): number;
}

/**
 * Decodes a PNG screenshot in the page (createImageBitmap: no image library here), cropped to
 * `clip` (image pixels) when given, and hands its pixels to the test.
 */
export async function pngPixels(page: Page, png: Buffer, clip?: Clip): Promise<Pixels> {
  const got = await page.evaluate(
    async ({ b64, area }) => {
      // No fetch of a data: URL: the page's Content-Security-Policy forbids it.
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      const r = area ?? { x: 0, y: 0, w: bmp.width, h: bmp.height };
      const img = ctx.getImageData(r.x, r.y, r.w, r.h);
      let out = '';
      for (let i = 0; i < img.data.length; i += 0x8000) out += String.fromCharCode(...img.data.subarray(i, i + 0x8000));
      return { width: img.width, height: img.height, b64: btoa(out) };
    },
    { b64: png.toString('base64'), area: clip },
  );
  const data = new Uint8Array(Buffer.from(got.b64, 'base64'));
  return {
    width: got.width,
    height: got.height,
    data,
    rgb: (x, y) => {
      const i = (y * got.width + x) * 4;
      return (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
    },
  };
}

/**
 * Compares PNG screenshots: distinct colours of the first image, and the pixels (and pixel
 * rows) where the second differs from the first.
 */
export async function comparePngs(page: Page, a: Buffer, b: Buffer | null, clip?: Clip): Promise<{ distinct: number; changed: number; changedRows: number }> {
  const ia = await pngPixels(page, a, clip);
  const colours = new Set<number>();
  for (let i = 0; i < ia.data.length; i += 4) colours.add((ia.data[i]! << 16) | (ia.data[i + 1]! << 8) | ia.data[i + 2]!);
  let changed = 0;
  const rows = new Set<number>();
  if (b) {
    const ib = await pngPixels(page, b, clip);
    for (let i = 0; i < ia.data.length; i += 4) {
      if (ia.data[i] !== ib.data[i] || ia.data[i + 1] !== ib.data[i + 1] || ia.data[i + 2] !== ib.data[i + 2]) {
        changed++;
        rows.add(Math.floor(i / 4 / ia.width));
      }
    }
  }
  return { distinct: colours.size, changed, changedRows: rows.size };
}

/** Opens corpus trace `a`, then `b` as the compared run, through the automation API. */
export async function openPair(page: Page, a: string, b: string): Promise<void> {
  await openApp(page);
  for (const [file, compare] of [[a, false], [b, true]] as const) {
    const b64 = readFileSync(TRACES + file).toString('base64');
    await page.evaluate(
      async ({ name, data, cmp }) => {
        const bin = atob(data);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        await window.kinetoscope.open(new File([bytes], name), { compare: cmp });
      },
      { name: file, data: b64, cmp: compare },
    );
  }
  await expect.poll(async () => (await apiState(page)).traces.length).toBe(2);
}

/** An event of a trace file as JSON.parse gives it: what the tests' plain scans read. */
export interface RawEvent {
  ph?: string;
  name?: string;
  cat?: string;
  id?: string | number;
  pid?: number | string;
  tid?: number | string;
  ts?: number;
  dur?: number;
  args?: Record<string, unknown>;
}

/** The events of a corpus file (gzip or not, object or array form), parsed plainly. */
export async function rawEvents(file: string): Promise<RawEvent[]> {
  const j = JSON.parse(await readTraceText(TRACES + file)) as RawEvent[] | { traceEvents: RawEvent[] };
  return Array.isArray(j) ? j : j.traceEvents;
}

/** Drops a trace of `events` instants (~100 bytes each) built in the page: nothing that size crosses the protocol. */
export async function dropBigTrace(page: Page, name: string, events: number): Promise<void> {
  const dt = await page.evaluateHandle(
    ({ fileName, n }) => {
      const one = '{"ph":"i","s":"t","name":"tick","cat":"cpu_instant_event","pid":1,"tid":1,"ts":1000.5,"args":{"n":1}},\n';
      const last = '{"ph":"X","name":"last","cat":"cpu_op","pid":1,"tid":1,"ts":2000,"dur":1}';
      const d = new DataTransfer();
      d.items.add(new File(['{"traceEvents":[\n', one.repeat(n - 1), last, ']}'], fileName));
      return d;
    },
    { fileName: name, n: events },
  );
  await dropTransfer(page, dt);
}

/** The page's permalink once the address bar shows it (the URL is written a moment after a change). */
export async function settledLink(page: Page): Promise<string> {
  let link = '';
  await expect.poll(async () => {
    link = await page.evaluate(() => window.kinetoscope.permalink());
    return page.url() === link;
  }).toBe(true);
  return link;
}

/** Opens the app, drops a corpus trace, waits for it; returns the canvas's box. */
export async function openCorpusTrace(page: Page, file: string): Promise<{ x: number; y: number; width: number; height: number }> {
  await openApp(page);
  await dropFile(page, TRACES + file);
  await waitForTrace(page, file);
  const box = await page.getByTestId('timeline-canvas').boundingBox();
  if (!box) throw new Error('no canvas');
  return box;
}
