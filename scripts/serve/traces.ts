// The traces of a served folder: which files count, the listing, and the one check that
// maps a requested path to a file. Listing and serving use the same rule, so a file is
// served exactly when it is listed.

import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface TraceEntry {
  /** Relative to the served folder, `/`-separated. */
  path: string;
  bytes: number;
  /** ISO 8601, UTC. */
  modified: string;
}

/** `*.json` and `*.json.gz`, which takes in Kineto's `*.pt.trace.json(.gz)`. */
export const TRACE_NAME = /\.json(\.gz)?$/i;

/** Folders deeper than this are not walked (a folder of runs and their ranks is 2 or 3). */
const MAX_DEPTH = 16;

/** A name the server may show: no dotfile, no `..`, nothing that is not one path segment. */
function plainSegment(s: string): boolean {
  return s.length > 0 && !s.startsWith('.') && !s.includes('/') && !s.includes('\\') && !s.includes('\0');
}

/** `root` must be a real path (no symlink in it). True when `real` is inside it, or is it. */
function inside(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The real path of a trace file inside `root` (a real path), or null: a regular file whose
 * own path and whose real path (symlinks followed) are both plain segments inside `root`
 * ending in a trace name.
 */
export async function traceFile(root: string, segments: string[]): Promise<{ abs: string; size: number; mtime: Date; dev: number; ino: number } | null> {
  if (segments.length === 0 || !segments.every(plainSegment) || !TRACE_NAME.test(segments[segments.length - 1]!)) return null;
  let real: string;
  try {
    real = await realpath(join(root, ...segments));
  } catch {
    return null;
  }
  if (!inside(root, real)) return null;
  const rel = relative(root, real).split(sep);
  if (!rel.every(plainSegment) || !TRACE_NAME.test(rel[rel.length - 1]!)) return null;
  const st = await stat(real).catch(() => null);
  if (!st?.isFile()) return null;
  return { abs: real, size: st.size, mtime: st.mtime, dev: st.dev, ino: st.ino };
}

/**
 * The segments of a `/trace/<path>` request's path (after `/trace/`), decoded one by one, or
 * null when one cannot be decoded. A segment that decodes to `..`, or holds a `/`, stays one
 * segment, and traceFile refuses it.
 */
export function requestSegments(encoded: string): string[] | null {
  try {
    return encoded.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}

/** Every trace under `root` (a real path), sorted by path. */
export async function listTraces(root: string): Promise<TraceEntry[]> {
  const out: TraceEntry[] = [];
  const seen = new Set<string>([root]);
  const walk = async (segments: string[]): Promise<void> => {
    let names;
    try {
      names = await readdir(join(root, ...segments), { withFileTypes: true });
    } catch {
      return; // unreadable, or gone since it was listed
    }
    for (const d of names) {
      if (!plainSegment(d.name)) continue;
      const path = [...segments, d.name];
      if (TRACE_NAME.test(d.name) && (d.isFile() || d.isSymbolicLink())) {
        const f = await traceFile(root, path);
        if (f) out.push({ path: path.join('/'), bytes: f.size, modified: f.mtime.toISOString() });
      } else if ((d.isDirectory() || d.isSymbolicLink()) && segments.length < MAX_DEPTH) {
        // A linked folder is walked when it leads inside the root, once (no loops).
        const real = await realpath(join(root, ...path)).catch(() => null);
        if (!real || !inside(root, real) || seen.has(real)) continue;
        if (!(await stat(real).catch(() => null))?.isDirectory()) continue;
        seen.add(real);
        await walk(path);
      }
    }
  };
  await walk([]);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
