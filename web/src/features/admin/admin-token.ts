// The admin token of this tab. It lives only in `sessionStorage` (gone when the tab closes):
// never in localStorage, a cookie or the URL, and it is never logged. When sessionStorage is not
// available (some privacy modes), it is kept in memory until the page is left.
import { useCallback, useSyncExternalStore } from 'react';

export const ADMIN_TOKEN_STORAGE_KEY = 'visionary.adminToken';

let memoryToken: string | null = null;
const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function readAdminToken(): string | null {
  const store = storage();
  if (store) {
    try {
      const token = store.getItem(ADMIN_TOKEN_STORAGE_KEY);
      if (token) return token;
    } catch {
      // fall through to the in-memory copy
    }
  }
  return memoryToken;
}

function notify() {
  for (const listener of listeners) listener();
}

export function saveAdminToken(token: string): void {
  const store = storage();
  memoryToken = null;
  try {
    if (!store) throw new Error('no sessionStorage');
    store.setItem(ADMIN_TOKEN_STORAGE_KEY, token);
  } catch {
    memoryToken = token;
  }
  notify();
}

export function clearAdminToken(): void {
  memoryToken = null;
  try {
    storage()?.removeItem(ADMIN_TOKEN_STORAGE_KEY);
  } catch {
    // nothing stored
  }
  notify();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Whether a token is plausible before asking the server: what an HTTP header can carry
 * (visible ASCII, no spaces). Anything else could never be the configured token.
 */
export function isPlausibleToken(token: string): boolean {
  return /^[\x21-\x7e]+$/.test(token);
}

/** The tab's admin token (`null` when signed out), with `save` and `clear`. */
export function useAdminToken() {
  const token = useSyncExternalStore(subscribe, readAdminToken, () => null);
  const save = useCallback((value: string) => saveAdminToken(value), []);
  const clear = useCallback(() => clearAdminToken(), []);
  return { token, save, clear };
}
