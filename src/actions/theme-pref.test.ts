import { describe, expect, it } from 'vitest';
import { createAppStore } from '../store/app-store.ts';
import { keepTheme, savedTheme, THEME_KEY } from './theme-pref.ts';

function memoryStorage(init: Record<string, string> = {}) {
  const m = new Map(Object.entries(init));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), map: m };
}

describe('the kept theme', () => {
  it('is read back only when it is a theme', () => {
    expect(savedTheme(memoryStorage({ [THEME_KEY]: 'dark' }))).toBe('dark');
    expect(savedTheme(memoryStorage({ [THEME_KEY]: 'light' }))).toBe('light');
    expect(savedTheme(memoryStorage({ [THEME_KEY]: '<b>' }))).toBeNull();
    expect(savedTheme(memoryStorage())).toBeNull();
    expect(savedTheme({ getItem: () => { throw new Error('denied'); } })).toBeNull();
  });

  it('is saved when the user switches it, and nothing is saved before', () => {
    const storage = memoryStorage();
    const store = createAppStore({ theme: 'light' });
    const stop = keepTheme(store, storage);
    store.setState({ showHelp: true });
    expect(storage.map.has(THEME_KEY)).toBe(false);
    store.setState({ theme: 'dark' });
    expect(storage.map.get(THEME_KEY)).toBe('dark');
    stop();
    store.setState({ theme: 'light' });
    expect(storage.map.get(THEME_KEY)).toBe('dark');
  });
});
