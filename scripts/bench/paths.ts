// Where things live. Everything is relative to the repository root (two levels above this file).

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_DIR = join(ROOT, '.bench');
export const DIST_DIR = join(ROOT, 'dist');
export const STATIC_DIR = join(ROOT, 'scripts', 'bench', 'static');
export const SPEEDSCOPE_DIR = join(ROOT, 'node_modules', 'speedscope', 'dist', 'release');

/** Progress goes to stderr: stdout carries exactly one JSON object. */
const T0 = performance.now();

export function log(msg: string): void {
  const t = ((performance.now() - T0) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${t}s] ${msg}\n`);
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** `p`, or undefined once `ms` have passed; the timer never outlives the race. */
export async function orTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  p.catch(() => undefined); // p may settle after the race (or never, if its page died)
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
