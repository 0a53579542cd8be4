// The Overview tab on real traces: steps, their breakdown and the device figures, against a
// plain computation from the raw JSON (a sweep over event boundaries), the bars, a click
// zooming to a step, one step for traces without ProfilerStep, screenshots in both themes.

import { expect, test, type Page } from '@playwright/test';
import { apiState, openCorpusTrace, rawEvents, TRACES, type RawEvent } from './helpers/viewer.ts';
import { readTraceText } from '../src/testing/read-trace-node.ts';

const KEYS = ['kernel', 'memcpy', 'memset', 'communication', 'runtime', 'dataLoader', 'cpuExec', 'other'] as const;
type Key = (typeof KEYS)[number];
type Bd = Record<Key, number>;

interface Got {
  steps: { name: string; start: number; end: number; breakdown: Bd }[];
  devices: { device: string; utilizationPct: number; smEfficiencyPct: number; occupancyPct: number | null }[];
}

const lc = (e: RawEvent): string => String(e.cat ?? '').toLowerCase();
const isKernel = (e: RawEvent): boolean => lc(e) === 'kernel';
const isGpu = (e: RawEvent): boolean => ['kernel', 'gpu_memcpy', 'memcpy', 'gpu_memset', 'memset'].includes(lc(e));
const isRuntime = (e: RawEvent): boolean => ['cuda_runtime', 'cuda_driver', 'runtime'].includes(lc(e));
const isDataLoader = (n: string): boolean => (n.startsWith('enumerate(DataLoader)#') && n.endsWith('__next__')) || n.startsWith('enumerate(DataPipe)#');

/** The category index of an event in the priority order, or -1. */
function category(e: RawEvent): number {
  const c = lc(e);
  const name = e.name ?? '';
  if (c === 'kernel') return /nccl/i.test(name) ? 3 : 0;
  if (c === 'gpu_memcpy' || c === 'memcpy') return 1;
  if (c === 'gpu_memset' || c === 'memset') return 2;
  if (isRuntime(e)) return 4;
  if (isDataLoader(name)) return 5;
  if (['cpu_op', 'operator', 'user_annotation', 'python_function'].includes(c) && !name.startsWith('ProfilerStep#')) return 6;
  return -1;
}

