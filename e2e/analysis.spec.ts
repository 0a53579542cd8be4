// The analysis layer on real traces: the kernel, operator and range tables and a search
// through window.kinetoscope, each against figures this test computes from the raw JSON; the
// drawer's tables by mouse and keyboard (a row click highlights and steps through the
// instances); the details of a kernel and of a launch.

import { expect, test, type Page } from '@playwright/test';
import { dropBytes, openApp, openCorpusTrace, type RawEvent, rawEvents, waitForTrace, pngPixels } from './helpers/viewer.ts';

const lc = (e: RawEvent): string => (e.cat ?? '').toLowerCase();
const isKernel = (e: RawEvent): boolean => e.ph === 'X' && lc(e) === 'kernel';
const isOp = (e: RawEvent): boolean => e.ph === 'X' && (lc(e) === 'cpu_op' || lc(e) === 'operator');
const isRuntime = (e: RawEvent): boolean => e.ph === 'X' && ['cuda_runtime', 'cuda_driver', 'runtime'].includes(lc(e));
const isGpu = (e: RawEvent): boolean => e.ph === 'X' && ['kernel', 'gpu_memcpy', 'memcpy', 'gpu_memset', 'memset'].includes(lc(e));

/** Per name: count and total of the kernels. */
function kernelFigures(evs: RawEvent[]): Map<string, { count: number; total: number }> {
  const out = new Map<string, { count: number; total: number }>();
  for (const e of evs.filter(isKernel)) {
    const r = out.get(e.name!) ?? { count: 0, total: 0 };
    r.count++;
    r.total += e.dur!;
    out.set(e.name!, r);
  }
  return out;
}

/** Per op name: host total/self and device total/self, nesting by a stack per thread. */
function operatorFigures(evs: RawEvent[]) {
  const gpuByCorr = new Map<number, number>();
  for (const e of evs.filter(isGpu)) {
    const c = e.args?.correlation;
    if (typeof c === 'number') gpuByCorr.set(c, (gpuByCorr.get(c) ?? 0) + e.dur!);
  }
  const threads = new Map<string, { e: RawEvent; k: number }[]>();
  evs.forEach((e, k) => {
    if (e.ph !== 'X' || typeof e.ts !== 'number') return;
    const key = `${e.pid}|${e.tid}`;
    threads.set(key, [...(threads.get(key) ?? []), { e, k }]);
  });
  const rows = new Map<string, { count: number; hostTotal: number; hostSelf: number; deviceTotal: number; deviceSelf: number }>();
  const row = (n: string) => {
    let r = rows.get(n);
    if (!r) rows.set(n, (r = { count: 0, hostTotal: 0, hostSelf: 0, deviceTotal: 0, deviceSelf: 0 }));
    return r;
  };
  for (const list of threads.values()) {
    list.sort((a, b) => a.e.ts! - b.e.ts! || b.e.dur! - a.e.dur! || a.k - b.k);
    const opStack: RawEvent[] = []; // the enclosing operators of the current slice
    const open: RawEvent[] = []; // every enclosing slice
    for (const { e } of list) {
      while (open.length && open[open.length - 1]!.ts! + open[open.length - 1]!.dur! <= e.ts!) {
        const closed = open.pop()!;
        if (opStack[opStack.length - 1] === closed) opStack.pop();
      }
      const parentOp = opStack[opStack.length - 1];
      if (isOp(e)) {
        const r = row(e.name!);
        r.count++;
        r.hostTotal += e.dur!;
        r.hostSelf += e.dur!;
        if (parentOp) row(parentOp.name!).hostSelf -= e.dur!;
      }
      if (isRuntime(e) && typeof e.args?.correlation === 'number') {
        const g = gpuByCorr.get(e.args.correlation) ?? 0;
        if (parentOp) row(parentOp.name!).deviceSelf += g;
        for (const op of opStack) row(op.name!).deviceTotal += g;
      }
      open.push(e);
      if (isOp(e)) opStack.push(e);
    }
  }
  return rows;
}

async function openTrace(page: Page, file: string): Promise<void> {
  await openCorpusTrace(page, file);
}

const near = (a: number, b: number, tol = 1e-3): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

