// The ranks of a distributed run on real traces: opened with open([...]), a multi-file input
// and a drop; ordered by rank on one clock; the breakdown per rank and step and the matched
// collectives against the test's own scan of the raw JSON; a collective's click highlighting
// it on every rank (pixels); the URL with repeated trace= reopening the run; screenshots.

import { readFileSync } from 'node:fs';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { apiState, comparePngs, dropTransfer, openApp, rawEvents, TRACES, type RawEvent } from './helpers/viewer.ts';

const SAMPLED = ['hta__sampled_rank-1.json.gz', 'hta__sampled_rank-0.json.gz']; // given out of order on purpose
const DLRM = [0, 1, 2, 3, 4, 5, 6, 7].map((r) => `param__dlrm_kineto_worker${r}_step_12.${['1694128201545', '1694128201556', '1694128201554', '1694128201557', '1694128201547', '1694128201549', '1694128201553', '1694128201553'][r]}.pt.trace.json`);
const NCCL = 'hta__nccl_data.json.gz';

type Dist = Awaited<ReturnType<Window['kinetoscope']['distributed']>>;

/** Serves corpus files at /runs/<name>, as a web server would (gzip files as bytes). */
async function serveCorpus(context: BrowserContext): Promise<void> {
  await context.route((url) => url.pathname.startsWith('/runs/'), (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.slice('/runs/'.length));
    route.fulfill({ status: 200, contentType: name.endsWith('.gz') ? 'application/gzip' : 'application/json', body: readFileSync(TRACES + name) });
  });
}

const isNccl = (e: RawEvent): boolean => /nccl/i.test(e.name!);
const lc = (e: RawEvent): string => String(e.cat ?? '').toLowerCase();
const isGpu = (e: RawEvent): boolean => ['kernel', 'gpu_memcpy', 'memcpy', 'gpu_memset', 'memset'].includes(lc(e));

/** Merged [s, e) pairs of intervals. */
function merge(iv: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [s, e] of [...iv].filter((x) => x[1] > x[0]).sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}
const within = (m: [number, number][], s: number, e: number): number => m.reduce((a, [x, y]) => a + Math.max(0, Math.min(e, y) - Math.max(s, x)), 0);

interface Expected {
  rank: number | null;
  t0: number;
  steps: { name: string; computationUs: number; communicationUs: number; overlapUs: number; otherUs: number }[];
  /** NCCL kernels in start order, absolute µs. */
  nccl: { name: string; ts: number; dur: number; tid: string }[];
}