function expected(evs: RawEvent[], numSms: (device: number) => number | null) {
  const xs = evs.filter((e) => e.ph === 'X' && typeof e.ts === 'number');
  const t0 = Math.min(...evs.filter((e) => typeof e.ts === 'number' && e.ph !== 'M').map((e) => e.ts!));
  const gpuPids = new Set(xs.filter(isGpu).map((e) => String(e.pid)));
  // Steps: ProfilerStep# slices on CPU threads, clamped, extended to the GPU work launched inside.
  const host = xs.filter((e) => e.name!.startsWith('ProfilerStep#') && !gpuPids.has(String(e.pid)) && lc(e) !== 'gpu_user_annotation').sort((a, b) => a.ts! - b.ts!);
  const gpuEndByCorr = new Map<unknown, number>();
  for (const g of xs) {
    if (!isGpu(g) || g.args?.correlation === undefined) continue;
    gpuEndByCorr.set(g.args.correlation, Math.max(gpuEndByCorr.get(g.args.correlation) ?? -Infinity, g.ts! + (g.dur ?? 0)));
  }
  const steps: { name: string; start: number; end: number }[] = [];
  if (host.length === 0) {
    const lasting = xs.filter((e) => (e.dur ?? 0) > 0);
    steps.push({ name: 'whole trace', start: Math.min(...lasting.map((e) => e.ts!)) - t0, end: Math.max(...lasting.map((e) => e.ts! + e.dur!)) - t0 });
  } else {
    const runtime = xs.filter(isRuntime);
    let prev = -Infinity;
    for (const h of host) {
      let end = h.ts! + h.dur!;
      for (const r of runtime) {
        if (r.ts! >= h.ts! && r.ts! + (r.dur ?? 0) <= h.ts! + h.dur!) end = Math.max(end, gpuEndByCorr.get(r.args?.correlation) ?? -Infinity);
      }
      const s = Math.max(h.ts!, prev);
      end = Math.max(end, s);
      steps.push({ name: h.name!, start: s - t0, end: end - t0 });
      prev = end;
    }
  }
  // Breakdown: one sweep over all boundaries, each piece to the first category open over it.
  const bounds: [number, number, number][] = [];
  for (const e of xs) {
    const c = category(e);
    if (c < 0 || !((e.dur ?? 0) > 0)) continue;
    bounds.push([e.ts! - t0, c, 1], [e.ts! + e.dur! - t0, c, -1]);
  }
  bounds.sort((a, b) => a[0] - b[0]);
  const breakdowns = steps.map(() => Object.fromEntries(KEYS.map((k) => [k, 0])) as Bd);
  const open = Array.from({ length: 7 }, () => 0);
  const add = (a: number, b: number): void => {
    if (!(b > a)) return;
    const c = open.findIndex((n) => n > 0);
    const key = KEYS[c < 0 ? 7 : c]!;
    steps.forEach((s, k) => {
      const d = Math.min(b, s.end) - Math.max(a, s.start);
      if (d > 0) breakdowns[k]![key] += d;
    });
  };
  let prevT = Math.min(steps[0]!.start, bounds[0]?.[0] ?? Infinity);
  for (const [t, c, d] of bounds) {
    add(prevT, t);
    open[c]! += d;
    prevT = t;
  }
  add(prevT, Math.max(prevT, steps[steps.length - 1]!.end));
  // Devices over [first step start, last step end].
  const w0 = steps[0]!.start;
  const w1 = steps[steps.length - 1]!.end;
  const byDevice = new Map<string, RawEvent[]>();
  for (const k of xs.filter(isKernel)) {
    const d = String(k.args?.device ?? k.pid);
    byDevice.set(d, [...(byDevice.get(d) ?? []), k]);
  }
  const devices = [...byDevice.entries()].sort((a, b) => Number(a[0]) - Number(b[0])).map(([device, ks]) => {
    const iv = ks.map((k) => {
      const a = k.args ?? {};
      const bps = a['blocks per SM'] as number | undefined;
      const grid = a.grid as number[] | undefined;
      const sms = numSms(Number(device));
      const v = bps !== undefined ? Math.min(1, bps) : grid && sms ? Math.min(1, (grid[0]! * (grid[1] || 1) * (grid[2] || 1)) / sms) : 0;
      return { s: Math.max(w0, k.ts! - t0), e: Math.min(w1, k.ts! + k.dur! - t0), v, occ: a['est. achieved occupancy %'] as number | undefined };
    }).filter((k) => k.e > k.s);
    const ev: [number, number, number][] = [];
    for (const k of iv) ev.push([k.s, 1, k.v], [k.e, -1, -k.v]);
    ev.sort((a, b) => a[0] - b[0]);
    let n = 0;
    let sum = 0;
    let busy = 0;
    let eff = 0;
    let last = w0;
    for (const [t, dn, dv] of ev) {
      if (n > 0) {
        busy += t - last;
        eff += Math.min(1, sum) * (t - last);
      }
      n += dn;
      sum = n === 0 ? 0 : sum + dv;
      last = t;
    }
    const withOcc = iv.filter((k) => k.occ !== undefined);
    const occDur = withOcc.reduce((a, k) => a + (k.e - k.s), 0);
    return {
      device,
      utilizationPct: (100 * busy) / (w1 - w0),
      smEfficiencyPct: (100 * eff) / (w1 - w0),
      occupancyPct: occDur > 0 ? withOcc.reduce((a, k) => a + k.occ! * (k.e - k.s), 0) / occDur : null,
    };
  });
  return { steps, breakdowns, devices };
}

async function smLookup(file: string): Promise<(device: number) => number | null> {
  const j = JSON.parse(await readTraceText(TRACES + file)) as { deviceProperties?: { id: number; numSms?: number }[] };
  return (d) => j.deviceProperties?.find((p) => p.id === d)?.numSms ?? null;
}