for (const file of ['kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz', 'tracelens__h100_gaunernst_bert-small-uncased__1016001.json.gz']) {
  test(`${file}: the kernel and operator tables match the raw events`, async ({ page }) => {
    const evs = await rawEvents(file);
    await openTrace(page, file);
    const kernels = (await page.evaluate(() => window.kinetoscope.table('kernels'))) as { name: string; count: number; totalUs: number; pctOfKernelTime: number }[];
    const kf = kernelFigures(evs);
    expect(kernels.length).toBe(kf.size);
    expect(kernels.length).toBeGreaterThan(5);
    const allKernel = [...kf.values()].reduce((a, r) => a + r.total, 0);
    for (const r of kernels) {
      const f = kf.get(r.name)!;
      expect(r.count).toBe(f.count);
      near(r.totalUs, f.total);
      near(r.pctOfKernelTime, (100 * f.total) / allKernel);
    }
    const ops = (await page.evaluate(() => window.kinetoscope.table('operators'))) as { name: string; count: number; hostTotalUs: number; hostSelfUs: number; deviceTotalUs: number; deviceSelfUs: number }[];
    const of = operatorFigures(evs);
    expect(ops.map((r) => r.name).sort()).toEqual([...of.keys()].sort());
    let deviceSeen = 0;
    for (const r of ops) {
      const f = of.get(r.name)!;
      expect(r.count).toBe(f.count);
      near(r.hostTotalUs, f.hostTotal);
      near(r.hostSelfUs, f.hostSelf);
      near(r.deviceTotalUs, f.deviceTotal);
      near(r.deviceSelfUs, f.deviceSelf);
      deviceSeen += r.deviceSelfUs;
    }
    expect(deviceSeen).toBeGreaterThan(0);
  });
}

test('a range table clips to the range, and a search counts slices and instants by name', async ({ page }) => {
  const file = 'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz';
  const evs = await rawEvents(file);
  await openTrace(page, file);
  const t0 = Math.min(...evs.filter((e) => typeof e.ts === 'number' && e.ph !== 'M').map((e) => e.ts!));
  const a = 200_000;
  const b = 260_000;
  const rows = (await page.evaluate(({ start, end }) => window.kinetoscope.table('slices', { start, end }), { start: a, end: b })) as { name: string; group: string; count: number; totalUs: number }[];
  for (const name of ['cudaLaunchKernel', 'aten::conv2d']) {
    // slices sharing time with the range (touching its edge is not enough)
    const mine = evs.filter((e) => e.ph === 'X' && e.name === name && (e.dur! > 0 ? e.ts! - t0 < b && e.ts! - t0 + e.dur! > a : e.ts! - t0 >= a && e.ts! - t0 <= b));
    const total = mine.reduce((s, e) => s + Math.max(0, Math.min(e.ts! - t0 + e.dur!, b) - Math.max(e.ts! - t0, a)), 0);
    const r = rows.find((x) => x.name === name && x.group === 'cpu')!;
    expect(r.count).toBe(mine.length);
    near(r.totalUs, total);
  }
  const expected = evs.filter((e) => (e.ph === 'X' || e.ph === 'i' || e.ph === 'I') && (e.name ?? '').toLowerCase().includes('conv')).length;
  expect(expected).toBeGreaterThan(100);
  expect((await page.evaluate(() => window.kinetoscope.search('CONV'))).count).toBe(expected);
  await expect(page.getByTestId('search-status')).toContainText(`${expected.toLocaleString('en-US')} matches`);
  // a regular expression, and one that would backtrack forever: stopped, said so, page alive
  const re = evs.filter((e) => e.ph === 'X' && /^aten::(relu|add_)$/.test(e.name ?? '')).length;
  expect((await page.evaluate(() => window.kinetoscope.search('/^aten::(relu|add_)$/'))).count).toBe(re);
});