/** The plugin's distributed breakdown of one rank file, by a plain scan (steps as the overview's). */
async function expectedRank(file: string): Promise<Expected> {
  const j = JSON.parse(await import('../src/testing/read-trace-node.ts').then((m) => m.readTraceText(TRACES + file))) as { distributedInfo?: { rank?: number } };
  const evs = await rawEvents(file);
  const xs = evs.filter((e) => e.ph === 'X' && typeof e.ts === 'number');
  const t0 = Math.min(...evs.filter((e) => typeof e.ts === 'number' && e.ph !== 'M').map((e) => e.ts!));
  const gpuPids = new Set(xs.filter(isGpu).map((e) => String(e.pid)));
  const host = xs.filter((e) => e.name!.startsWith('ProfilerStep#') && !gpuPids.has(String(e.pid)) && lc(e) !== 'gpu_user_annotation').sort((a, b) => a.ts! - b.ts!);
  const gpuEnd = new Map<unknown, number>();
  for (const g of xs) if (isGpu(g) && g.args?.correlation !== undefined) gpuEnd.set(g.args.correlation, Math.max(gpuEnd.get(g.args.correlation) ?? -Infinity, g.ts! + (g.dur ?? 0)));
  const runtime = xs.filter((e) => ['cuda_runtime', 'cuda_driver', 'runtime'].includes(lc(e)));
  const spans: { name: string; s: number; e: number }[] = [];
  let prev = -Infinity;
  for (const h of host) {
    let end = h.ts! + h.dur!;
    for (const r of runtime) if (r.ts! >= h.ts! && r.ts! + (r.dur ?? 0) <= h.ts! + h.dur!) end = Math.max(end, gpuEnd.get(r.args?.correlation) ?? -Infinity);
    const s = Math.max(h.ts!, prev);
    end = Math.max(end, s);
    spans.push({ name: h.name!, s, e: end });
    prev = end;
  }
  const kernels = xs.filter((e) => lc(e) === 'kernel');
  const comp = merge(kernels.filter((k) => !isNccl(k)).map((k) => [k.ts!, k.ts! + (k.dur ?? 0)]));
  const comm = merge(kernels.filter(isNccl).map((k) => [k.ts!, k.ts! + (k.dur ?? 0)]));
  // Overlap by a sweep over both sets' boundaries (not an intersection of the merged lists).
  const both = (s: number, e: number): number => {
    const pts = [...new Set([s, e, ...comp.flat(), ...comm.flat()])].filter((x) => x >= s && x <= e).sort((a, b) => a - b);
    let t = 0;
    for (let k = 0; k + 1 < pts.length; k++) {
      const mid = (pts[k]! + pts[k + 1]!) / 2;
      if (comp.some(([a, b]) => a <= mid && mid < b) && comm.some(([a, b]) => a <= mid && mid < b)) t += pts[k + 1]! - pts[k]!;
    }
    return t;
  };
  const steps = spans.map(({ name, s, e }) => {
    const computationUs = within(comp, s, e);
    const communicationUs = within(comm, s, e);
    const overlapUs = both(s, e);
    return { name, computationUs, communicationUs, overlapUs, otherUs: e - s - computationUs - communicationUs + overlapUs };
  });
  const nccl = kernels.filter(isNccl).sort((a, b) => a.ts! - b.ts!).map((k) => ({ name: k.name!, ts: k.ts!, dur: k.dur ?? 0, tid: String(k.tid) }));
  return { rank: j.distributedInfo?.rank ?? null, t0, steps, nccl };
}

async function openRanksApi(page: Page, files: string[], viaUrl = false): Promise<void> {
  await openApp(page);
  if (viaUrl) {
    await page.evaluate((urls) => window.kinetoscope.open(urls), files.map((f) => `/runs/${f}`));
  } else {
    await page.evaluate(async (list) => {
      const fs = await Promise.all(list.map(async ({ name, b64 }) => new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name)));
      await window.kinetoscope.open(fs);
    }, files.map((name) => ({ name, b64: readFileSync(TRACES + name).toString('base64') })));
  }
}

function checkBreakdown(got: Dist, want: Expected[]): void {
  expect(got.ranks.map((r) => r.rank)).toEqual(want.map((w) => w.rank));
  got.ranks.forEach((r, i) => {
    const w = want[i]!;
    expect(r.steps.map((s) => s.name)).toEqual(w.steps.map((s) => s.name));
    r.steps.forEach((s, k) => {
      const e = w.steps[k]!;
      // Within 0.05 µs: JSON.parse rounds epoch-scale timestamps (4.4e12 µs) to ~0.0005 µs each,
      // and thousands of kernel edges add up; the viewer reads the digits exactly.
      for (const key of ['computationUs', 'communicationUs', 'overlapUs', 'otherUs'] as const) expect(s[key], `${r.file} ${s.name} ${key}`).toBeCloseTo(e[key], 1);
    });
  });
}

