// The details panel's analysis on a real trace, against figures worked out here from the raw
// JSON: a launch call lists the kernel it launched (by correlation) with its latency, and a
// click goes there; a CPU op shows its self time (duration − its direct children), the GPU
// work launched inside it, and its parents, the outermost first, each a button (keyboard too).

import { expect, test, type Page } from '@playwright/test';
import { dropFile, openApp, rawEvents, TRACES, waitForTrace, type RawEvent } from './helpers/viewer.ts';

const FILE = 'tracelens__h100_gaunernst_bert-small-uncased__1016001.json.gz';

const lc = (e: RawEvent): string => (e.cat ?? '').toLowerCase();
const isGpu = (e: RawEvent): boolean => e.ph === 'X' && ['kernel', 'gpu_memcpy', 'memcpy', 'gpu_memset', 'memset'].includes(lc(e));
const isRuntime = (e: RawEvent): boolean => e.ph === 'X' && ['cuda_runtime', 'cuda_driver', 'runtime'].includes(lc(e));
const thread = (e: RawEvent): string => `${e.pid}|${e.tid}`;
const end = (e: RawEvent): number => e.ts! + e.dur!;
/** Kineto writes ns-resolution µs: closer than this is the same moment (JSON.parse of epoch-scale µs is off by ~1e-4). */
const SAME = 5e-4;

/**
 * The parent of each X event of one thread as the timeline nests them: in start order (the
 * longer first on ties), a stack per lane; a slice goes to the first lane where, once the
 * slices ended by its start are closed, it fits inside the open one (or nothing is open).
 * A slice that overlaps another without nesting thus opens a lane of its own below.
 */
function laneParents(events: RawEvent[]): Map<RawEvent, RawEvent | null> {
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.ts! - b.e.ts! || b.e.dur! - a.e.dur! || a.i - b.i);
  const lanes: RawEvent[][] = [];
  const parent = new Map<RawEvent, RawEvent | null>();
  for (const { e } of sorted) {
    let lane = lanes.find((stack) => {
      while (stack.length > 0 && end(stack[stack.length - 1]!) <= e.ts! + SAME) stack.pop();
      return stack.length === 0 || end(e) <= end(stack[stack.length - 1]!) + SAME;
    });
    if (!lane) lanes.push((lane = []));
    parent.set(e, lane[lane.length - 1] ?? null);
    lane.push(e);
  }
  return parent;
}

