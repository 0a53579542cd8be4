// A small static server for the benchmark (node:http, no compression, exact Content-Length):
//   /bench/json-worker.js, /bench/blank.html   scripts/bench/static/
//   /bench/<file>                              .bench/   (trace files: application/octet-stream)
//   /speedscope/…                              node_modules/speedscope/dist/release/
//   /…                                         dist/     (the built app)

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { BENCH_DIR, DIST_DIR, SPEEDSCOPE_DIR, STATIC_DIR } from './paths.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface BenchServer {
  origin: string;
  close(): Promise<void>;
}

/** Resolves `rel` inside `base`, or null when it would escape it. */
function inside(base: string, rel: string): string | null {
  const p = normalize(join(base, rel));
  return p === base || p.startsWith(base + sep) ? p : null;
}

function route(pathname: string, distDir: string): { file: string | null; type: string | null } {
  if (pathname.startsWith('/bench/')) {
    const rel = pathname.slice('/bench/'.length);
    if (rel === 'json-worker.js' || rel === 'blank.html') return { file: join(STATIC_DIR, rel), type: null };
    // every other /bench/ file is trace data: raw bytes, whatever the extension
    return { file: inside(BENCH_DIR, rel), type: 'application/octet-stream' };
  }
  if (pathname === '/speedscope') return { file: null, type: null };
  if (pathname.startsWith('/speedscope/')) {
    let rel = pathname.slice('/speedscope/'.length);
    if (rel === '') rel = 'index.html';
    return { file: inside(SPEEDSCOPE_DIR, rel), type: null };
  }
  const rel = pathname === '/' ? 'index.html' : pathname.slice(1);
  return { file: inside(distDir, rel), type: null };
}

async function handle(req: IncomingMessage, res: ServerResponse, distDir: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (pathname === '/speedscope') {
    res.writeHead(301, { Location: '/speedscope/' }).end();
    return;
  }
  const { file, type } = route(pathname, distDir);
  const st = file ? await stat(file).catch(() => null) : null;
  if (!file || !st || !st.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': type ?? TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(st.size),
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

/** Serves the app from `distDir` (a build of it), and the bench's files. */
export async function startServer(distDir = DIST_DIR): Promise<BenchServer> {
  const dir = resolve(distDir); // `inside` compares against it: no trailing slash, no ./
  const server: Server = createServer((req, res) => {
    handle(req, res, dir).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
