// Node-only, for tests: where the shared corpus of real traces is. KINETOSCOPE_TRACES if set;
// else ../shared/traces beside this checkout (the workplace layout); else beside the
// repository this checkout was cloned from, so a clean clone in a temporary folder (as CI
// makes) still finds it. No corpus is an error that says where it looked, never a skip.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findTraces(): string {
  // A string, not a URL object: under jsdom the global URL is jsdom's, which node:url refuses.
  const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const candidates: string[] = [];
  if (process.env.KINETOSCOPE_TRACES) candidates.push(resolve(process.env.KINETOSCOPE_TRACES));
  candidates.push(join(repo, '../shared/traces'));
  try {
    let origin = execFileSync('git', ['-C', repo, 'config', '--get', 'remote.origin.url'], { encoding: 'utf8' }).trim();
    if (origin.startsWith('file://')) origin = fileURLToPath(origin); // a string: see above
    if (isAbsolute(origin)) candidates.push(join(origin, '../shared/traces'));
  } catch {
    // not a git checkout, or no origin
  }
  const found = candidates.find((d) => existsSync(join(d, 'SOURCES.md')));
  if (!found) throw new Error(`the real trace corpus (shared/traces) was not found; looked in ${candidates.join(', ')}; set KINETOSCOPE_TRACES`);
  return found + '/';
}

/** The corpus folder, ending in '/'. */
export const TRACES_DIR = findTraces();

/** The path of one trace of the corpus. */
export function tracePath(file: string): string {
  return TRACES_DIR + file;
}
