// `npx kinetoscope DIR [--port N] [--host H] [--no-open]`: serves the viewer and the traces
// under DIR (server.ts), prints the URL, opens a browser.

import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, buildReason } from './build.ts';
import { createTraceServer, listen } from './server.ts';

export const DEFAULT_PORT = 7007;
const USAGE = 'Usage: npx kinetoscope DIR [--port N] [--host H] [--no-open]';
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1)$/i;

class CliError extends Error {}

/** The folder's absolute path, or a CliError that says in one line what is wrong with it. */
function checkDir(dir: string): string {
  const abs = resolve(dir);
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `no such folder: ${abs}` : `cannot read ${abs} (${code})`);
  }
  if (!st.isDirectory()) throw new CliError(`not a folder: ${abs}`);
  try {
    readdirSync(abs);
  } catch (e) {
    throw new CliError(`cannot read ${abs} (${(e as NodeJS.ErrnoException).code})`);
  }
  return abs;
}

/** The built viewer: KINETOSCOPE_DIST if set (as is), else this checkout's dist/, built if stale. */
function viewer(): string {
  if (process.env.KINETOSCOPE_DIST) return resolve(process.env.KINETOSCOPE_DIST);
  const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const reason = buildReason(repo);
  if (reason) {
    process.stderr.write(`kinetoscope: building the viewer (${reason})…\n`);
    build(repo);
  }
  return join(repo, 'dist');
}

/** Tries the usual openers in turn; never fails (there may be no browser at all). */
function openBrowser(url: string): void {
  const tries: [string, string[]][] =
    process.platform === 'darwin' ? [['open', [url]]] : process.platform === 'win32' ? [['cmd', ['/c', 'start', '', url]]] : [['xdg-open', [url]]];
  for (const [cmd, args] of tries) {
    try {
      const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
      child.on('error', () => undefined);
      child.unref();
    } catch {
      // no opener: the URL is printed
    }
  }
}

/** Parses the arguments and starts serving; resolves once listening, or rejects with a CliError. */
async function start(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { port: { type: 'string' }, host: { type: 'string' }, 'no-open': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\nServes the traces under DIR (*.json, *.json.gz) and the viewer, on 127.0.0.1:${DEFAULT_PORT} unless told otherwise.\n`);
    return;
  }
  if (positionals.length !== 1) throw new CliError(positionals.length === 0 ? `which folder? ${USAGE}` : `one folder only. ${USAGE}`);
  const dir = checkDir(positionals[0]!);
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '0') || port > 65535) throw new CliError(`--port must be a number from 0 to 65535, not ${values.port}`);
  const host = values.host ?? '127.0.0.1';
  const loopback = LOOPBACK.test(host);
  const server = await createTraceServer({ dir, dist: viewer(), loopbackOnly: loopback });
  let actual: number;
  try {
    actual = await listen(server, port, host);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${port} is in use; choose another with --port (e.g. --port ${port + 1}, or --port 0 for any free port)`);
    throw new CliError(`cannot listen on ${host}:${port} (${code ?? (e as Error).message})`);
  }
  const shown = host === '0.0.0.0' || host === '::' ? hostname() : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${actual}/`;
  if (!loopback) process.stderr.write(`kinetoscope: warning: listening on ${host}: anyone who can reach this address can read the traces in ${dir}\n`);
  process.stdout.write(`Kinetoscope is serving the traces in ${dir} at ${url}\n(Ctrl+C stops it)\n`);
  if (!values['no-open']) openBrowser(url);
  const stop = (): void => {
    server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export async function main(argv: string[]): Promise<void> {
  try {
    await start(argv);
  } catch (e) {
    process.stderr.write(`kinetoscope: ${e instanceof CliError ? e.message : (e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  }
}
