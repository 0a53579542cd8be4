// The served folder's contract (GET /api/traces, GET /trace/<path>) and its refusals, on a
// temporary folder; and the CLI's start-up: loopback by default, the --host warning, bad input.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer as createNetServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { createTraceServer, listen } from './server.ts';

const BIN = join(dirname(fileURLToPath(import.meta.url)), 'kinetoscope.mjs');
const SECRET = 'OUTSIDE-SECRET';

let base: string;
let dir: string;
let dist: string;
let outside: string;
let server: Server;
let port: number;

const trace = (name: string): string => JSON.stringify({ traceEvents: [{ ph: 'X', name, pid: 1, tid: 1, ts: 1, dur: 2 }] });

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'kinetoscope-serve-'));
  dir = join(base, 'traces');
  dist = join(base, 'dist');
  outside = join(base, 'outside');
  for (const d of [dir, dist, outside, join(dir, 'run a'), join(dir, 'sub', 'deep'), join(dir, '.hidden')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>viewer</title>');
  writeFileSync(join(outside, 'secret.json'), JSON.stringify({ traceEvents: [], note: SECRET }));
  writeFileSync(join(dir, 'top.json'), trace('top'));
  writeFileSync(join(dir, 'run a', 'rank 0.pt.trace.json.gz'), gzipSync(trace('rank 0')));
  writeFileSync(join(dir, 'run a', 'rank1.pt.trace.json'), trace('rank 1'));
  writeFileSync(join(dir, 'sub', 'deep', 'd.json'), trace('deep'));
  writeFileSync(join(dir, '.secret.json'), SECRET);
  writeFileSync(join(dir, '.hidden', 'inner.json'), SECRET);
  writeFileSync(join(dir, 'notes.txt'), SECRET);
  symlinkSync(join(outside, 'secret.json'), join(dir, 'out-link.json'));
  symlinkSync(outside, join(dir, 'out-dir'));
  symlinkSync(join(dir, '.secret.json'), join(dir, 'to-dotfile.json'));
  symlinkSync(join(dir, 'top.json'), join(dir, 'in-link.json'));
  server = await createTraceServer({ dir, dist, loopbackOnly: true });
  port = await listen(server, 0, '127.0.0.1');
});