/** Within 0.01 µs or 1e-6 of the step (the raw JSON's doubles lose a few ns at epoch scale). */
const near = (got: number, want: number, scale: number): boolean => Math.abs(got - want) <= Math.max(0.01, 1e-6 * Math.abs(scale));

async function checkAgainstRaw(page: Page, file: string, minSteps: number): Promise<{ got: Got; want: ReturnType<typeof expected> }> {
  const evs = await rawEvents(file);
  const want = expected(evs, await smLookup(file));
  const got = (await page.evaluate(() => window.kinetoscope.overview())) as Got;
  expect(got.steps.length).toBeGreaterThanOrEqual(minSteps);
  expect(got.steps.map((s) => s.name)).toEqual(want.steps.map((s) => s.name));
  for (const [k, s] of got.steps.entries()) {
    const w = want.steps[k]!;
    const span = w.end - w.start;
    expect(near(s.start, w.start, span) && near(s.end, w.end, span), `${s.name}: [${s.start}, ${s.end}] vs [${w.start}, ${w.end}]`).toBe(true);
    for (const key of KEYS) expect(near(s.breakdown[key], want.breakdowns[k]![key], span), `${s.name} ${key}: ${s.breakdown[key]} vs ${want.breakdowns[k]![key]}`).toBe(true);
    expect(near(KEYS.reduce((a, key) => a + s.breakdown[key], 0), s.end - s.start, span)).toBe(true);
  }
  expect(got.devices.map((d) => d.device)).toEqual(want.devices.map((d) => d.device));
  for (const [k, d] of got.devices.entries()) {
    const w = want.devices[k]!;
    expect(d.utilizationPct).toBeCloseTo(w.utilizationPct, 4);
    expect(d.smEfficiencyPct).toBeCloseTo(w.smEfficiencyPct, 4);
    if (w.occupancyPct === null) expect(d.occupancyPct).toBeNull();
    else expect(d.occupancyPct!).toBeCloseTo(w.occupancyPct, 4);
  }
  return { got, want };
}

async function biggerDrawer(page: Page): Promise<void> {
  const split = page.getByTestId('drawer-split');
  await split.focus();
  for (let k = 0; k < 12; k++) await page.keyboard.press('ArrowUp');
}

