#!/usr/bin/env node
// `npm start`: with a folder (`npm start -- DIR [flags]`), serves it as `npx kinetoscope`
// does; with none, the dev server on the demo trace.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
// A folder is an argument that is neither a flag nor the value of --port or --host.
const hasDir = args.some((a, i) => !a.startsWith('-') && !['--port', '--host'].includes(args[i - 1] ?? ''));
if (hasDir || args.includes('--help') || args.includes('-h')) {
  await import('./kinetoscope.mjs');
} else {
  const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const vite = join(repo, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(process.execPath, [vite, '--open', '/?trace=demo/resnet50.pt.trace.json.gz', ...args], { cwd: repo, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 1));
}
