#!/usr/bin/env node
// `npm test`: typecheck, lint, unit tests, build, browser check, e2e tests, in that order,
// each streaming its output. Keeps going after a failure where the later steps still make
// sense (unit always runs; e2e runs whenever the build succeeded), exits non-zero if
// anything failed, and ends with one plain line: `tests: N passed, M failed[, K skipped]`.
// N and M add up unit (test-results/unit.json) and e2e (test-results/e2e.json) results; a step
// that failed without producing results (typecheck, lint, build, browser, a runner that
// crashed or found no tests) counts as 1 failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const RESULTS = 'test-results';
const UNIT_JSON = join(RESULTS, 'unit.json');
const E2E_JSON = join(RESULTS, 'e2e.json');

/** @type {{ name: string, status: 'ok' | 'FAILED' | 'not run', seconds: number, note: string }[]} */
const summary = [];
let passed = 0;
let failed = 0;
let skipped = 0;

function run(name, cmd, args, env = {}) {
  console.log(`\n=== ${name}: ${[cmd, ...args].join(' ')}`);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = (performance.now() - t0) / 1000;
  const ok = r.status === 0;
  if (r.error) console.error(`${name}: could not start ${cmd}: ${r.error.message}`);
  else if (!ok) console.error(`${name}: exited with ${r.status ?? r.signal}`);
  const entry = { name, status: ok ? 'ok' : 'FAILED', seconds, note: '' };
  summary.push(entry);
  return entry;
}

function notRun(name, why) {
  summary.push({ name, status: 'not run', seconds: 0, note: why });
}

/** A step that is not a test runner: a failure counts as one failed test. */
function gate(entry) {
  if (entry.status !== 'ok') {
    failed += 1;
    entry.note = 'counted as 1 failed';
  }
  return entry.status === 'ok';
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Adds a runner's counts; a run without results, or with none, counts as 1 failed. */
function tally(entry, counts, what) {
  if (!counts) {
    failed += 1;
    entry.status = 'FAILED';
    entry.note = `no ${what} results; counted as 1 failed`;
    return;
  }
  let f = counts.failed;
  const noTests = counts.passed + counts.failed + counts.skipped === 0;
  if (noTests) {
    f = 1;
    entry.status = 'FAILED';
    entry.note = `found no ${what} tests; counted as 1 failed`;
  } else if (entry.status !== 'ok' && f === 0) {
    // The runner failed although no test did (an unhandled error, say): count one failure.
    f = 1;
    entry.note = 'runner failed outside tests; counted as 1 failed';
  } else if (entry.status === 'ok' && f > 0) {
    entry.status = 'FAILED';
  }
  passed += counts.passed;
  failed += f;
  skipped += counts.skipped;
  const parts = [`passed=${counts.passed}`, `failed=${f}`];
  if (counts.skipped) parts.push(`skipped=${counts.skipped}`);
  entry.note = [parts.join(' '), entry.note].filter(Boolean).join('; ');
}

function unitCounts() {
  const j = readJson(UNIT_JSON);
  if (!j || typeof j.numTotalTests !== 'number') return undefined;
  // A test file that failed to load (import or syntax error) has no failed test in it:
  // count each such file as one failure.
  const brokenFiles = (j.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  return {
    passed: j.numPassedTests ?? 0,
    failed: (j.numFailedTests ?? 0) + brokenFiles,
    skipped: (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0),
  };
}

function e2eCounts() {
  const j = readJson(E2E_JSON);
  const s = j?.stats;
  if (!s || typeof s.expected !== 'number') return undefined;
  // Top-level errors (a spec file that fails to load, the web server not starting, no tests
  // found) are not in the stats: count each as one failure.
  const errors = Array.isArray(j.errors) ? j.errors.length : 0;
  return {
    passed: s.expected + (s.flaky ?? 0),
    failed: (s.unexpected ?? 0) + errors,
    skipped: s.skipped ?? 0,
  };
}

mkdirSync(RESULTS, { recursive: true });
rmSync(UNIT_JSON, { force: true });
rmSync(E2E_JSON, { force: true });

// (a) typecheck, (b) lint: failures are reported but do not stop the tests.
gate(run('typecheck', 'npx', ['tsc', '-b']));
gate(run('lint', 'npx', ['oxlint', 'src', 'e2e', 'scripts']));
gate(run('import rules', 'node', ['scripts/check-imports.mjs']));

// (c) unit tests, always.
const unit = run(
  'unit',
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${UNIT_JSON}`],
  { TZ: 'UTC', LC_ALL: 'C' },
);
tally(unit, unitCounts(), 'unit');

// (d) build, then (e) browser and (f) e2e only if the build succeeded.
const built = gate(run('build', 'npx', ['vite', 'build']));
if (!built) {
  notRun('browser', 'build failed');
  notRun('e2e', 'build failed');
} else if (!gate(run('browser', 'node', ['scripts/ensure-browser.mjs']))) {
  notRun('e2e', 'no browser');
} else {
  const e2e = run('e2e', 'npx', ['playwright', 'test']);
  tally(e2e, e2eCounts(), 'e2e');
}

console.log('\n=== summary');
for (const s of summary) {
  const time = s.status === 'not run' ? '' : `${s.seconds.toFixed(1)}s`;
  console.log(`  ${s.name.padEnd(10)} ${s.status.padEnd(8)} ${time.padStart(7)}  ${s.note}`);
}
const anyFailed = failed > 0 || summary.some((s) => s.status === 'FAILED');
if (anyFailed && failed === 0) failed = 1; // cannot happen, but never print "0 failed" with a failing exit
console.log(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exitCode = anyFailed ? 1 : 0;