afterAll(() => {
  server?.close();
  rmSync(base, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with the path exactly as given (fetch would normalise `..` away). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET', to = port): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: to, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /api/traces', () => {
  it('lists every trace under the folder, recursively, with its size and time, and nothing else', async () => {
    const r = await get('/api/traces');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const expected = ['in-link.json', 'run a/rank 0.pt.trace.json.gz', 'run a/rank1.pt.trace.json', 'sub/deep/d.json', 'top.json'].map((p) => {
      const st = statSync(join(dir, ...p.split('/')));
      return { path: p, bytes: st.size, modified: st.mtime.toISOString() };
    });
    expect(JSON.parse(r.body.toString())).toEqual(expected);
  });

  it('sees a file added after it started', async () => {
    const path = join(dir, 'sub', 'later.json');
    writeFileSync(path, trace('later'));
    try {
      const list = JSON.parse((await get('/api/traces')).body.toString()) as { path: string; bytes: number }[];
      expect(list.find((t) => t.path === 'sub/later.json')?.bytes).toBe(statSync(path).size);
    } finally {
      rmSync(path);
    }
  });
});

describe('GET /trace/<path>', () => {
  it('sends the bytes, with an ETag and Last-Modified that revalidate', async () => {
    const bytes = readFileSync(join(dir, 'top.json'));
    const r = await get('/trace/top.json');
    expect(r.status).toBe(200);
    expect(r.body.equals(bytes)).toBe(true);
    expect(r.headers['content-length']).toBe(String(bytes.length));
    expect(r.headers['accept-ranges']).toBe('bytes');
    const etag = r.headers.etag as string;
    const modified = r.headers['last-modified'] as string;
    expect(etag).toBeTruthy();
    expect(new Date(modified).getTime()).toBe(Math.floor(statSync(join(dir, 'top.json')).mtimeMs / 1000) * 1000);
    expect((await get('/trace/top.json', { 'If-None-Match': etag })).status).toBe(304);
    expect((await get('/trace/top.json', { 'If-Modified-Since': modified })).status).toBe(304);
  });

  it('answers Range requests with 206 and the asked bytes, a suffix range too', async () => {
    const bytes = readFileSync(join(dir, 'top.json'));
    const r = await get('/trace/top.json', { Range: 'bytes=2-9' });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 2-9/${bytes.length}`);
    expect(r.body.equals(bytes.subarray(2, 10))).toBe(true);
    const tail = await get('/trace/top.json', { Range: 'bytes=-5' });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(bytes.subarray(bytes.length - 5))).toBe(true);
    expect((await get('/trace/top.json', { Range: `bytes=${bytes.length}-` })).status).toBe(416);
  });

  it('sends a .gz file with spaces in its path as stored, with no Content-Encoding', async () => {
    const bytes = readFileSync(join(dir, 'run a', 'rank 0.pt.trace.json.gz'));
    const r = await get('/trace/run%20a/rank%200.pt.trace.json.gz', { 'Accept-Encoding': 'gzip' });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect([r.body[0], r.body[1]]).toEqual([0x1f, 0x8b]);
    expect(r.body.equals(bytes)).toBe(true);
  });

  it('follows a symlink that stays inside the folder', async () => {
    const r = await get('/trace/in-link.json');
    expect(r.status).toBe(200);
    expect(r.body.equals(readFileSync(join(dir, 'top.json')))).toBe(true);
  });

  const refusals: [string, () => string][] = [
    ['..', () => '/trace/../outside/secret.json'],
    ['.. deeper down', () => '/trace/sub/../../outside/secret.json'],
    ['%2e%2e', () => '/trace/%2e%2e/outside/secret.json'],
    ['%2E%2E', () => '/trace/sub/%2E%2E/%2E%2E/outside/secret.json'],
    ['..%2f', () => '/trace/..%2foutside%2fsecret.json'],
    ['..%5c', () => '/trace/..%5coutside%5csecret.json'],
    ['an absolute path', () => `/trace/${join(outside, 'secret.json')}`],
    ['an encoded absolute path', () => `/trace/${encodeURIComponent(join(outside, 'secret.json'))}`],
    ['a symlink out of the folder', () => '/trace/out-link.json'],
    ['a folder symlinked out of the folder', () => '/trace/out-dir/secret.json'],
    ['a dotfile', () => '/trace/.secret.json'],
    ['an encoded dotfile', () => '/trace/%2esecret.json'],
    ['a file in a dot folder', () => '/trace/.hidden/inner.json'],
    ['a symlink to a dotfile', () => '/trace/to-dotfile.json'],
    ['a .txt', () => '/trace/notes.txt'],
    ['a folder', () => '/trace/sub'],
    ['a malformed escape', () => '/trace/%E0%A4%A.json'],
    ['a NUL byte', () => '/trace/top.json%00.json'],
  ];
  for (const [what, path] of refusals) {
    it(`refuses ${what}`, async () => {
      const r = await get(path());
      expect(r.status).toBe(404);
      expect(r.body.toString()).not.toContain(SECRET);
    });
  }

  it('serves nothing from outside dist/ through the viewer either', async () => {
    for (const p of ['/../outside/secret.json', '/%2e%2e/outside/secret.json', '/..%2foutside%2fsecret.json']) {
      const r = await get(p);
      expect(r.status).toBe(404);
      expect(r.body.toString()).not.toContain(SECRET);
    }
    expect((await get('/')).body.toString()).toContain('<title>viewer</title>');
  });

  it('answers only to a loopback name (no DNS rebinding), and only GET and HEAD', async () => {
    expect((await get('/api/traces', { Host: 'evil.example:80' })).status).toBe(403);
    expect((await get('/api/traces', { Host: `localhost:${port}` })).status).toBe(200);
    expect((await get('/api/traces', {}, 'POST')).status).toBe(405);
  });
});

/** Runs the CLI; resolves with its URL once it listens, or with its exit when it stops first. */
function runCli(args: string[]): Promise<{ child: ChildProcess; url: string | null; code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, KINETOSCOPE_DIST: dist }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve) => {
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /(http:\/\/\S+\/)/.exec(stdout);
      if (m) resolve({ child, url: m[1]!, code: null, stdout, stderr });
    });
    child.on('exit', (code) => resolve({ child, url: null, code, stdout, stderr }));
  });
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, to: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port: to }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

describe('npx kinetoscope DIR', () => {
  it('listens on 127.0.0.1 only by default, and prints its URL', async () => {
    const run = await runCli([dir, '--port', '0', '--no-open']);
    try {
      expect(run.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const p = Number(new URL(run.url!).port);
      expect((await get('/api/traces', {}, 'GET', p)).status).toBe(200);
      // Bound to 127.0.0.1, not to every address: another loopback address is refused.
      expect(await accepts('127.0.0.2', p)).toBe(false);
      expect(run.stderr).not.toContain('warning');
    } finally {
      run.child.kill();
    }
  });

  it('warns when --host opens it to others', async () => {
    const run = await runCli([dir, '--port', '0', '--no-open', '--host', '0.0.0.0']);
    try {
      expect(run.url).not.toBeNull();
      const p = Number(new URL(run.url!).port);
      expect(await accepts('127.0.0.2', p)).toBe(true);
      expect(run.stderr).toContain('anyone who can reach this address can read the traces');
    } finally {
      run.child.kill();
    }
  });

  it('says in one line that the folder is missing, or not a folder, and exits 1', async () => {
    for (const bad of [join(base, 'no-such-folder'), join(dir, 'top.json')]) {
      const run = await runCli([bad, '--no-open']);
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(bad);
    }
  });

  it('says the port is in use and suggests --port', async () => {
    const taken = createNetServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const p = (taken.address() as AddressInfo).port;
      const run = await runCli([dir, '--port', String(p), '--no-open']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`port ${p} is in use`);
      expect(run.stderr).toContain('--port');
    } finally {
      taken.close();
    }
  });
});
