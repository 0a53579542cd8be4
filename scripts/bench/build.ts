// Builds the app (`npx vite build`) when dist/ is missing or older than its sources.

import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DIST_DIR, ROOT, log } from './paths.ts';

const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.app.json'];

async function newestMtime(path: string): Promise<number> {
  const st = await stat(path).catch(() => null);
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file bumps its directory
  for (const ent of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, ent)));
  return newest;
}

export interface BuildResult {
  built: boolean;
  /** Set when the build failed (dist/ may then be stale or missing). */
  error: string | null;
  /** dist/index.html exists after this step. */
  haveDist: boolean;
}

function viteBuild(): Promise<number> {
  return new Promise((resolve, reject) => {
    // vite's output goes to our stderr: stdout carries only the benchmark's JSON
    const child = spawn('npx', ['vite', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

export async function ensureBuild(): Promise<BuildResult> {
  const distIndex = join(DIST_DIR, 'index.html');
  const distTime = (await stat(distIndex).catch(() => null))?.mtimeMs ?? 0;
  let srcTime = 0;
  for (const s of SOURCES) srcTime = Math.max(srcTime, await newestMtime(join(ROOT, s)));
  if (distTime > 0 && distTime >= srcTime) {
    log('dist/ is up to date');
    return { built: false, error: null, haveDist: true };
  }
  log(distTime ? 'dist/ is older than the sources: npx vite build' : 'dist/ missing: npx vite build');
  const t0 = performance.now();
  const code = await viteBuild();
  const haveDist = (await stat(distIndex).catch(() => null)) !== null;
  if (code !== 0) {
    const error = `npx vite build exited with ${code}`;
    log(`${error}${haveDist ? ' (using the existing, stale dist/)' : ''}`);
    return { built: false, error, haveDist };
  }
  log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { built: true, error: null, haveDist };
}