test('two sampled ranks opened with open([...]) are one run: by rank, one clock, breakdown and collectives as computed from the raw files', async ({ page }) => {
  await openRanksApi(page, SAMPLED);
  const st = await apiState(page);
  expect(st.traces.map((t) => t.name)).toEqual(['hta__sampled_rank-0.json.gz', 'hta__sampled_rank-1.json.gz']);
  await expect(page.getByRole('tab', { name: 'Distributed' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('ranks-clock')).toContainText('ranks on one clock: Kineto timestamps');
  const want = [await expectedRank(SAMPLED[1]!), await expectedRank(SAMPLED[0]!)];
  const got = await page.evaluate(() => window.kinetoscope.distributed());
  checkBreakdown(got, want);
  expect(want[0]!.steps.length).toBe(2); // a check that can fail: both files have two steps
  expect(want[0]!.steps.some((s) => s.communicationUs > 0)).toBe(true);
  // Collectives: matched by order (no Seq in these files); count, and the wait and transfer of the first.
  const n = Math.max(want[0]!.nccl.length, want[1]!.nccl.length);
  expect(got.collectives.length).toBe(n);
  const [ka, kb] = [want[0]!.nccl[0]!, want[1]!.nccl[0]!];
  const transfer = Math.min(ka.dur, kb.dur);
  expect(got.collectives[0]!.transferUs).toBeCloseTo(transfer, 6);
  expect(got.collectives[0]!.waitUs[0]).toBeCloseTo(ka.dur - transfer, 6);
  expect(got.collectives[0]!.waitUs[1]).toBeCloseTo(kb.dur - transfer, 6);
  expect(got.collectives[0]!.ranks).toBe(2);
  // Group headers on the timeline say which rank is which.
  const groups = await page.evaluate(() => window.kinetoscope.trackBoxes());
  expect(new Set(groups.map((x) => x.trace)).size).toBe(2);
  await expect(page.getByTestId('ranks-straggler')).toContainText(/arrived last in \d+ of \d+ collectives/);

  // On screen: a click on the first collective highlights its kernel on both ranks, each where
  // the run's clock puts it. Compared with the second collective highlighted, the pixels at the
  // middle of the first collective's kernel change in each rank's NCCL stream.
  await page.setViewportSize({ width: 1280, height: 1700 });
  const t0 = Math.min(want[0]!.t0, want[1]!.t0);
  const k0 = want.map((w) => w.nccl[0]!);
  const lo = Math.min(...k0.map((k) => k.ts)) - t0 - 2000;
  const hi = Math.max(...k0.map((k) => k.ts + k.dur)) - t0 + 2000;
  const shot = async (row: number): Promise<Buffer> => {
    await page.getByTestId('row-collectives').nth(row).click();
    await page.getByTestId('drawer-toggle').click(); // hidden: the canvas shows both ranks
    await page.evaluate(([s, e]) => window.kinetoscope.setView(s!, e!), [lo, hi]);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const b = (await page.getByTestId('timeline-canvas').boundingBox())!;
    const png = await page.screenshot({ clip: b });
    await page.getByTestId('drawer-toggle').click();
    return png;
  };
  const first = await shot(0);
  await page.screenshot({ path: 'test-results/ranks-sampled-highlight.png' });
  const second = await shot(1);
  const cb = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.getByTestId('drawer-toggle').click();
  const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes());
  await page.getByTestId('drawer-toggle').click();
  for (let r = 0; r < 2; r++) {
    const box = boxes.find((b) => b.trace === st.traces[r]!.id && b.name.trim() === `stream ${k0[r]!.tid}`);
    expect(box, `rank ${r}'s stream ${k0[r]!.tid}`).toBeDefined();
    expect(box!.y + 14).toBeLessThan(cb.height);
    const mid = (k0[r]!.ts + k0[r]!.dur / 2 - t0 - lo) / (hi - lo) * cb.width;
    const at = await comparePngs(page, first, second, { x: Math.round(mid) - 1, y: Math.round(box!.y) + 2, w: 3, h: 10 });
    expect(at.changed, `rank ${r}: the kernel at x ≈ ${mid.toFixed(0)} px`).toBeGreaterThan(0);
    // and not 40 px before the kernel starts (nothing of either collective is there)
    const before = (k0[r]!.ts - t0 - lo) / (hi - lo) * cb.width - 40;
    if (before > 0) expect((await comparePngs(page, first, second, { x: Math.round(before), y: Math.round(box!.y) + 2, w: 3, h: 10 })).changed).toBe(0);
  }
});

test('eight DLRM ranks with NCCL through the multi-file input: rank order, one clock, breakdown, collectives; a collective click highlights it on every rank', async ({ page }) => {
  await openApp(page);
  const shuffled = [3, 0, 7, 5, 1, 6, 2, 4].map((r) => TRACES + DLRM[r]!);
  await page.getByTestId('file-input').setInputFiles(shuffled);
  await page.waitForFunction(() => window.kinetoscope.state().traces.length === 8, undefined, { timeout: 60_000 });
  const st = await apiState(page);
  expect(st.traces.map((t) => t.name)).toEqual(DLRM);
  const want = await Promise.all(DLRM.map(expectedRank));
  const got = await page.evaluate(() => window.kinetoscope.distributed());
  checkBreakdown(got, want);
  // One clock: each rank's shift is its first timestamp minus the earliest (µs, exact).
  const t0 = Math.min(...want.map((w) => w.t0));
  const headers = await page.evaluate(() => new Set(window.kinetoscope.trackBoxes().map((b) => b.trace)).size);
  expect(headers).toBe(8);
  // Collectives matched by order: 8 NCCL kernels a rank.
  expect(want.every((w) => w.nccl.length === 8)).toBe(true);
  expect(got.collectives.length).toBe(8);
  for (const k of [0, 5]) {
    const durs = want.map((w) => w.nccl[k]!.dur);
    const transfer = Math.min(...durs);
    expect(got.collectives[k]!.transferUs).toBeCloseTo(transfer, 6);
    got.collectives[k]!.waitUs.forEach((w, r) => expect(w).toBeCloseTo(durs[r]! - transfer, 6));
  }
  // The straggler: the rank that started collectives last most often, on the run's clock.
  const lastCount = new Map<number, number>();
  for (let k = 0; k < 8; k++) {
    let best = 0;
    want.forEach((w, r) => {
      if (w.nccl[k]!.ts > want[best]!.nccl[k]!.ts) best = r;
    });
    lastCount.set(best, (lastCount.get(best) ?? 0) + 1);
  }
  const [sr, times] = [...lastCount].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0]!;
  await expect(page.getByTestId('ranks-straggler')).toHaveText(`Straggler: rank ${sr} arrived last in ${times} of 8 collectives.`);
  expect(t0).toBeGreaterThan(0);

  // A click on a collective highlights its kernel on every rank: pixels change on both ranks' GPU tracks.
  const canvas = page.getByTestId('timeline-canvas');
  const cbox = (await canvas.boundingBox())!;
  // Zoom to the collective's span on the run clock (rank 0's kernel ± 5 ms) before and after.
  const first = want[0]!.nccl[0]!;
  const center = first.ts - t0;
  await page.evaluate(([s, e]) => window.kinetoscope.setView(s!, e!), [center - 5000, center + 5000]);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const before = await page.screenshot({ clip: cbox });
  await page.getByTestId('row-collectives').first().click();
  await expect(page.getByTestId('stepper-position')).toHaveText('1 of 8');
  await page.evaluate(([s, e]) => window.kinetoscope.setView(s!, e!), [center - 5000, center + 5000]);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const after = await page.screenshot({ clip: cbox });
  await page.screenshot({ path: 'test-results/ranks-dlrm-highlight.png' });
  const boxes = await page.evaluate(() => window.kinetoscope.trackBoxes().filter((b) => b.kind === 'gpu'));
  const ids = [...new Set(boxes.map((b) => b.trace))];
  let ranksChanged = 0;
  for (const id of ids.slice(0, 2)) {
    const b = boxes.find((x) => x.trace === id && x.y >= 0 && x.y + x.height <= cbox.height);
    if (!b) continue;
    const diff = await comparePngs(page, before, after, { x: 0, y: Math.round(b.y), w: Math.round(cbox.width), h: Math.round(b.height) });
    if (diff.changed > 0) ranksChanged++;
  }
  expect(ranksChanged).toBeGreaterThanOrEqual(1);
  // Stepping goes rank by rank.
  await page.getByRole('button', { name: 'Next instance' }).click();
  await expect(page.getByTestId('stepper-position')).toHaveText('2 of 8');
  const sel = (await apiState(page)).selection;
  expect(sel?.trace).toBe(st.traces[1]!.id);
  expect(sel?.name).toBe(want[1]!.nccl[0]!.name);
});

