// The library's bytes: hashing a file and copying it into the origin-private file system, on a
// worker of its own so a multi-GB file neither blocks the page nor is ever held in memory
// (it is streamed in chunks; OPFS is written through a sync access handle).

import * as Comlink from 'comlink';
import { Fnv64 } from '../lib/fnv64.ts';
import { LIBRARY_DIR, type LibraryFiles } from './library-files.ts';

async function folder(): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(LIBRARY_DIR, { create: true });
}

/** What the page's types lack: OPFS's sync access handle (dedicated workers only). */
interface SyncHandle {
  write(data: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

const api: LibraryFiles = {
  async hash(file) {
    const h = new Fnv64();
    const reader = file.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      h.update(value);
    }
    return h.hex();
  },

  async write(file, key) {
    const dir = await folder();
    const handle = await dir.getFileHandle(key, { create: true });
    const sync = (await (handle as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle());
    try {
      sync.truncate(0);
      const reader = file.stream().getReader();
      let at = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        at += sync.write(value, { at });
      }
      sync.flush();
      if (at !== file.size) throw new Error(`wrote ${at} of ${file.size} bytes`);
    } catch (e) {
      sync.close();
      await dir.removeEntry(key).catch(() => undefined);
      const name = (e as Error).name;
      if (name === 'QuotaExceededError') return 'full';
      throw e;
    }
    sync.close();
    return 'ok';
  },

  async remove(key) {
    await (await folder()).removeEntry(key).catch(() => undefined);
  },

  async sweep(keep, olderThan) {
    const dir = await folder();
    const wanted = new Set(keep);
    const names: string[] = [];
    for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
      if (wanted.has(name) || handle.kind !== 'file') continue;
      // Another tab may be copying it right now.
      if ((await (handle as FileSystemFileHandle).getFile()).lastModified < olderThan) names.push(name);
    }
    for (const name of names) await dir.removeEntry(name).catch(() => undefined);
    return names.length;
  },
};

Comlink.expose(api);
