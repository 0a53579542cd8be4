// Nothing from a trace reaches the DOM as HTML, the page forbids inline and remote
// script, and ?trace= only fetches http(s).

import { expect, test } from '@playwright/test';
import { dropBytes, openApp, waitForTrace } from './helpers/viewer.ts';

const IMG = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '<script>window.__pwned=2</script>';

test('a trace full of HTML and script shows it as text and runs none of it', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await openApp(page);
  const events = [
    { ph: 'M', name: 'process_name', pid: 1, args: { name: IMG } },
    { ph: 'M', name: 'thread_name', pid: 1, tid: 1, args: { name: SCRIPT } },
    { ph: 'X', name: IMG, cat: SCRIPT, ts: 0, dur: 100, pid: 1, tid: 1, args: { [IMG]: SCRIPT, note: '<a href="javascript:alert(1)">x</a>' } },
    { ph: 'X', name: SCRIPT, ts: 10, dur: 50, pid: 1, tid: 1 },
    { ph: 'C', name: IMG, ts: 0, pid: 1, args: { [SCRIPT]: 1 } },
    { ph: 'X', name: 'ok', ts: 200, dur: 1, pid: 1, tid: 1, bad: '"><svg onload=alert(1)>' },
  ];
  await dropBytes(page, '<img src=x onerror=alert(1)>.json', new TextEncoder().encode(JSON.stringify({ traceEvents: events })));
  await waitForTrace(page, '<img src=x onerror=alert(1)>.json');
  // Select the slice so the details panel renders its name, category and args.
  expect(await page.evaluate((n) => window.kinetoscope.select({ name: n }), IMG)).toBe(true);
  await expect(page.getByText('window.__pwned=2').first()).toBeVisible();
  await page.getByTestId('report-button').click();
  await expect(page.getByTestId('load-report')).toBeVisible();
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('img[src="x"], svg[onload], script:not([src]), a[href^="javascript:"]').count()).toBe(0);
  expect(dialogs).toEqual([]);
  // The text is there, literally.
  expect(await page.locator('body').innerText()).toContain('<img src=x onerror="window.__pwned=1">');
});

test('the built page carries a Content-Security-Policy that blocks inline script', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await openApp(page);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain('connect-src');
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.body.appendChild(s);
    await new Promise((r) => setTimeout(r, 50));
    return (window as unknown as { __inline?: number }).__inline;
  });
  expect(ran).toBeUndefined();
  expect(violations.length).toBeGreaterThan(0);
});

for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:application/json,[]']) {
  test(`?trace=${url} is refused with a message`, async ({ page }) => {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`/?trace=${encodeURIComponent(url)}`);
    await expect(page.getByTestId('error')).toContainText(/Only http\(s\) URLs can be opened/);
    expect(dialogs).toEqual([]);
  });
}

test('?trace= opens a same-origin http URL', async ({ page }) => {
  await page.goto('/?trace=demo/resnet50.pt.trace.json.gz');
  const s = await waitForTrace(page, 'resnet50.pt.trace.json.gz');
  expect(s.traces[0]!.summary.events.total).toBe(75718);
});
