#!/usr/bin/env node
// Checks which src/ folder may import which (the data flow, left to right):
//   lib ← parse ← model ← engine ← worker ← actions ← components ← main.tsx
// with index, render, store and url beside them as listed below. A folder not listed may
// import nothing from src. `import type` may also reach the folders in TYPE_ONLY.
// Tests and src/testing are exempt. Exit 1 with one line per violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

const ALLOWED = {
  lib: [],
  parse: ['lib'],
  model: ['lib', 'parse', 'index'],
  index: ['lib'],
  engine: ['lib', 'parse', 'model', 'index'],
  worker: ['lib', 'engine', 'model', 'analysis'],
  cli: ['lib', 'engine', 'model'],
  analysis: ['lib', 'model', 'index'],
  store: ['lib', 'model'],
  url: ['lib', 'model'],
  render: ['lib', 'model', 'index', 'store'],
  actions: ['lib', 'model', 'store', 'worker', 'url', 'render', 'analysis'],
  components: ['lib', 'model', 'index', 'store', 'actions', 'render', 'worker', 'url', 'analysis'],
};
const TYPE_ONLY = { index: ['model'], store: ['model'], actions: ['engine'], worker: ['parse'] };

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) yield p;
  }
}

const problems = [];
for (const file of files(src)) {
  const rel = relative(src, file);
  const from = rel.includes('/') ? rel.split('/')[0] : null;
  if (from === null || from === 'testing') continue;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
    const target = relative(src, resolve(dirname(file), m[3]));
    if (target.startsWith('..')) continue;
    const to = target.includes('/') ? target.split('/')[0] : target;
    if (to === from) continue;
    const ok = (ALLOWED[from] ?? []).includes(to) || (m[2] && (TYPE_ONLY[from] ?? []).includes(to));
    if (!ok) problems.push(`${rel}: ${from}/ may not import ${to}/ (${m[3]})`);
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`check-imports: ${problems.length} import(s) break the folder rules (see scripts/check-imports.mjs)`);
  process.exit(1);
}
console.log('check-imports: folder rules hold');
