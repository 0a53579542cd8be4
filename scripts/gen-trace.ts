/**
 * Writes a synthetic Kineto-shaped trace.
 *
 *   npx tsx scripts/gen-trace.ts --events 1000000 [--gzip] [--seed 1] [--threads 2] [--streams 2]
 *     [--devices 1] [--rank 0] --out path
 *
 * Prints one JSON line: {"path","events","bytes"} (bytes = size of the file written).
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { synthTraceChunks, type SynthExpected, type SynthOptions } from '../src/engine/synth-trace.ts';

function usage(msg?: string): never {
  if (msg) process.stderr.write(`gen-trace: ${msg}\n`);
  process.stderr.write(
    'usage: tsx scripts/gen-trace.ts --events N [--gzip] [--seed S] [--threads T] [--streams S] [--devices D] [--rank R] --out PATH\n',
  );
  process.exit(2);
}

function parseArgs(argv: string[]): { opts: SynthOptions; gzip: boolean; out: string } {
  const opts: SynthOptions = { events: 0 };
  let gzip = false;
  let out = '';
  const num = (i: number, name: string): number => {
    const v = Number(argv[i]);
    if (argv[i] === undefined || !Number.isFinite(v)) usage(`${name} needs a number`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--events':
        opts.events = num(++i, a);
        break;
      case '--seed':
        opts.seed = num(++i, a);
        break;
      case '--threads':
        opts.threads = num(++i, a);
        break;
      case '--streams':
        opts.streams = num(++i, a);
        break;
      case '--devices':
        opts.devices = num(++i, a);
        break;
      case '--rank':
        opts.rank = num(++i, a);
        break;
      case '--gzip':
        gzip = true;
        break;
      case '--out':
        out = argv[++i] ?? '';
        break;
      case '-h':
      case '--help':
        usage();
        break;
      default:
        usage(`unknown argument ${a}`);
    }
  }
  if (!(opts.events > 0)) usage('--events is required');
  if (!out) usage('--out is required');
  return { opts, gzip, out };
}

async function main(): Promise<void> {
  const { opts, gzip, out } = parseArgs(process.argv.slice(2));
  let written: SynthExpected | undefined;
  const gen = synthTraceChunks(opts);
  async function* source(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const r = gen.next();
      if (r.done) {
        written = r.value;
        return;
      }
      yield r.value;
    }
  }
  const file = createWriteStream(out);
  if (gzip) await pipeline(Readable.from(source()), createGzip({ level: 6 }), file);
  else await pipeline(Readable.from(source()), file);
  const { size } = await stat(out);
  process.stdout.write(`${JSON.stringify({ path: out, events: written?.events ?? 0, bytes: size })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`gen-trace: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
