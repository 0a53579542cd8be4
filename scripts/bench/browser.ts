// Headless Chromium (Playwright, the system chromium) and the browser's memory.

import { readdir, readFile } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext } from 'playwright';

import { CHROMIUM_ARGS } from '../chromium-args.ts';

export { CHROMIUM_ARGS };

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export async function launchBrowser(): Promise<Browser> {
  // KT_JS_FLAGS: V8 flags for a look inside (e.g. --trace-deopt; read with DEBUG=pw:browser)
  const js = process.env.KT_JS_FLAGS ? [`--js-flags=${process.env.KT_JS_FLAGS}`] : [];
  return chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...js] });
}

/**
 * A fresh context. tsx (esbuild, keepNames) compiles functions passed to page.evaluate /
 * addInitScript with calls to an `__name` helper that does not exist in the page: define it.
 */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addInitScript('globalThis.__name ??= (f) => f;');
  // The bench times the viewer: files opened are not also copied into the local library.
  await context.addInitScript("try { localStorage.setItem('kinetoscope.keepTraces', 'off'); } catch {}");
  return context;
}

// ---------------------------------------------------------------------------------------------
// RSS of the browser: every descendant process of this node process (Playwright starts Chromium
// as our child; its zygote, GPU, utility and renderer processes are its descendants).

async function processTable(): Promise<Map<number, number[]>> {
  const children = new Map<number, number[]>();
  for (const ent of await readdir('/proc')) {
    if (!/^\d+$/.test(ent)) continue;
    try {
      const stat = await readFile(`/proc/${ent}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may contain spaces and parentheses, so split after the last ')'
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid);
      if (list) list.push(Number(ent));
      else children.set(ppid, [Number(ent)]);
    } catch {
      // the process ended meanwhile
    }
  }
  return children;
}

/** The pids of all descendants of `root` (reads every /proc/<pid>/stat: ~20 ms of CPU). */
async function descendantPids(root = process.pid): Promise<number[]> {
  const children = await processTable();
  const out: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Summed VmRSS (kB) of these pids (cheap: a few files). */
async function rssOfKb(pids: number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      if (m) total += Number(m[1]);
    } catch {
      // gone
    }
  }
  return total;
}

/** Total VmRSS (kB) of all descendants of `root`. */
export async function descendantsRssKb(root = process.pid): Promise<number> {
  return rssOfKb(await descendantPids(root));
}

/**
 * Waits until the machine is idle (under `busyBelow` of both cores busy over 250 ms), at most
 * `maxMs`: a page closed after a heavy measurement (speedscope's) can keep a core busy for
 * seconds, which the next measurement would pay for. Returns the last busy fraction.
 */
export async function settleCpu(maxMs = 10_000, busyBelow = 0.15): Promise<number> {
  const read = async (): Promise<{ idle: number; total: number }> => {
    const fields = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: fields[3]! + fields[4]!, total: fields.reduce((a, b) => a + b, 0) };
  };
  const end = Date.now() + maxMs;
  let prev = await read();
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const cur = await read();
    const busy = 1 - (cur.idle - prev.idle) / Math.max(1, cur.total - prev.total);
    if (busy < busyBelow || Date.now() > end) return busy;
    prev = cur;
  }
}

/**
 * Waits until the browser tree's RSS stops falling (closed pages' processes have exited), at
 * most `maxMs`; returns the last sample in MB.
 */
export async function settleRss(maxMs = 5000): Promise<number> {
  const end = Date.now() + maxMs;
  let prev = await descendantsRssKb();
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const kb = await descendantsRssKb();
    if (Math.abs(kb - prev) < prev * 0.01 || Date.now() > end) return Math.round(kb / 1024);
    prev = kb;
  }
}

/**
 * Samples the browser tree's RSS every `intervalMs` until stopped; returns the peak in MB.
 * The process tree is re-read once a second only: walking all of /proc on every sample cost
 * ~20 ms of CPU, a tenth of this 2-core machine at 100 ms, taken from the load it measures.
 */
export class RssSampler {
  private peakKb = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private pids: number[] = [];
  private pidsAt = 0;

  start(intervalMs = 100): void {
    this.peakKb = 0;
    const tick = () => {
      if (this.busy) return;
      this.busy = true;
      this.sample()
        .then((kb) => {
          if (kb > this.peakKb) this.peakKb = kb;
        })
        .catch(() => undefined)
        .finally(() => (this.busy = false));
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
  }

  private async sample(): Promise<number> {
    if (Date.now() - this.pidsAt > 1000) {
      this.pids = await descendantPids();
      this.pidsAt = Date.now();
    }
    return rssOfKb(this.pids);
  }

  async stop(): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const kb = await descendantsRssKb().catch(() => 0);
    if (kb > this.peakKb) this.peakKb = kb;
    return Math.round(this.peakKb / 1024);
  }
}
