// `npm run summary` as a user runs it: one JSON object on stdout, figures matching an
// independent plain scan, and a one-line error with a non-zero exit for unreadable input.

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { oracleSummary } from '../testing/oracle.ts';
import { readTraceText } from '../testing/read-trace-node.ts';
import { TRACES_DIR } from '../testing/traces-dir.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const traces = TRACES_DIR;
const tsx = join(root, 'node_modules/.bin/tsx');

async function summary(path: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [join(root, 'src/cli/summary.ts'), path], { cwd: root, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('npm run summary', () => {
  const files = readdirSync(traces).filter((f) => f !== 'SOURCES.md').sort();
  it('prints one JSON object per real trace, agreeing with a plain scan', async () => {
    for (const file of files) {
      const r = await summary(traces + file);
      expect(r.code, `${file}: ${r.stderr}`).toBe(0);
      const s = JSON.parse(r.stdout);
      const o = oracleSummary(await readTraceText(traces + file));
      // The file name rides along so that a failure names the trace.
      expect({ file: s.file, events: s.events, processes: s.processes, threads: s.threads, counters: s.counters,
        kernels: s.gpu.kernels, launchLinked: s.gpu.launchLinked, flows: s.flows, metadata: s.metadata }).toEqual({
        file, events: o.events, processes: o.processes, threads: o.threads, counters: o.counters,
        kernels: o.gpu.kernels, launchLinked: o.gpu.launchLinked, flows: o.flows, metadata: o.metadata });
      expect(typeof s.loadMs).toBe('number');
    }
  }, 240_000);

  it('a truncated file: the complete events, and where it was cut', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-'));
    const text = '{"traceEvents":[{"ph":"X","name":"a","ts":1,"dur":2,"pid":1,"tid":1},{"ph":"X","name":"b","ts":2,"dur":1,"pid":1,"tid":1},{"ph":"X","name":"c","ts":3,"d';
    writeFileSync(join(dir, 'cut.json'), text);
    const r = await summary(join(dir, 'cut.json'));
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.events.total).toBe(2);
    expect(s.truncated).toEqual({ atByte: text.length, afterEvents: 2 });
    expect(Object.keys(s.warnings)).toContain(`file truncated at byte ${text.length}: 2 complete events loaded`);
  });

  it('unreadable input: exit 1 and one line on stderr, nothing on stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-'));
    writeFileSync(join(dir, 'notes.txt'), 'not a trace');
    for (const path of [join(dir, 'notes.txt'), join(dir, 'missing.json')]) {
      const r = await summary(path);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^summary: /);
    }
  });
});
