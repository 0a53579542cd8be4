// Two runs compared (issue 21, "Two runs"): B shifted on the shared timeline, aligned by a
// step, linked zoom, the diff table and op-tree diff checked against plain scans of the raw
// files, a diff row highlighting in both runs, and a permalink that restores the comparison.

import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { apiState, openApp, rawEvents, TRACES, type RawEvent } from './helpers/viewer.ts';

const BASE = 'hta__trace_compare_base.json.gz';
const TEST = 'hta__trace_compare_test.json.gz';

/** Opens `a`, then `b` as the compared run, through the automation API. */
async function openPair(page: Page, a: string, b: string): Promise<void> {
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

/** µs from the trace's start (its earliest event) of the X events, as a plain scan gives them. */
function relative(events: RawEvent[]): (RawEvent & { rel: number })[] {
  const t0 = Math.min(...events.filter((e) => typeof e.ts === 'number').map((e) => e.ts!));
  return events.filter((e) => e.ph === 'X' && typeof e.ts === 'number').map((e) => ({ ...e, rel: e.ts! - t0 }));
}

/** Waits for the canvas to show the current state. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * The leftmost x (canvas CSS px) where a slice is drawn in the given track boxes' first rows:
 * a column whose row middle differs from the track's top padding (grid lines cover both).
 */
async function leftmostSlice(page: Page, boxes: { y: number; rows: number }[]): Promise<number> {
  const canvas = page.getByTestId('timeline-canvas');
  const png = await canvas.screenshot();
  return page.evaluate(
    async ({ b64, rows }) => {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      const img = ctx.getImageData(0, 0, bmp.width, bmp.height);
      const px = (x: number, y: number): number => {
        const i = (Math.round(y) * img.width + x) * 4;
        return (img.data[i]! << 16) | (img.data[i + 1]! << 8) | img.data[i + 2]!;
      };
      let best = Infinity;
      for (const r of rows) {
        if (r.rows < 1 || r.y < 30 || r.y + 18 > img.height) continue;
        for (let x = 0; x < img.width && x < best; x++) {
          if (px(x, r.y + 9) !== px(x, r.y - 1)) {
            best = x;
            break;
          }
        }
      }
      return best;
    },
    { b64: png.toString('base64'), rows: boxes },
  );
}

test('B shifted by a known offset draws its first slice at the right pixel; A does not move', async ({ page }) => {
  await openPair(page, BASE, TEST);
  const evB = relative(await rawEvents(TEST));
  const firstB = Math.min(...evB.map((e) => e.rel));
  const s = await apiState(page);
  const [a, b] = s.traces;
  const width = (await page.getByTestId('timeline-canvas').boundingBox())!.width;
  for (const offsetUs of [12_345.5, -3_210.25]) {
    await page.evaluate((o) => window.kinetoscope.align({ offsetUs: o }), offsetUs);
    expect(await page.evaluate(() => window.kinetoscope.compare())).toEqual({ aligned: 'manual', offsetUs });
    // B's first slice 40 % into a 100 µs window.
    const t = firstB + offsetUs;
    await page.evaluate(([s0, s1]) => window.kinetoscope.setView(s0!, s1!), [t - 40, t + 60]);
    await settled(page);
    const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes());
    const x = await leftmostSlice(page, boxes.filter((box) => box.trace === b!.id));
    expect(Math.abs(x - 0.4 * width)).toBeLessThanOrEqual(1.5);
  }
  // A, unshifted, still has its slice at its own time: back at 0, B's first slice is where A's is.
  await page.evaluate(() => window.kinetoscope.align({ start: true }));
  expect(await page.evaluate(() => window.kinetoscope.compare())).toEqual({ aligned: 'start', offsetUs: 0 });
  const firstA = Math.min(...relative(await rawEvents(BASE)).map((e) => e.rel));
  await page.evaluate(([s0, s1]) => window.kinetoscope.setView(s0!, s1!), [firstA - 40, firstA + 60]);
  await settled(page);
  const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes());
  expect(Math.abs((await leftmostSlice(page, boxes.filter((x) => x.trace === a!.id))) - 0.4 * width)).toBeLessThanOrEqual(1.5);
  expect(Math.abs((await leftmostSlice(page, boxes.filter((x) => x.trace === b!.id))) - (0.4 * width + (firstB - firstA) * width / 100))).toBeLessThanOrEqual(1.5);
});
