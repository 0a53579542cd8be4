/**
 * npm run -s ab -- <build A> <build B> <file in .bench/> [pairs]
 *
 * Paired loads of two builds of the app, for judging a change on a machine whose speed drifts
 * (this VM's does, by up to 3× within a minute): builds A and B are served side by side and
 * opened in turns, A B B A A B…, each load a cold one in a fresh page left idle first as in
 * the bench, and each B load is compared with the A load next to it. Prints one JSON line:
 * the medians of each and of the paired ratios B/A, for the whole load and its two parts, and
 * the sorted ratios themselves (this machine is often bimodal: a median hides that).
 * Make the builds with `npx vite build --outDir <dir>` before and after a change. QA and QB
 * set each one's page query (e.g. QA='?workers=0' QB='?workers=1' on the same build).
 * Relative build paths are from the project's root (where npm runs the script).
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { timeOpen } from './app.ts';
import { launchBrowser } from './browser.ts';
import { startServer, type BenchServer } from './server.ts';

interface Load {
  openMs: number;
  parseMs: number;
  finishMs: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const [dirA, dirB, file, pairsArg] = process.argv.slice(2);
  if (!dirA || !dirB || !file) {
    process.stderr.write('usage: npm run -s ab -- <build A> <build B> <file in .bench/> [pairs]\n');
    process.exit(2);
  }
  const pairs = Number(pairsArg ?? 12);
  for (const dir of [dirA, dirB]) {
    if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} is not a build of the app (no index.html): make one with npx vite build --outDir ${dir}`);
  }
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`pairs must be a whole number from 1, not ${pairsArg}`);
  const servers: Record<'A' | 'B', BenchServer> = { A: await startServer(dirA), B: await startServer(dirB) };
  const browser = await launchBrowser();
  const once = async (v: 'A' | 'B'): Promise<Load> => {
    const { openMs, summary } = await timeOpen(browser, `${servers[v].origin}/${process.env[`Q${v}`] ?? ''}`, file);
    return { openMs, parseMs: summary.timing.parseMs, finishMs: summary.timing.finishMs };
  };
  const loads: Record<'A' | 'B', Load[]> = { A: [], B: [] };
  try {
    for (let i = 0; i < pairs; i++) {
      for (const v of i % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) loads[v].push(await once(v));
    }
  } finally {
    await browser.close();
    await servers.A.close();
    await servers.B.close();
  }
  const out: Record<string, unknown> = { file, pairs };
  for (const k of ['openMs', 'parseMs', 'finishMs'] as const) {
    const a = loads.A.map((l) => l[k]);
    const b = loads.B.map((l) => l[k]);
    const ratios = b.map((x, i) => x / a[i]!);
    out[k] = {
      A: Math.round(median(a)),
      B: Math.round(median(b)),
      pairedBA: Number(median(ratios).toFixed(3)),
      bFaster: ratios.filter((r) => r < 1).length,
      ratios: [...ratios].sort((x, y) => x - y).map((r) => Number(r.toFixed(2))),
    };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`ab: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
