// The page's handle on the library worker (library.worker.ts): a trace's bytes in the
// origin-private file system, under LIBRARY_DIR, one file per content key.

import * as Comlink from 'comlink';

export const LIBRARY_DIR = 'library';

export interface LibraryFiles {
  /** The file's content key: FNV-1a 64 of its bytes, 16 lowercase hex digits (lib/fnv64.ts). */
  hash(file: Blob): Promise<string>;
  /** Copies the file to OPFS as `key`; 'full' when storage ran out (nothing is left behind). */
  write(file: Blob, key: string): Promise<'ok' | 'full'>;
  remove(key: string): Promise<void>;
  /** Deletes the files not in `keep` last written before `olderThan` (ms since 1970): copies a page did not finish; how many. */
  sweep(keep: string[], olderThan: number): Promise<number>;
}

let remote: Comlink.Remote<LibraryFiles> | undefined;

export function libraryFiles(): Comlink.Remote<LibraryFiles> {
  remote ??= Comlink.wrap<LibraryFiles>(new Worker(new URL('./library.worker.ts', import.meta.url), { type: 'module', name: 'kinetoscope-library' }));
  return remote;
}

/** A kept trace's bytes, read from disk as they are needed; null when the file is not there. */
export async function libraryBlob(key: string): Promise<File | null> {
  try {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(LIBRARY_DIR);
    return await (await dir.getFileHandle(key)).getFile();
  } catch {
    return null;
  }
}
