// The local library: files opened from disk are kept in this browser, after they are loaded
// and drawn, in the background. Bytes in the origin-private file system (worker/library-files.ts),
// the list in IndexedDB; keyed by a content hash. Nothing leaves the machine.

import { openDB, type IDBPDatabase } from 'idb';
import type { AppStore } from '../store/app-store.ts';
import { notify, setLibrary, setTraceRef } from '../store/actions.ts';
import { libraryBlob, libraryFiles } from '../worker/library-files.ts';
import {
  fits, fullNotice, isQuotaError, keepSetting, libraryKey, libraryRef, newestFirst, notInLibraryMessage, sameFile, saveKeepSetting,
  type LibraryRecord,
} from './library-records.ts';

const DB_NAME = 'kinetoscope-library';
const STORE = 'traces';
/** Files in OPFS with no record, older than this, are leftovers of a copy that never finished. */
const LEFTOVER_MS = 10 * 60_000;

let connection: Promise<IDBPDatabase> | undefined;

function database(): Promise<IDBPDatabase> {
  connection ??= openDB(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore(STORE, { keyPath: 'key' });
    },
  }).catch((e: unknown) => {
    // Tried again next time (the disk may have room by then).
    connection = undefined;
    throw e;
  });
  return connection;
}

async function records(): Promise<LibraryRecord[]> {
  return newestFirst((await (await database()).getAll(STORE)) as LibraryRecord[]);
}

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

async function estimate(): Promise<StorageEstimate | null> {
  try {
    return (await navigator.storage?.estimate?.()) ?? null;
  } catch {
    return null;
  }
}

/** Keeping, removing and refreshing run one at a time, in order. */
let queue: Promise<unknown> = Promise.resolve();

function enqueue<T>(job: () => Promise<T>): Promise<T> {
  const run = queue.then(job);
  queue = run.catch(() => undefined);
  return run;
}

let swept = false;

/** Reads the list, the storage used and the setting into the store. */
export function refreshLibrary(store: AppStore): Promise<void> {
  return enqueue(async () => {
    let list: LibraryRecord[] = [];
    try {
      list = await records();
      if (!swept) {
        swept = true;
        void libraryFiles().sweep(list.map((r) => r.key), Date.now() - LEFTOVER_MS).catch(() => undefined);
      }
    } catch {
      // no IndexedDB (a private window in some browsers): an empty library
    }
    const e = await estimate();
    setLibrary(store, {
      entries: list.map(({ key, name, bytes, opened }) => ({ key, name, bytes, opened })),
      usage: e && e.usage !== undefined && e.quota !== undefined ? { used: e.usage, quota: e.quota } : null,
      keep: keepSetting(storage()),
    });
  });
}

/** The library for the automation API; waits for the files being kept. */
export async function libraryList(): Promise<{ key: string; name: string; bytes: number; opened: string }[]> {
  return enqueue(async () => (await records()).map(({ key, name, bytes, opened }) => ({ key, name, bytes, opened })));
}

export function setKeeping(store: AppStore, on: boolean): void {
  saveKeepSetting(storage(), on);
  setLibrary(store, { keep: on });
}

/**
 * The file a `lib:<key>` reference names, read from disk as it is needed (named as it was
 * when kept); rejects with `not in this browser's library: <name>`.
 */
export async function libraryFile(ref: string): Promise<File> {
  const key = libraryKey(ref);
  let record: LibraryRecord | undefined;
  try {
    if (key !== null) record = (await (await database()).get(STORE, key)) as LibraryRecord | undefined;
  } catch {
    // no IndexedDB: nothing is kept
  }
  const blob = record ? await libraryBlob(record.key) : null;
  if (!record || !blob || blob.size !== record.bytes) throw new Error(notInLibraryMessage(record?.name ?? ref));
  return new File([blob], record.name, { lastModified: record.modified });
}

/**
 * After a trace is loaded and drawn: keeps its file in the library (when keeping is on), or,
 * opened from the library (`ref`), marks it opened now. The loaded trace's `url` becomes
 * `lib:<key>` once its bytes are kept.
 */
export function keepInLibrary(store: AppStore, traceId: string, file: File, ref: string | null): Promise<void> {
  return enqueue(async () => {
    const db = await database();
    if (ref !== null) {
      const key = libraryKey(ref);
      const r = key === null ? undefined : ((await db.get(STORE, key)) as LibraryRecord | undefined);
      if (r) await db.put(STORE, { ...r, opened: new Date().toISOString() });
      return;
    }
    if (!keepSetting(storage())) return;
    const all = await records();
    const files = libraryFiles();
    const key = sameFile(all, file)?.key ?? (await files.hash(file));
    const known = all.find((r) => r.key === key);
    const copy = !known || !(await libraryBlob(key));
    const e = await estimate();
    const record: LibraryRecord = { key, name: file.name, bytes: file.size, opened: new Date().toISOString(), modified: file.lastModified };
    try {
      if (copy && (!fits(file.size, e) || (await files.write(file, key)) === 'full')) throw new DOMException('storage is full', 'QuotaExceededError');
      await db.put(STORE, record);
    } catch (err) {
      if (!isQuotaError(err)) throw err;
      if (copy) await files.remove(key);
      notify(store, fullNotice(file.name, file.size, e));
      return;
    }
    setTraceRef(store, traceId, libraryRef(key));
  }).then(
    () => refreshLibrary(store),
    (e: unknown) => {
      if (ref === null) {
        notify(store, isQuotaError(e)
          ? fullNotice(file.name, file.size, null)
          : `${file.name} was not kept in this browser's library (${(e as Error).message || String(e)}). The trace is open.`);
      }
      return refreshLibrary(store);
    },
  );
}

/** Removes a kept trace, bytes and record; a loaded trace that was it is no longer linkable. */
export function removeFromLibrary(store: AppStore, key: string): Promise<void> {
  return enqueue(async () => {
    await (await database()).delete(STORE, key);
    await libraryFiles().remove(key);
    for (const t of store.getState().traces) if (t.url === libraryRef(key)) setTraceRef(store, t.id, null);
  }).then(() => refreshLibrary(store));
}
