/**
 * Thumbnails of documents as object URLs, decrypted on demand for the rows on screen.
 *
 * What must stay true: a request given up (its signal aborted) before its turn never reads, so
 * scrolling past a thousand rows decrypts none of them; at most `concurrency` reads run at once;
 * every URL made is revoked exactly once, when it leaves the cache (least recently used first) or
 * on `clear()`, and a read that finishes after `clear()` is revoked at once rather than kept.
 */
import type { FileId, FileRef } from '../core/records/document.ts';

export const THUMBNAIL_CAPACITY = 300;
export const THUMBNAIL_CONCURRENCY = 4;

/** How object URLs are made and revoked; the browser's by default, a counting fake in tests. */
export interface ObjectUrls {
  create(blob: Blob): string;
  revoke(url: string): void;
}

export interface ThumbnailCacheOptions {
  /** Decrypts a file; null when it cannot be read (damaged, gone). */
  readonly read: (file: FileRef) => Promise<Blob | null>;
  readonly capacity?: number;
  readonly concurrency?: number;
  readonly urls?: ObjectUrls;
}

export interface ThumbnailCache {
  /**
   * The object URL of `file`, decrypted when first asked; null when it cannot be read, or when
   * `signal` aborts or `clear()` runs before it is ready.
   */
  load(file: FileRef, signal?: AbortSignal): Promise<string | null>;
  /** The URL already made for `file` (null: unreadable), or undefined when not cached. */
  peek(file: FileRef): string | null | undefined;
  /** Revokes every URL and gives up every waiting request. */
  clear(): void;
  /** How many thumbnails are cached (readable or not). */
  size(): number;
}

interface Job {
  readonly file: FileRef;
  readonly waiters: Set<(url: string | null) => void>;
  started: boolean;
}

const browserUrls: ObjectUrls = {
  create: (blob) => URL.createObjectURL(blob),
  revoke: (url) => URL.revokeObjectURL(url),
};

export function createThumbnailCache(options: ThumbnailCacheOptions): ThumbnailCache {
  const capacity = options.capacity ?? THUMBNAIL_CAPACITY;
  const concurrency = options.concurrency ?? THUMBNAIL_CONCURRENCY;
  const urls = options.urls ?? browserUrls;
  /** Insertion order is recency: a hit moves its entry to the end, eviction takes the first. */
  const entries = new Map<FileId, string | null>();
  const jobs = new Map<FileId, Job>();
  const queue: Job[] = [];
  let running = 0;
  /** Bumped by clear(): a read begun before it must not land in the emptied cache. */
  let generation = 0;

  function remember(id: FileId, url: string | null): void {
    entries.set(id, url);
    for (const [oldest, oldUrl] of entries) {
      if (entries.size <= capacity) break;
      entries.delete(oldest);
      if (oldUrl !== null) urls.revoke(oldUrl);
    }
  }

  async function decrypt(file: FileRef): Promise<string | null> {
    try {
      const blob = await options.read(file);
      return blob === null ? null : urls.create(blob);
    } catch (failure) {
      // A thumbnail that fails shows the format icon; the failure is a bug worth seeing.
      console.warn('carnet: thumbnail', failure);
      return null;
    }
  }

  function pump(): void {
    while (running < concurrency) {
      const job = queue.shift();
      if (job === undefined) return;
      job.started = true;
      running += 1;
      const mine = generation;
      void decrypt(job.file).then((url) => {
        running -= 1;
        if (mine === generation) {
          jobs.delete(job.file.id);
          remember(job.file.id, url);
          for (const resolve of job.waiters) resolve(url);
        } else if (url !== null) {
          urls.revoke(url);
        }
        pump();
      });
    }
  }

  return {
    load(file, signal) {
      if (signal?.aborted === true) return Promise.resolve(null);
      if (entries.has(file.id)) {
        const url = entries.get(file.id) ?? null;
        entries.delete(file.id);
        entries.set(file.id, url);
        return Promise.resolve(url);
      }
      let job = jobs.get(file.id);
      if (job === undefined) {
        job = { file, waiters: new Set(), started: false };
        jobs.set(file.id, job);
        queue.push(job);
      }
      const current = job;
      return new Promise((resolve) => {
        const waiter = (url: string | null) => {
          signal?.removeEventListener('abort', abandon);
          resolve(url);
        };
        const abandon = () => {
          current.waiters.delete(waiter);
          resolve(null);
          // Nobody wants it any more and it has not begun: it is never read.
          if (!current.started && current.waiters.size === 0) {
            jobs.delete(file.id);
            const at = queue.indexOf(current);
            if (at >= 0) queue.splice(at, 1);
          }
        };
        current.waiters.add(waiter);
        signal?.addEventListener('abort', abandon, { once: true });
        pump();
      });
    },
    peek: (file) => entries.get(file.id),
    clear() {
      generation += 1;
      for (const url of entries.values()) if (url !== null) urls.revoke(url);
      entries.clear();
      const waiting = [...jobs.values()];
      jobs.clear();
      queue.length = 0;
      for (const job of waiting) for (const resolve of job.waiters) resolve(null);
    },
    size: () => entries.size,
  };
}