test('a regular expression that would backtrack for ever is stopped, and the page stays responsive', async ({ page }) => {
  await openApp(page);
  // (a+)+$ on forty a's and a '!' takes 2^40 steps
  const trace = { traceEvents: [{ ph: 'X', name: `${'a'.repeat(40)}!`, cat: 'cpu_op', pid: 1, tid: 1, ts: 0, dur: 5 }, { ph: 'X', name: 'aaa', cat: 'cpu_op', pid: 1, tid: 1, ts: 10, dur: 5 }] };
  await dropBytes(page, 'evil.json', new TextEncoder().encode(JSON.stringify(trace)));
  await waitForTrace(page, 'evil.json');
  const t0 = Date.now();
  const bad = await page.evaluate(() => window.kinetoscope.search('/(a+)+$/').then(() => 'finished', (e: Error) => e.message));
  expect(bad).toMatch(/stopped/);
  expect(Date.now() - t0).toBeLessThan(10_000);
  await expect(page.getByTestId('search-status')).toContainText('simplify it');
  // the page answered all along, and the next search works (a fresh worker)
  expect((await page.evaluate(() => window.kinetoscope.search('/^a+$/'))).count).toBe(1);
  await expect(page.getByTestId('search-status')).toContainText('1 matches');
});

test('the drawer: a kernel row highlights its instances and steps through them; details show self time and launch links', async ({ page }) => {
  const file = 'tracelens__h100_gaunernst_bert-small-uncased__1016001.json.gz';
  const evs = await rawEvents(file);
  await openTrace(page, file);
  const drawer = page.getByTestId('drawer');
  await expect(drawer).toBeVisible();
  await drawer.getByRole('tab', { name: 'Kernels' }).click();
  const rows = page.getByTestId('row-kernels');
  await expect(rows.first()).toBeVisible();
  // sorted by total time: the first row is the kernel with the largest total
  const kf = kernelFigures(evs);
  const top = [...kf.entries()].sort((x, y) => y[1].total - x[1].total)[0]!;
  await expect(rows.first()).toContainText(top[0].slice(0, 20));
  const canvas = page.getByTestId('timeline-canvas');
  const dimPixels = async (): Promise<number> => {
    const { data: d } = await pngPixels(page, await canvas.screenshot());
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === 0xe4 && d[i + 1] === 0xe7 && d[i + 2] === 0xec) n++; // the light theme's dimmed slices
    return n;
  };
  expect(await dimPixels()).toBeLessThan(50); // a few anti-aliased pixels may happen to match
  await rows.first().click();
  await expect(page.getByTestId('stepper-position')).toHaveText(`1 of ${top[1].count}`);
  // the other slices are dimmed on the canvas
  expect(await dimPixels()).toBeGreaterThan(2000);
  const first = (await page.evaluate(() => window.kinetoscope.state())).selection!;
  expect(first.name).toBe(top[0]);
  const t0 = Math.min(...evs.filter((e) => typeof e.ts === 'number' && e.ph !== 'M').map((e) => e.ts!));
  const starts = evs.filter((e) => isKernel(e) && e.name === top[0]).map((e) => e.ts! - t0).sort((x, y) => x - y);
  // (the raw timestamps lose digits when made relative in doubles; the model's are exact)
  expect(Math.abs(first.start - starts[0]!)).toBeLessThan(1e-3);
  await page.getByRole('button', { name: 'Next instance' }).click();
  await expect(page.getByTestId('stepper-position')).toHaveText(`2 of ${top[1].count}`);
  const second = (await page.evaluate(() => window.kinetoscope.state()));
  expect(Math.abs(second.selection!.start - starts[1]!)).toBeLessThan(1e-3);
  expect(second.view.start).toBeLessThanOrEqual(second.selection!.start);
  expect(second.view.end).toBeGreaterThanOrEqual(second.selection!.start);

  // details of the kernel: its launch, by correlation, with the latency
  // args come back from the file a moment after the selection
  await page.waitForFunction(() => window.kinetoscope.details()?.args != null);
  const d = await page.evaluate(() => window.kinetoscope.details());
  const k = evs.filter((e) => isKernel(e) && e.name === top[0]).sort((x, y) => x.ts! - y.ts!)[1]!;
  const launch = evs.find((e) => isRuntime(e) && e.args?.correlation === k.args!.correlation)!;
  expect(d!.launch!.name).toBe(launch.name);
  expect(Math.abs(d!.launch!.latencyUs - (k.ts! - launch.ts!))).toBeLessThan(1e-3);
  expect(d!.selfUs).toBeCloseTo(k.dur!, 6);
  expect(d!.args!.correlation).toBe(k.args!.correlation);
  expect(d!.kernel!.grid).toEqual(k.args!.grid);

  // by keyboard: the table's grid, ↓ and Enter pick the second row
  await page.getByRole('grid', { name: 'kernels table' }).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const second2 = [...kf.entries()].sort((x, y) => y[1].total - x[1].total)[1]!;
  await expect(page.getByTestId('stepper-position')).toHaveText(`1 of ${second2[1].count}`);
  await page.screenshot({ path: test.info().outputPath('drawer-kernels-light.png') });
  await page.getByRole('button', { name: 'Switch light/dark theme' }).click();
  await page.screenshot({ path: test.info().outputPath('drawer-kernels-dark.png') });
});

