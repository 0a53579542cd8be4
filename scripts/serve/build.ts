// Builds the viewer (dist/) on first use, and again when a source is newer than the build.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What the build is made from (node_modules and dist/ aside). */
const INPUTS = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'package-lock.json'];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

/** Why dist/ must be built, or null when it is up to date. */
export function buildReason(repo: string): string | null {
  const index = join(repo, 'dist', 'index.html');
  if (!existsSync(index)) return 'no build of the viewer yet';
  const built = statSync(index).mtimeMs;
  const changed = INPUTS.find((p) => newest(join(repo, p)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

/** Runs `vite build`, its output on stderr (stdout is for the URL); throws if it fails. */
export function build(repo: string): void {
  const vite = join(repo, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build'], { cwd: repo, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error(`the viewer's build (vite build) failed${r.error ? `: ${r.error.message}` : ''}`);
}
