import { describe, expect, it } from 'vitest';
import {
  fits, fullNotice, isQuotaError, keepSetting, KEEP_KEY, isLibraryRef, libraryKey, libraryRef, newestFirst, notInLibraryMessage, sameFile, saveKeepSetting,
  type LibraryRecord,
} from './library-records.ts';

const rec = (key: string, name: string, opened: string, bytes = 10, modified = 1): LibraryRecord => ({ key, name, bytes, opened, modified });

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    clear: () => m.clear(),
    key: () => null,
    get length() {
      return m.size;
    },
  };
}

describe('library references', () => {
  it('reads lib:<16 hex digits> and nothing else as a key', () => {
    expect(libraryKey('lib:0123456789abcdef')).toBe('0123456789abcdef');
    expect(libraryRef('0123456789abcdef')).toBe('lib:0123456789abcdef');
    expect(isLibraryRef('lib:zz')).toBe(true);
    expect(libraryKey('lib:zz')).toBeNull();
    expect(libraryKey('lib:0123456789ABCDEF')).toBeNull();
    expect(libraryKey('lib:0123456789abcdef0')).toBeNull();
    expect(libraryKey('lib:../0123456789abcdef')).toBeNull();
    expect(isLibraryRef('demo/lib:0123456789abcdef')).toBe(false);
    expect(libraryKey('0123456789abcdef')).toBeNull();
  });

  it('says which file is missing in the wording the permalinks share', () => {
    expect(notInLibraryMessage('rank0.json')).toBe("not in this browser's library: rank0.json");
  });
});

describe('library records', () => {
  it('lists the last opened first (ties by key, so the order is stable)', () => {
    const list = [rec('b', 'b', '2026-01-01T10:00:00.000Z'), rec('a', 'a', '2026-03-01T10:00:00.000Z'), rec('c', 'c', '2026-01-01T10:00:00.000Z')];
    expect(newestFirst(list).map((r) => r.key)).toEqual(['a', 'b', 'c']);
    expect(list.map((r) => r.key)).toEqual(['b', 'a', 'c']);
  });

  it('knows a file opened again by its name, size and modification time, and only then', () => {
    const list = [rec('k1', 'x.json', '2026-01-01T00:00:00.000Z', 100, 5)];
    expect(sameFile(list, { name: 'x.json', size: 100, lastModified: 5 })?.key).toBe('k1');
    expect(sameFile(list, { name: 'x.json', size: 100, lastModified: 6 })).toBeNull();
    expect(sameFile(list, { name: 'x.json', size: 101, lastModified: 5 })).toBeNull();
    expect(sameFile(list, { name: 'y.json', size: 100, lastModified: 5 })).toBeNull();
  });
});

describe('the keep setting', () => {
  it('is on until turned off, and stays as saved', () => {
    const s = memoryStorage();
    expect(keepSetting(s)).toBe(true);
    saveKeepSetting(s, false);
    expect(s.getItem(KEEP_KEY)).toBe('off');
    expect(keepSetting(s)).toBe(false);
    saveKeepSetting(s, true);
    expect(keepSetting(s)).toBe(true);
    expect(keepSetting(undefined)).toBe(true);
  });

  it('is on for the page when storage throws', () => {
    const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
    expect(keepSetting(broken)).toBe(true);
    expect(() => saveKeepSetting(broken, false)).not.toThrow();
  });
});

describe('storage full', () => {
  it('fits by the estimate, and tries when there is none', () => {
    expect(fits(100, { usage: 900, quota: 1000 })).toBe(true);
    expect(fits(101, { usage: 900, quota: 1000 })).toBe(false);
    expect(fits(1e12, null)).toBe(true);
    expect(fits(1e12, {})).toBe(true);
  });

  it('knows a quota error by its name, or by its message once it crossed from the worker', () => {
    expect(isQuotaError(new DOMException('x', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError(new Error('The operation failed because it would cause the application to exceed its storage quota.'))).toBe(true);
    expect(isQuotaError(new DOMException('x', 'NotFoundError'))).toBe(false);
    expect(isQuotaError(new Error('network'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });

  it('says so with the sizes, and that the trace is open', () => {
    expect(fullNotice('big.json', 3 * 1024 * 1024, { usage: 1024 * 1024 * 9, quota: 1024 * 1024 * 10 })).toBe(
      "big.json was not kept in this browser's library: storage is full (3.0 MB needed, 1.0 MB free). The trace is open; remove kept traces to make room.",
    );
    expect(fullNotice('big.json', 2048, null)).toContain('(2.0 KB needed)');
  });
});
