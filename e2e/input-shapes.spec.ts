// Operators grouped by name and input shapes: the toggle reads every op's Input Dims back from
// the file (in the trace worker), the table grows an Input shapes column, and its counts, and
// window.kinetoscope.table('operators', { groupBy: 'shapes' }), match a plain scan of the JSON.

import { expect, test, type Page } from '@playwright/test';
import { readTraceText } from '../src/testing/read-trace-node.ts';
import { dropFile, openApp, TRACES, waitForTrace } from './helpers/viewer.ts';

const WITH_DIMS = 'kineto__resnet50_num_workers_0_worker0.1623143089861.pt.trace.json.gz';
const WITHOUT_DIMS = 'hta__step_based_trace_2543932.json.gz';

/** Calls per operator name and shapes (`name|[[…]]`, `name|null` without Input Dims). */
async function scan(file: string): Promise<Map<string, number>> {
  const j = JSON.parse(await readTraceText(TRACES + file)) as { traceEvents: { ph?: string; cat?: string; name?: string; args?: Record<string, unknown> }[] };
  const out = new Map<string, number>();
  for (const e of j.traceEvents) {
    const cat = (e.cat ?? '').toLowerCase();
    if (e.ph !== 'X' || (cat !== 'cpu_op' && cat !== 'operator')) continue;
    const key = `${e.name}|${JSON.stringify(e.args?.['Input Dims'] ?? null)}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

async function openOperators(page: Page, file: string): Promise<void> {
  await openApp(page);
  await dropFile(page, TRACES + file);
  await waitForTrace(page, file);
  await page.getByTestId('drawer').getByRole('tab', { name: 'Operators' }).click();
  await expect(page.getByTestId('row-operators').first()).toBeVisible();
}

test('grouping operators by input shapes: the column, a row\'s calls and the API match the JSON', async ({ page }) => {
  const expected = await scan(WITH_DIMS);
  await openOperators(page, WITH_DIMS);
  const toggle = page.getByRole('checkbox', { name: 'Group by input shapes' });
  await expect(toggle).toBeEnabled();
  await expect(page.getByRole('columnheader', { name: 'Input shapes' })).toHaveCount(0);
  // by keyboard: focus and Space
  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(toggle).toBeChecked();
  await expect(page.getByRole('columnheader', { name: 'Input shapes' })).toBeVisible();

  // the name with the most distinct shapes, and its most frequent shapes
  const names = new Map<string, [string, number][]>();
  for (const [k, n] of expected) {
    const [name, shapes] = [k.slice(0, k.indexOf('|')), k.slice(k.indexOf('|') + 1)];
    names.set(name, [...(names.get(name) ?? []), [shapes, n]]);
  }
  const [name, list] = [...names.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
  expect(list.length).toBeGreaterThan(1);
  const [shapes, count] = list.sort((a, b) => b[1] - a[1])[0]!;
  await page.getByTestId('filter-operators').fill(name);
  const rows = page.getByTestId('row-operators');
  await expect(page.locator('.dt-count')).toContainText(`${list.filter(([s]) => s !== 'null').length + (list.some(([s]) => s === 'null') ? 1 : 0)} of`);
  const row = rows.filter({ has: page.getByRole('gridcell', { name: shapes, exact: true }) });
  await expect(row).toHaveCount(1);
  const cells = row.getByRole('gridcell');
  await expect(cells.nth(0)).toHaveText(name);
  await expect(cells.nth(1)).toHaveText(shapes);
  expect(Number((await cells.nth(2).innerText()).replace(/\D/g, ''))).toBe(count);
  // a click steps through that shape's calls only: the first one selected has these Input Dims
  await row.click();
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('stepper-position')).toHaveText(`1 of ${count}`);
  await expect.poll(() => page.evaluate(() => JSON.stringify((window.kinetoscope.details()?.args as Record<string, unknown> | null)?.['Input Dims'] ?? 'no args yet'))).toBe(shapes);
  await page.screenshot({ path: test.info().outputPath('operators-shapes-light.png') });
  await page.getByRole('button', { name: 'Switch light/dark theme' }).click();
  await page.screenshot({ path: test.info().outputPath('operators-shapes-dark.png') });

  const api = (await page.evaluate(() => window.kinetoscope.table('operators', { groupBy: 'shapes' }))) as { name: string; inputShapes: string | null; count: number; hostTotalUs: number }[];
  expect(new Map(api.map((r) => [`${r.name}|${r.inputShapes ?? 'null'}`, r.count]))).toEqual(expected);
  expect(api.every((r) => typeof r.hostTotalUs === 'number')).toBe(true);
  // unticked: one row per name again
  await toggle.click();
  await page.getByTestId('filter-operators').fill('');
  await expect(page.locator('.dt-count')).toHaveText(`${names.size} rows`);
});

test('a trace without Input Dims: the toggle is disabled and says why', async ({ page }) => {
  expect([...(await scan(WITHOUT_DIMS)).keys()].every((k) => k.endsWith('|null'))).toBe(true);
  await openOperators(page, WITHOUT_DIMS);
  await expect(page.getByTestId('shapes-reason')).toHaveText(/No Input Dims on this trace's operators \(profile with record_shapes=True\)/);
  await expect(page.getByRole('checkbox', { name: 'Group by input shapes' })).toBeDisabled();
});
