// `npm run summary -- <trace>`: runs the engine in Node and prints the summary JSON
// (and nothing else) on stdout. Input that cannot be read at all: one line on stderr, exit 1.

import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { loadTrace, TraceLoadError } from '../engine/load.ts';

async function main(argv: string[]): Promise<number> {
  const path = argv.find((a) => !a.startsWith('-'));
  if (!path) {
    process.stderr.write('usage: npm run summary -- <trace.json[.gz]>\n');
    return 2;
  }
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error(`${path} is not a file`);
    size = st.size;
  } catch (e) {
    process.stderr.write(`summary: cannot read ${path}: ${(e as Error).message}\n`);
    return 1;
  }
  const stream = Readable.toWeb(createReadStream(path, { highWaterMark: 1 << 20 })) as ReadableStream<Uint8Array>;
  try {
    const { model } = await loadTrace(stream, { name: basename(path), totalBytes: size });
    process.stdout.write(JSON.stringify(model.summary, null, 2) + '\n');
    return 0;
  } catch (e) {
    const msg = e instanceof TraceLoadError ? e.message : `internal error: ${(e as Error).stack ?? String(e)}`;
    process.stderr.write(`summary: ${msg.split('\n')[0]}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