/** A duration as the panel writes it ("12.3 µs", "1.25 ms"), in µs, with half its last digit. */
function parseDuration(text: string): { us: number; tolerance: number } {
  const m = /^(-?[\d.]+) (s|ms|µs|ns)$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: "${text}"`);
  const scale = { s: 1e6, ms: 1e3, µs: 1, ns: 1e-3 }[m[2] as 's' | 'ms' | 'µs' | 'ns'];
  const decimals = m[1]!.split('.')[1]?.length ?? 0;
  return { us: Number(m[1]) * scale, tolerance: 0.5 * 10 ** -decimals * scale + 1e-6 };
}

function expectDuration(text: string, us: number): void {
  const shown = parseDuration(text);
  expect(Math.abs(shown.us - us), `${text} for ${us} µs`).toBeLessThanOrEqual(shown.tolerance);
}

async function open(page: Page): Promise<RawEvent[]> {
  const events = await rawEvents(FILE);
  await openApp(page);
  await dropFile(page, TRACES + FILE);
  await waitForTrace(page, FILE);
  return events;
}

const selection = async (page: Page) => (await page.evaluate(() => window.kinetoscope.state())).selection!;

test('a launch call lists the kernel it launched with the latency; a click selects the kernel', async ({ page }) => {
  const evs = await open(page);
  const t0 = Math.min(...evs.filter((e) => typeof e.ts === 'number' && e.ph !== 'M').map((e) => e.ts!));
  const gpuByCorr = new Map<unknown, RawEvent>();
  for (const e of evs) if (isGpu(e) && e.args?.correlation !== undefined) gpuByCorr.set(e.args.correlation, e);
  const launches = evs.filter((e) => e.ph === 'X' && e.name === 'cudaLaunchKernel').sort((a, b) => a.ts! - b.ts!);
  const nth = launches.findIndex((e) => gpuByCorr.has(e.args?.correlation));
  expect(nth).toBeGreaterThanOrEqual(0);
  const launch = launches[nth]!;
  const kernel = gpuByCorr.get(launch.args!.correlation)!;

  expect(await page.evaluate((n) => window.kinetoscope.select({ name: 'cudaLaunchKernel', nth: n }), nth)).toBe(true);
  const sel = await selection(page);
  expect(Math.abs(sel.start - (launch.ts! - t0))).toBeLessThan(1e-3); // the same event

  const panel = page.getByTestId('details');
  const launched = panel.getByRole('region', { name: 'Launched', exact: true });
  const items = launched.getByRole('listitem');
  await expect(items).toHaveCount(1);
  await expect(items.first().getByRole('button')).toHaveText(kernel.name!);
  const meta = (await items.first().locator('.kt-flow-meta').textContent())!;
  const m = /^latency (.+) · (.+)$/.exec(meta);
  expect(m, meta).not.toBeNull();
  expectDuration(m![1]!, kernel.ts! - launch.ts!);
  expect(m![2]).toContain(`stream ${String(kernel.args!.stream ?? kernel.tid)}`);
  // shown once: not again under the flows
  await expect(panel.getByRole('button', { name: `Select ${kernel.name}`, exact: true })).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('launched-light.png') });

  await items.first().getByRole('button').click();
  const k = await selection(page);
  expect(k.name).toBe(kernel.name);
  expect(Math.abs(k.start - (kernel.ts! - t0))).toBeLessThan(1e-3);
  // and the kernel's panel leads back to the launch, with the same latency
  const by = panel.getByRole('region', { name: 'Launched by', exact: true });
  await expect(by.getByRole('button')).toHaveText('cudaLaunchKernel');
  expectDuration(/^latency (.+?) ·/.exec((await by.locator('.kt-flow-meta').textContent())!)![1]!, kernel.ts! - launch.ts!);
  await page.getByRole('button', { name: 'Switch light/dark theme' }).click();
  await by.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('launched-by-dark.png') });
});

test('a CPU op: self time, GPU work inside, and the parent chain from the outermost, by mouse and keyboard', async ({ page }) => {
  const evs = await open(page);
  const xs = evs.filter((e) => e.ph === 'X' && typeof e.ts === 'number' && typeof e.dur === 'number');
  const ops = xs.filter((e) => e.name === 'aten::linear').sort((a, b) => a.ts! - b.ts!);
  const op = ops[0]!;
  const parent = laneParents(xs.filter((e) => thread(e) === thread(op)));
  const children = [...parent].filter(([, p]) => p === op).map(([c]) => c);
  expect(children.length).toBeGreaterThan(0);
  const selfUs = op.dur! - children.reduce((s, c) => s + c.dur!, 0);
  const parents: RawEvent[] = [];
  for (let p = parent.get(op)!; p; p = parent.get(p)!) parents.unshift(p);
  expect(parents.length).toBeGreaterThan(1);
  const below = (e: RawEvent): boolean => {
    for (let p = parent.get(e); p; p = parent.get(p)) if (p === op) return true;
    return false;
  };
  // GPU work launched from runtime calls below it.
  const gpuByCorr = new Map<unknown, RawEvent[]>();
  for (const e of evs) if (isGpu(e) && e.args?.correlation !== undefined) gpuByCorr.set(e.args.correlation, [...(gpuByCorr.get(e.args.correlation) ?? []), e]);
  const gpu = xs.filter((e) => isRuntime(e) && below(e) && e.args?.correlation !== undefined).flatMap((e) => gpuByCorr.get(e.args!.correlation) ?? []);
  expect(gpu.length).toBeGreaterThan(0);

  expect(await page.evaluate(() => window.kinetoscope.select({ name: 'aten::linear' }))).toBe(true);
  expect((await selection(page)).dur).toBeCloseTo(op.dur!, 6);
  const panel = page.getByTestId('details');
  const selfCell = panel.getByRole('rowheader', { name: 'Self', exact: true }).locator('xpath=following-sibling::td');
  await expect(selfCell).toHaveText(/ %\)$/);
  const [, selfText, pct] = /^(.+) \((.+) %\)$/.exec((await selfCell.textContent())!)!;
  expectDuration(selfText!, selfUs);
  expect(Math.abs(Number(pct) - (100 * selfUs) / op.dur!)).toBeLessThanOrEqual(0.05 + 1e-9);

  const gpuInside = panel.getByRole('region', { name: 'GPU work inside' });
  const [, count, device] = /^GPU work inside(\d+) GPU events?, (.+) device time$/.exec((await gpuInside.textContent())!)!;
  expect(Number(count)).toBe(gpu.length);
  expectDuration(device!, gpu.reduce((s, e) => s + e.dur!, 0));

  const chain = panel.getByRole('region', { name: 'Parents' }).getByRole('button');
  await expect(chain).toHaveText(parents.map((p) => p.name!));
  for (let i = 0; i < parents.length; i++) await expect(chain.nth(i)).toHaveAttribute('title', parents[i]!.name!);
  await page.screenshot({ path: test.info().outputPath('cpu-op-light.png') });
  await page.getByRole('button', { name: 'Switch light/dark theme' }).click();
  await page.screenshot({ path: test.info().outputPath('cpu-op-dark.png') });

  // By keyboard: Enter on the first parent selects the outermost slice.
  await chain.first().focus();
  await page.keyboard.press('Enter');
  const outer = await selection(page);
  expect(outer.name).toBe(parents[0]!.name);
  expect(outer.dur).toBeCloseTo(parents[0]!.dur!, 6);
  await expect(panel.getByRole('region', { name: 'Parents' })).toContainText('None: it is at the top of its track.');
  // By mouse: the op again, then its direct parent (the last button).
  expect(await page.evaluate(() => window.kinetoscope.select({ name: 'aten::linear' }))).toBe(true);
  await chain.last().click();
  const direct = await selection(page);
  expect(direct.name).toBe(parents[parents.length - 1]!.name);
  expect(direct.dur).toBeCloseTo(parents[parents.length - 1]!.dur!, 6);
});
