/** The browser's StorageManager: persistence and quota (DESIGN.md §4). */

export interface StorageState {
  /** null where the browser cannot tell. */
  readonly persisted: boolean | null;
  readonly usage: number | null;
  readonly quota: number | null;
}

export async function readStorageState(): Promise<StorageState> {
  const storage = navigator.storage as StorageManager | undefined;
  const persisted = typeof storage?.persisted === 'function' ? await storage.persisted().catch(() => null) : null;
  const estimate = typeof storage?.estimate === 'function' ? await storage.estimate().catch(() => null) : null;
  return { persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null };
}

/** Asks the browser not to evict Carnet's data; true when granted. */
export async function requestPersistence(): Promise<boolean> {
  const storage = navigator.storage as StorageManager | undefined;
  return typeof storage?.persist === 'function' ? storage.persist().catch(() => false) : false;
}
