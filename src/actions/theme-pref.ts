// The theme the user chose, kept in localStorage across reloads. Until they choose, the page
// follows the system's light/dark preference, changes included.

import type { AppState, AppStore } from '../store/app-store.ts';
import { setTheme } from '../store/actions.ts';

export const THEME_KEY = 'kinetoscope.theme';

type Theme = AppState['theme'];

/** The theme chosen on an earlier visit, or null (never chosen, or storage unavailable). */
export function savedTheme(storage: Pick<Storage, 'getItem'> | undefined = safeStorage()): Theme | null {
  try {
    const v = storage?.getItem(THEME_KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

/** Saves every change of the store's theme; follows the system while nothing is saved. */
export function keepTheme(store: AppStore, storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = safeStorage()): () => void {
  let following = savedTheme(storage) === null;
  let fromSystem = false;
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.theme === prev.theme || fromSystem) return;
    following = false;
    try {
      storage?.setItem(THEME_KEY, s.theme);
    } catch {
      // private mode or storage full: the choice lasts for this page only
    }
  });
  const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  const onSystem = (e: MediaQueryListEvent): void => {
    if (!following) return;
    fromSystem = true;
    setTheme(store, e.matches ? 'dark' : 'light');
    fromSystem = false;
  };
  media?.addEventListener('change', onSystem);
  return () => {
    unsubscribe();
    media?.removeEventListener('change', onSystem);
  };
}

function safeStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}