test('R makes the selected slice the range and Shift+drag on the tracks draws one; the Range tab follows', async ({ page }) => {
  const file = 'tracelens__h100_gaunernst_bert-small-uncased__1016001.json.gz';
  await openTrace(page, file);
  expect(await page.evaluate(() => window.kinetoscope.select({ name: 'aten::linear' }))).toBe(true);
  const sel = (await page.evaluate(() => window.kinetoscope.state())).selection!;
  await page.getByTestId('timeline-canvas').focus();
  await page.keyboard.press('r');
  const range = (await page.evaluate(() => window.kinetoscope.state())).range!;
  expect(range).toEqual({ start: sel.start, end: sel.start + sel.dur });
  await page.getByTestId('drawer').getByRole('tab', { name: 'Range' }).click();
  await expect(page.getByTestId('range-title')).toContainText('Range');
  const linear = page.getByTestId('row-range').filter({ hasText: 'aten::linear' }).first();
  await expect(linear).toBeVisible();
  // CPU threads and GPU streams apart: the GPU rows of the range are those the API gives
  const gpuRows = ((await page.evaluate(({ start, end }) => window.kinetoscope.table('slices', { start, end }), range)) as { group: string }[]).filter((r) => r.group === 'gpu').length;
  expect(gpuRows).toBeGreaterThan(0);
  await page.getByTestId('range-group-gpu').click();
  await expect(page.getByTestId('table-range')).toContainText(`${gpuRows} rows`);
  const shown = await page.getByTestId('row-range').allInnerTexts();
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.every((t) => /\bGPU\b/.test(t))).toBe(true);
  await page.getByTestId('range-group-all').click();
  // Shift+drag across the middle of the tracks
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.6);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  const st = await page.evaluate(() => window.kinetoscope.state());
  const span = st.view.end - st.view.start;
  expect(st.range!.start).toBeCloseTo(st.view.start + 0.3 * span, -1);
  expect((st.range!.end - st.range!.start) / span).toBeGreaterThan(0.19);
  expect((st.range!.end - st.range!.start) / span).toBeLessThan(0.21);
  await page.screenshot({ path: test.info().outputPath('range-tab.png') });
});

test('kernel rows carry their launch configurations, and analysisStats() reports the tasks the tables ran in', async ({ page }) => {
  const file = 'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz';
  const evs = await rawEvents(file);
  await openTrace(page, file);
  expect(await page.evaluate(() => window.kinetoscope.analysisStats(true))).toBeDefined();
  const rows = (await page.evaluate(() => window.kinetoscope.table('kernels', { start: 0 }))) as { name: string; count: number; configs: { count: number; grid: number[]; block: number[] }[] }[];
  const stats = await page.evaluate(() => window.kinetoscope.analysisStats(true));
  expect(stats.tasks).toBeGreaterThan(0);
  expect(stats.longestMs).toBeGreaterThan(0);
  expect(await page.evaluate(() => window.kinetoscope.analysisStats())).toEqual({ longestMs: 0, tasks: 0 });
  // configurations counted from the raw events: distinct (grid, block, registers, shared memory) per name
  const configs = new Map<string, Map<string, number>>();
  for (const e of evs.filter(isKernel)) {
    const key = JSON.stringify([e.args?.grid, e.args?.block, e.args?.['registers per thread'], e.args?.['shared memory']]);
    const m = configs.get(e.name!) ?? new Map<string, number>();
    configs.set(e.name!, m.set(key, (m.get(key) ?? 0) + 1));
  }
  expect(rows.length).toBe(configs.size);
  for (const r of rows) {
    const want = [...configs.get(r.name)!.values()].sort((a, b) => a - b);
    expect(r.configs.map((c) => c.count).sort((a, b) => a - b)).toEqual(want);
    expect(r.configs[0]!.grid).toHaveLength(3);
  }
});