test('resnet50: six steps, their breakdown and the devices as a plain scan of the file; bars; a click zooms to a step; screenshots', async ({ page }) => {
  const file = 'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz';
  await openCorpusTrace(page, file);
  // A trace with GPU work opens on the Overview, the first tab.
  const tabs = page.getByTestId('drawer').getByRole('tab');
  await expect(tabs.first()).toHaveText('Overview');
  await expect(tabs.first()).toHaveAttribute('aria-selected', 'true');
  const { got, want } = await checkAgainstRaw(page, file, 6);
  expect(got.steps).toHaveLength(6);
  expect(want.breakdowns.every((b) => b.kernel > 0)).toBe(true); // the scan found kernels in every step
  // The steps and their breakdown came from the trace worker (worked out there after the
  // load), not from the page's fallback.
  const stats = await page.evaluate(() => window.kinetoscope.insightStats());
  expect(stats.overviewWorkerMs).toBeGreaterThan(0);
  expect(stats.readyMs).toBeGreaterThan(0);

  // One bar per step: each category's path has a bar for each step with time in it.
  const chart = page.getByTestId('overview-chart');
  await expect(chart).toHaveAttribute('data-steps', '6');
  for (const key of KEYS) {
    const bars = got.steps.filter((s) => s.breakdown[key] > 0).length;
    const path = chart.locator(`[data-testid="overview-seg"][data-key="${key}"]`);
    if (bars === 0) await expect(path).toHaveCount(0);
    else await expect(path).toHaveAttribute('data-bars', String(bars));
  }
  await expect(page.getByTestId('overview-device')).toHaveCount(got.devices.length);
  await expect(page.getByTestId('row-steps')).toHaveCount(6);

  // Hover: moving along the chart picks the step under the pointer; the tooltip gives its
  // breakdown with each category's time and share.
  const current = page.getByTestId('overview-current');
  const hoverStep = async (k: number): Promise<void> => {
    const box = (await chart.boundingBox())!;
    for (let px = 0; px < box.width; px += 4) {
      await page.mouse.move(box.x + px, box.y + box.height / 2);
      if ((await current.count()) > 0 && (await current.getAttribute('data-step')) === String(k)) return;
    }
    throw new Error(`no x over step ${k}`);
  };
  await hoverStep(2);
  await expect(page.getByTestId('overview-tip')).toContainText(got.steps[2]!.name);
  await expect(page.getByTestId('overview-tip')).toContainText('Kernel');
  await expect(page.getByTestId('overview-tip')).toContainText('%');

  // A click on a bar zooms the view to exactly its step.
  await hoverStep(3);
  await page.mouse.down();
  await page.mouse.up();
  await expect.poll(async () => (await apiState(page)).view).toEqual({ start: got.steps[3]!.start, end: got.steps[3]!.end });
  // A row by keyboard: focus the table, go to the second row, Enter.
  await page.getByRole('grid', { name: 'steps table' }).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await apiState(page)).view).toEqual({ start: got.steps[1]!.start, end: got.steps[1]!.end });
  // And a bar by keyboard: the chart is one stop; End picks the last step, Left the one before.
  await page.mouse.move(0, 0);
  await chart.focus();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await expect(current).toHaveAttribute('data-step', '4');
  expect(await chart.getAttribute('aria-valuetext')).toContain(got.steps[4]!.name);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await apiState(page)).view).toEqual({ start: got.steps[5]!.start, end: got.steps[5]!.end });

  await biggerDrawer(page);
  await page.getByTestId('overview').evaluate((e) => e.scrollTo(0, 0));
  await hoverStep(2);
  await page.screenshot({ path: test.info().outputPath('overview-light.png') });
  await page.getByRole('button', { name: 'Switch light/dark theme' }).click();
  await page.getByTestId('overview').evaluate((e) => e.scrollTo(0, 0));
  await hoverStep(2);
  await page.screenshot({ path: test.info().outputPath('overview-dark.png') });
});

test('nccl_data: communication kernels take their share; checked against the file', async ({ page }) => {
  const file = 'hta__nccl_data.json.gz';
  await openCorpusTrace(page, file);
  const { got } = await checkAgainstRaw(page, file, 3);
  expect(got.steps.some((s) => s.breakdown.communication > 0)).toBe(true);
});

test('trace_compare_base: two steps with copies and memsets; checked against the file', async ({ page }) => {
  const file = 'hta__trace_compare_base.json.gz';
  await openCorpusTrace(page, file);
  await checkAgainstRaw(page, file, 2);
});

test('a GPU trace without ProfilerStep is one step over its content, and the tab says so', async ({ page }) => {
  const file = 'hta__step_based_trace_2543932.json.gz';
  await openCorpusTrace(page, file);
  const { got } = await checkAgainstRaw(page, file, 1);
  expect(got.steps).toHaveLength(1);
  await expect(page.getByTestId('overview-note')).toContainText('No ProfilerStep in this trace: the whole trace is one step');
  await expect(page.getByTestId('overview-chart')).toHaveAttribute('data-steps', '1');
});

test('a CPU-only trace keeps the Kernels tab first-opened; its Overview, last, says why it is thin', async ({ page }) => {
  await openCorpusTrace(page, 'catapult__simple_trace.json');
  const tabs = page.getByTestId('drawer').getByRole('tab');
  await expect(tabs.first()).toHaveText('Range');
  await expect(tabs.last()).toHaveText('Overview');
  await expect(page.getByRole('tab', { name: 'Kernels' })).toHaveAttribute('aria-selected', 'true');
  await tabs.last().click();
  await expect(page.getByTestId('overview-note')).toContainText('No GPU work in this trace');
  await expect(page.getByTestId('overview-no-devices')).toBeVisible();
  const got = (await page.evaluate(() => window.kinetoscope.overview())) as Got;
  expect(got.steps).toHaveLength(1);
  expect(got.devices).toEqual([]);
  await page.screenshot({ path: test.info().outputPath('overview-cpu-only.png') });
});