test('a multi-file drop opens the ranks; the Distributed tab in light and dark', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 1300 });
  await openApp(page);
  const dt = await page.evaluateHandle((list) => {
    const d = new DataTransfer();
    for (const { name, b64 } of list) d.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
    return d;
  }, SAMPLED.map((name) => ({ name, b64: readFileSync(TRACES + name).toString('base64') })));
  await dropTransfer(page, dt);
  await page.waitForFunction(() => window.kinetoscope.state().traces.length === 2, undefined, { timeout: 60_000 });
  await expect(page.getByTestId('ranks-chart')).toBeVisible();
  await expect(page.getByTestId('ranks-bar')).toHaveCount(4);
  await expect(page.getByTestId('trace-name')).toHaveText('2 ranks: hta__sampled_rank-0.json.gz, hta__sampled_rank-1.json.gz');
  await page.getByTestId('drawer-split').focus();
  for (let k = 0; k < 12; k++) await page.keyboard.press('ArrowUp');
  await page.screenshot({ path: 'test-results/ranks-light.png' });
  await page.getByRole('button', { name: 'Switch light/dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({ path: 'test-results/ranks-dark.png' });
});

test('the URL with repeated trace= reopens the run, with its tab and view; hta nccl_data alone is a run of one rank with its groups', async ({ page, context }) => {
  await serveCorpus(context);
  await openRanksApi(page, SAMPLED, true);
  await page.waitForFunction(() => window.kinetoscope.state().traces.length === 2);
  let link = '';
  await expect.poll(async () => {
    link = await page.evaluate(() => window.kinetoscope.permalink());
    return page.url() === link;
  }).toBe(true);
  expect(link.match(/[?&]trace=/g)?.length).toBe(2);
  expect(link).toContain('tab=distributed');
  const view = (await apiState(page)).view;
  const page2 = await context.newPage();
  await page2.goto(link);
  await page2.waitForFunction(() => window.kinetoscope?.state().traces.length === 2, undefined, { timeout: 60_000 });
  const st2 = await apiState(page2);
  expect(st2.traces.map((t) => t.name)).toEqual(['hta__sampled_rank-0.json.gz', 'hta__sampled_rank-1.json.gz']);
  expect(st2.view.start).toBeCloseTo(view.start, 3);
  await expect(page2.getByRole('tab', { name: 'Distributed' })).toHaveAttribute('aria-selected', 'true');

  // A single rank (with Process Group Name on its NCCL kernels) opened as a run of one.
  await page2.evaluate((u) => window.kinetoscope.open([u]), `/runs/${NCCL}`);
  const want = await expectedRank(NCCL);
  const got = await page2.evaluate(() => window.kinetoscope.distributed());
  checkBreakdown(got, [want]);
  expect(got.collectives.length).toBe(want.nccl.length);
  expect(got.collectives.every((c) => c.ranks === 1 && c.waitUs[0] === 0)).toBe(true);
  await expect(page2.getByTestId('ranks-clock')).toContainText('Kineto timestamps + baseTimeNanoseconds');
  await expect(page2.getByText(/matched across ranks by order within a process group/)).toBeVisible();
});
