// The library's pure parts: references, records, the keep setting and its messages.

import { formatBytes } from '../lib/format.ts';

/** A kept trace as the library lists it (IndexedDB holds one per content key). */
export interface LibraryRecord {
  /** The content hash of the bytes, 16 lowercase hex digits (lib/fnv64.ts). */
  key: string;
  name: string;
  bytes: number;
  /** When it was last opened, ISO 8601. */
  opened: string;
  /** The file's own lastModified (ms) when it was kept: a file opened again is known without hashing it. */
  modified: number;
}

export const LIB_PREFIX = 'lib:';
export const KEEP_KEY = 'kinetoscope.keepTraces';

export function isLibraryRef(source: string): boolean {
  return source.startsWith(LIB_PREFIX);
}

/** The key of `lib:<key>`, or null when it is not a well-formed key. */
export function libraryKey(ref: string): string | null {
  const key = ref.slice(LIB_PREFIX.length);
  return isLibraryRef(ref) && /^[0-9a-f]{16}$/.test(key) ? key : null;
}

export function libraryRef(key: string): string {
  return LIB_PREFIX + key;
}

/** The error of a `lib:` reference this browser does not hold (the shared wording: see open()). */
export function notInLibraryMessage(name: string): string {
  return `not in this browser's library: ${name}`;
}

export function newestFirst<T extends { opened: string; key: string }>(records: T[]): T[] {
  return [...records].sort((a, b) => (a.opened < b.opened ? 1 : a.opened > b.opened ? -1 : a.key < b.key ? -1 : 1));
}

/** A record of this very file (name, size and modification time): kept before, no need to hash it again. */
export function sameFile(records: LibraryRecord[], file: { name: string; size: number; lastModified: number }): LibraryRecord | null {
  return records.find((r) => r.name === file.name && r.bytes === file.size && r.modified === file.lastModified) ?? null;
}

/** Keeping is on unless turned off (storage unavailable: on, for this page). */
export function keepSetting(storage: Pick<Storage, 'getItem'> | undefined): boolean {
  try {
    return storage?.getItem(KEEP_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function saveKeepSetting(storage: Pick<Storage, 'setItem'> | undefined, on: boolean): void {
  try {
    storage?.setItem(KEEP_KEY, on ? 'on' : 'off');
  } catch {
    // private mode or storage full: the choice lasts for this page only
  }
}

/** Whether `bytes` more fit, by the browser's estimate (unknown: try). */
export function fits(bytes: number, estimate: { usage?: number; quota?: number } | null): boolean {
  if (!estimate || estimate.quota === undefined) return true;
  return bytes <= estimate.quota - (estimate.usage ?? 0);
}

/** Storage ran out: IndexedDB and OPFS throw a QuotaExceededError (its name may only survive in the message across a worker). */
export function isQuotaError(e: unknown): boolean {
  const { name, message } = (e ?? {}) as { name?: unknown; message?: unknown };
  return name === 'QuotaExceededError' || (typeof message === 'string' && /quota/i.test(message));
}

export function fullNotice(name: string, bytes: number, estimate: { usage?: number; quota?: number } | null): string {
  const free = estimate?.quota !== undefined ? `, ${formatBytes(Math.max(0, estimate.quota - (estimate.usage ?? 0)))} free` : '';
  return `${name} was not kept in this browser's library: storage is full (${formatBytes(bytes)} needed${free}). The trace is open; remove kept traces to make room.`;
}
