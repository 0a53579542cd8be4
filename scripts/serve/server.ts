// The HTTP server of `npx kinetoscope DIR`: the built viewer, and the traces under DIR.
//   GET /api/traces     → [{ path, bytes, modified }] (path relative to DIR, `/`-separated)
//   GET /trace/<path>   → the file's bytes, as stored (`.gz` too: the page inflates), with
//                         Range, ETag and Last-Modified (by `send`)
//   anything else       → the built viewer (dist/, by `sirv`)
// `send` rather than sirv for the traces: sirv labels every `.gz` file Content-Encoding:
// gzip (the browser would inflate it, and Content-Length would not be what arrives) and
// reads `Range: bytes=-N` as the first N bytes.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { realpath } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { relative, sep } from 'node:path';
import send from 'send';
import sirv from 'sirv';
import { listTraces, requestSegments, traceFile } from './traces.ts';

export interface ServeOptions {
  /** The folder of traces. */
  dir: string;
  /** The built viewer (dist/). */
  dist: string;
  /**
   * Requests must name the server by a loopback name (Host: 127.0.0.1, localhost, [::1]),
   * so a web page whose name was pointed at 127.0.0.1 (DNS rebinding) cannot read the traces.
   */
  loopbackOnly: boolean;
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${message}\n`);
}

export async function createTraceServer(options: ServeOptions): Promise<Server> {
  const root = await realpath(options.dir);
  const viewer = sirv(options.dist, { etag: true, dev: false });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (options.loopbackOnly && !LOOPBACK_HOST.test(req.headers.host ?? '')) return refuse(res, 403, 'Open this page at http://127.0.0.1 (or localhost).');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return refuse(res, 405, 'Only GET and HEAD.');
    }
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    if (path === '/api/traces') {
      const body = JSON.stringify(await listTraces(root));
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (path.startsWith('/trace/')) {
      const segments = requestSegments(path.slice('/trace/'.length));
      const file = segments && (await traceFile(root, segments));
      if (!file) return refuse(res, 404, 'No such trace in the served folder.');
      // The file's real path, handed to send relative to the root it checks against.
      const rel = relative(root, file.abs).split(sep).map(encodeURIComponent).join('/');
      send(req, rel, { root, dotfiles: 'deny', index: false, cacheControl: false, etag: true, lastModified: true })
        // send opens the path again: if it is no longer the file checked (swapped for a
        // symlink in between), nothing is sent.
        .on('file', (_path: string, st: Stats) => {
          if (st.dev !== file.dev || st.ino !== file.ino) res.destroy();
        })
        .on('headers', (r: ServerResponse) => r.setHeader('Cache-Control', 'no-cache'))
        .pipe(res);
      return;
    }
    viewer(req, res, () => refuse(res, 404, 'Not found.'));
  };
  return createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) refuse(res, 500, (e as Error).message);
      else res.destroy();
    });
  });
}

/** Listens on host:port; rejects with the listen error (EADDRINUSE, EACCES, …). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}
