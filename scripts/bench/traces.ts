// The benchmark's input files in .bench/: synthetic Kineto traces (src/engine/synth-trace.ts),
// plain and gzip (node:zlib, level 6), plus the copies speedscope can import (events with a
// non-numeric pid/tid removed). Each file gets a `<file>.meta.json` sidecar written after the
// file is complete; a file with a matching sidecar is reused.

import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { synthTraceChunks } from '../../src/engine/synth-trace.ts';
import { NonNumericPidFilter } from './filter.ts';
import { BENCH_DIR, log } from './paths.ts';

export interface TraceFile {
  /** File name inside .bench/ (served at /bench/<name>). */
  name: string;
  path: string;
  events: number;
  seed: number;
  gzip: boolean;
  /** Size on disk. */
  bytes: number;
  /** Size of the JSON text after gunzip (= bytes for plain files). */
  decodedBytes: number;
}

export interface FilteredFile extends TraceFile {
  kept: number;
  dropped: number;
}

interface Meta {
  version: 1;
  events: number;
  seed: number;
  gzip: boolean;
  bytes: number;
  decodedBytes: number;
  kept?: number;
  dropped?: number;
}

/** Counts the bytes that pass through. */
class Counter extends Transform {
  n = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.n += chunk.length;
    cb(null, chunk);
  }
}

function sizeTag(events: number): string {
  const exp = Math.floor(Math.log10(events));
  const mant = events / 10 ** exp;
  return Number.isInteger(mant) ? `${mant}e${exp}` : String(events);
}

export function traceName(events: number, seed: number, gzip: boolean, numeric = false): string {
  return `synth-${sizeTag(events)}-s${seed}${numeric ? '.numeric-pids' : ''}.json${gzip ? '.gz' : ''}`;
}

async function readMeta(path: string): Promise<Meta | null> {
  try {
    const meta = JSON.parse(await readFile(`${path}.meta.json`, 'utf8')) as Meta;
    const st = await stat(path);
    return meta.version === 1 && st.size === meta.bytes ? meta : null;
  } catch {
    return null;
  }
}

/** Writes `path` atomically (tmp + rename) from the given stream stages, then its sidecar. */
async function writeAtomically(
  path: string,
  stages: (NodeJS.ReadableStream | NodeJS.ReadWriteStream)[],
  meta: (bytes: number) => Meta,
): Promise<Meta> {
  const tmp = `${path}.tmp`;
  await rm(`${path}.meta.json`, { force: true });
  try {
    await pipeline([...stages, createWriteStream(tmp)]);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await rename(tmp, path);
  const m = meta((await stat(path)).size);
  await writeFile(`${path}.meta.json`, `${JSON.stringify(m)}\n`);
  return m;
}

function synthStream(events: number, seed: number): Readable {
  return Readable.from(synthTraceChunks({ events, seed }), { objectMode: false });
}

function toFile(name: string, m: Meta): TraceFile {
  return {
    name,
    path: join(BENCH_DIR, name),
    events: m.events,
    seed: m.seed,
    gzip: m.gzip,
    bytes: m.bytes,
    decodedBytes: m.decodedBytes,
  };
}

/** The synthetic trace of `events` events (plain or gzip), generated unless already there. */
export async function ensureTrace(events: number, seed: number, gzip: boolean): Promise<TraceFile> {
  await mkdir(BENCH_DIR, { recursive: true });
  const name = traceName(events, seed, gzip);
  const path = join(BENCH_DIR, name);
  const have = await readMeta(path);
  if (have && have.events === events && have.seed === seed && have.gzip === gzip) {
    log(`reusing ${name} (${(have.bytes / 2 ** 20).toFixed(1)} MiB)`);
    return toFile(name, have);
  }
  const t0 = performance.now();
  log(`generating ${name} …`);
  const counter = new Counter();
  let meta: Meta;
  if (gzip) {
    // gzip the plain file when it exists (same bytes), else the generator's output
    const plainPath = join(BENCH_DIR, traceName(events, seed, false));
    const plain = await readMeta(plainPath);
    const source = plain ? createReadStream(plainPath, { highWaterMark: 1 << 20 }) : synthStream(events, seed);
    meta = await writeAtomically(path, [source, counter, createGzip({ level: 6 })], (bytes) => ({
      version: 1, events, seed, gzip, bytes, decodedBytes: counter.n,
    }));
  } else {
    meta = await writeAtomically(path, [synthStream(events, seed), counter], (bytes) => ({
      version: 1, events, seed, gzip, bytes, decodedBytes: counter.n,
    }));
  }
  log(`wrote ${name}: ${(meta.bytes / 2 ** 20).toFixed(1)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return toFile(name, meta);
}

/**
 * The copy of `src` that speedscope can import: same compression, without the events whose pid
 * or tid is not a number.
 */
export async function ensureNumericPidCopy(src: TraceFile): Promise<FilteredFile> {
  const name = traceName(src.events, src.seed, src.gzip, true);
  const path = join(BENCH_DIR, name);
  const have = await readMeta(path);
  if (have && have.events === src.events && have.kept !== undefined && have.dropped !== undefined) {
    return { ...toFile(name, have), kept: have.kept, dropped: have.dropped };
  }
  const t0 = performance.now();
  if (src.gzip) {
    // gzip the plain copy when it exists (same bytes): cheaper than gunzip + filter + gzip
    const plainName = traceName(src.events, src.seed, false, true);
    const plainPath = join(BENCH_DIR, plainName);
    const plain = await readMeta(plainPath);
    if (plain && plain.events === src.events && plain.kept !== undefined && plain.dropped !== undefined) {
      log(`writing ${name} (gzip of ${plainName}) …`);
      const counter = new Counter();
      const { kept, dropped } = plain;
      const stages = [createReadStream(plainPath, { highWaterMark: 1 << 20 }), counter, createGzip({ level: 6 })];
      const meta = await writeAtomically(path, stages, (bytes) => ({
        version: 1, events: src.events, seed: src.seed, gzip: true, bytes, decodedBytes: counter.n, kept, dropped,
      }));
      log(`wrote ${name} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return { ...toFile(name, meta), kept, dropped };
    }
  }
  log(`writing ${name} (events with a non-numeric pid/tid removed) …`);
  const filter = new NonNumericPidFilter();
  const counter = new Counter();
  const input = createReadStream(src.path, { highWaterMark: 1 << 20 });
  const stages: (NodeJS.ReadableStream | NodeJS.ReadWriteStream)[] = src.gzip
    ? [input, createGunzip(), filter, counter, createGzip({ level: 6 })]
    : [input, filter, counter];
  const meta = await writeAtomically(path, stages, (bytes) => ({
    version: 1, events: src.events, seed: src.seed, gzip: src.gzip, bytes, decodedBytes: counter.n,
    kept: filter.kept, dropped: filter.dropped,
  }));
  if (filter.kept + filter.dropped !== src.events) {
    throw new Error(`filter saw ${filter.kept + filter.dropped} events in ${src.name}, expected ${src.events}`);
  }
  log(`wrote ${name}: kept ${filter.kept}, dropped ${filter.dropped} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { ...toFile(name, meta), kept: filter.kept, dropped: filter.dropped };
}
