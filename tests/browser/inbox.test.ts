/**
 * The inbox (docs/format.md §7.1) with the real adapters: items sealed exactly as the service
 * worker seals a share (src/adapters/inbox-writer.ts), then listed and opened after unlock.
 * Round trips at every awkward size, no plaintext at rest, every tamper case giving its typed
 * error, the sweep of arrivals cut short (but never of one still running), and the share
 * target's choices: which profile, too large, text only, and a failure midway keeping nothing.
 */
import { describe, expect, it } from 'vitest';
import { webLocks, systemClock, systemRandom } from '../../src/adapters/system.ts';
import {
  inboxArrivalLockName,
  parseSharedForm,
  pickShareTarget,
  receiveShare,
  sharedTextFile,
  shareOutcomePath,
  writeInboxItem,
  type ShareDeps,
} from '../../src/adapters/inbox-writer.ts';
import { discardInboxItem, listInboxItems, openInboxItem, sweepInboxOrphans } from '../../src/app/inbox.ts';
import type { VaultDeps } from '../../src/app/deps.ts';
import type { VaultSession } from '../../src/app/session.ts';
import { unlockVault } from '../../src/app/vault.ts';
import { utf8 } from '../../src/core/bytes.ts';
import { sealToInbox } from '../../src/core/crypto/inbox.ts';
import { STREAM_CHUNK_BYTES, STREAM_MIN_CHUNK_BYTES } from '../../src/core/crypto/stream.ts';
import type { ProfileEntry, VaultStore } from '../../src/core/ports.ts';
import { err } from '../../src/core/result.ts';
import { byteArraysIn, containsBytes, content, dumpDatabase, newVault, PASSPHRASE, tamper, testDeps } from './support.ts';

const SMALL = STREAM_MIN_CHUNK_BYTES;

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function fileOf(bytes: Uint8Array, name = 'ordonnance.pdf', type = 'application/pdf'): File {
  return new File([bytes as Uint8Array<ArrayBuffer>], name, { type });
}

/** Seals `file` into the session's own inbox, as a share would. */
async function arrive(session: VaultSession, file: File, chunkSize = SMALL): Promise<string> {
  const written = await writeInboxItem(session.store(), session.keyring().inboxPublicKey, file, systemRandom, { chunkSize, now: () => 1_700_000_000_000 });
  if (!written.ok) throw new Error(written.error.type);
  return written.value;
}

async function bytesOf(session: VaultSession, id: string): Promise<Uint8Array> {
  const opened = await openInboxItem(session, id);
  if (!opened.ok) throw new Error(`${opened.error.type}`);
  return new Uint8Array(await opened.value.arrayBuffer());
}

function shareDeps(deps: VaultDeps, stores = deps.stores): ShareDeps {
  return { registry: deps.registry, stores, locks: webLocks, random: systemRandom, clock: systemClock };
}

async function inboxRowCounts(session: VaultSession) {
  const rows = await dumpDatabase(session.profile.database);
  return { items: rows['inbox']?.length ?? 0, chunks: rows['inboxChunks']?.length ?? 0 };
}

/** A store that fails with a full disk on the `failAt`-th call of `method`. */
function failingStores(deps: VaultDeps, method: 'putInboxChunks' | 'putInboxItem', failAt: number) {
  let calls = 0;
  return {
    ...deps.stores,
    async open(database: string): Promise<VaultStore> {
      const store = await deps.stores.open(database);
      return {
        ...store,
        [method]: async (...args: never[]) => {
          calls += 1;
          if (calls === failAt) return err({ type: 'QuotaExceeded' });
          return (store[method] as (...a: never[]) => unknown)(...args);
        },
      };
    },
  };
}

describe('the inbox', () => {
  it('gives back exactly what was sealed, at every awkward size, with its name, type, size and date', async () => {
    const session = await newVault();
    const sizes = [0, 1, SMALL - 1, SMALL, SMALL + 1, 3 * SMALL + 123];
    const ids: string[] = [];
    for (const size of sizes) ids.push(await arrive(session, fileOf(content(size, size + 1), `f${size}.pdf`)));
    const listed = await listInboxItems(session);
    expect(listed).toHaveLength(sizes.length);
    for (const [i, size] of sizes.entries()) {
      const item = listed.find((entry) => entry.id === ids[i]);
      expect(item).toEqual({ id: ids[i], damaged: false, name: `f${size}.pdf`, type: 'application/pdf', size, receivedAt: 1_700_000_000_000 });
      const opened = await openInboxItem(session, ids[i] as string);
      if (!opened.ok) throw new Error(opened.error.type);
      expect(opened.value.name).toBe(`f${size}.pdf`);
      expect(opened.value.type).toBe('application/pdf');
      expect(same(new Uint8Array(await opened.value.arrayBuffer()), content(size, size + 1))).toBe(true);
    }
    session.lock();
  });

  it('writes files in 1 MiB chunks by default, and a 2.5 MB scan comes back whole', async () => {
    const session = await newVault();
    const bytes = content(2_500_000, 3);
    const id = await arrive(session, fileOf(bytes, 'scan.jpg', 'image/jpeg'), STREAM_CHUNK_BYTES);
    expect(await inboxRowCounts(session)).toEqual({ items: 1, chunks: 3 });
    expect(same(await bytesOf(session, id), bytes)).toBe(true);
    session.lock();
  });

  it('shortens a name or type longer than a header holds, so the item still opens', async () => {
    const session = await newVault();
    const id = await arrive(session, fileOf(content(5), `${'é'.repeat(1500)}.pdf`, `application/${'x'.repeat(300)}`));
    const [item] = await listInboxItems(session);
    expect(item).toMatchObject({ id, damaged: false, name: 'é'.repeat(1000), type: '' });
    expect(same(await bytesOf(session, id), content(5))).toBe(true);
    session.lock();
  });

  it('keeps no plaintext at rest: neither the contents, nor the name, nor the file key', async () => {
    const session = await newVault();
    const marker = utf8('Ordonnance du Dr Martin — amoxicilline 1 g, 3 fois par jour. '.repeat(400));
    await arrive(session, fileOf(marker, 'ordonnance-martin.txt', 'text/plain'));
    const rows = await dumpDatabase(session.profile.database);
    const stored = byteArraysIn([rows['inbox'], rows['inboxChunks']]);
    expect(stored.length).toBeGreaterThan(1);
    for (const bytes of stored) {
      expect(containsBytes(bytes, marker.subarray(0, 32))).toBe(false);
      expect(containsBytes(bytes, utf8('ordonnance-martin'))).toBe(false);
      expect(containsBytes(bytes, utf8('"key"'))).toBe(false);
    }
    expect(JSON.stringify(rows['inbox'], (_, value: unknown) => (value instanceof Uint8Array ? undefined : value))).not.toMatch(/ordonnance|text\/plain/);
    session.lock();
  });

  it('reports a header sealed to another vault as damaged, and refuses to open it', async () => {
    const session = await newVault();
    const other = await newVault(testDeps(), 'Autre');
    const good = await arrive(session, fileOf(content(100)));
    const foreign = await writeInboxItem(session.store(), other.keyring().inboxPublicKey, fileOf(content(100)), systemRandom);
    if (!foreign.ok) throw new Error(foreign.error.type);
    const listed = await listInboxItems(session);
    expect(listed.find((item) => item.id === foreign.value)).toMatchObject({ damaged: true, reason: 'HeaderUnreadable' });
    expect(listed.find((item) => item.id === good)).toMatchObject({ damaged: false });
    expect(await openInboxItem(session, foreign.value)).toEqual(err({ type: 'InboxItemDamaged', reason: 'HeaderUnreadable' }));
    session.lock();
    other.lock();
  });

  it('reports a header that opens but is not a valid header as damaged', async () => {
    const session = await newVault();
    const id = await arrive(session, fileOf(content(10)));
    const box = (json: unknown) => sealToInbox(session.keyring().inboxPublicKey, utf8(JSON.stringify(json)), systemRandom.bytes(32), systemRandom.bytes(24));
    const valid = { v: 1, name: 'a.pdf', type: 'application/pdf', size: 10, key: 'A'.repeat(43), chunkSize: SMALL, chunkCount: 1, receivedAt: 1 };
    const broken = [
      { ...valid, v: 2 },
      { ...valid, chunkCount: 2 },
      { ...valid, key: 'A'.repeat(42) },
      { ...valid, size: -1 },
      { ...valid, chunkSize: 1024 },
      { ...valid, name: 7 },
      [valid],
    ];
    for (const header of broken) {
      await tamper(session.profile.database, 'inbox', (store) => store.put({ id, header: box(header), receivedAt: 1 }));
      expect(await openInboxItem(session, id)).toEqual(err({ type: 'InboxItemDamaged', reason: 'HeaderMalformed' }));
      expect((await listInboxItems(session))[0]).toMatchObject({ id, damaged: true, reason: 'HeaderMalformed' });
    }
    session.lock();
  });

  it('refuses a missing, swapped, moved, truncated or extra chunk with a typed error', async () => {
    const session = await newVault();
    const database = session.profile.database;
    const bytes = content(3 * SMALL + 5, 9);
    const store = session.store();
    const chunk = async (id: string, index: number) => {
      const sealed = await store.readInboxChunk(id, index);
      if (sealed === undefined) throw new Error('no chunk');
      return sealed;
    };
    const damaged = (reason: string) => err({ type: 'InboxItemDamaged', reason });

    const missing = await arrive(session, fileOf(bytes));
    await tamper(database, 'inboxChunks', (objects) => objects.delete([missing, 1]));
    expect(await openInboxItem(session, missing)).toEqual(damaged('ChunkMissing'));

    const swapped = await arrive(session, fileOf(bytes));
    const [first, second] = [await chunk(swapped, 0), await chunk(swapped, 1)];
    await tamper(database, 'inboxChunks', (objects) => {
      objects.put(second, [swapped, 0]);
      objects.put(first, [swapped, 1]);
    });
    expect(await openInboxItem(session, swapped)).toEqual(damaged('ChunkTampered'));

    // A chunk from another item (another key) at the same place.
    const moved = await arrive(session, fileOf(bytes));
    const donor = await arrive(session, fileOf(bytes));
    const foreignChunk = await chunk(donor, 2);
    await tamper(database, 'inboxChunks', (objects) => objects.put(foreignChunk, [moved, 2]));
    expect(await openInboxItem(session, moved)).toEqual(damaged('ChunkTampered'));

    const flipped = await arrive(session, fileOf(bytes));
    const altered = (await chunk(flipped, 3)).slice();
    altered[0] = (altered[0] as number) ^ 1;
    await tamper(database, 'inboxChunks', (objects) => objects.put(altered, [flipped, 3]));
    expect(await openInboxItem(session, flipped)).toEqual(damaged('ChunkTampered'));

    // The last chunk dropped: chunk 2 is not flagged last, and the header says four.
    const truncated = await arrive(session, fileOf(bytes));
    await tamper(database, 'inboxChunks', (objects) => objects.delete([truncated, 3]));
    expect(await openInboxItem(session, truncated)).toEqual(damaged('ChunkMissing'));

    const extra = await arrive(session, fileOf(bytes));
    const appended = await chunk(extra, 3);
    await tamper(database, 'inboxChunks', (objects) => objects.put(appended, [extra, 4]));
    expect(await openInboxItem(session, extra)).toEqual(damaged('StreamTooLong'));

    // Headers swapped between two items: each key meets the other's chunks.
    const [left, right] = [await arrive(session, fileOf(bytes)), await arrive(session, fileOf(bytes))];
    const rows = await store.listInbox();
    const [leftRow, rightRow] = [rows.find((row) => row.id === left), rows.find((row) => row.id === right)];
    await tamper(database, 'inbox', (objects) => {
      objects.put({ ...rightRow, id: left });
      objects.put({ ...leftRow, id: right });
    });
    expect(await openInboxItem(session, left)).toEqual(damaged('ChunkTampered'));

    expect(await openInboxItem(session, 'ffffffffffffffffffffffffffffffff')).toEqual(err({ type: 'InboxItemMissing' }));
    session.lock();
  });

  it('discards an item with its chunks', async () => {
    const session = await newVault();
    const id = await arrive(session, fileOf(content(2 * SMALL)));
    const kept = await arrive(session, fileOf(content(10)));
    await discardInboxItem(session, id);
    expect((await listInboxItems(session)).map((item) => item.id)).toEqual([kept]);
    expect(await inboxRowCounts(session)).toEqual({ items: 1, chunks: 1 });
    expect(await openInboxItem(session, id)).toEqual(err({ type: 'InboxItemMissing' }));
    session.lock();
  });

  it('sweeps chunks whose header never came, but not while an arrival holds the lock, and at unlock', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const store = session.store();
    const kept = await arrive(session, fileOf(content(10)));
    await store.putInboxChunks('0123456789abcdef0123456789abcdef', 0, [content(64)]);

    // An arrival still writing holds the lock: its chunks are not an orphan yet.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const holding = new Promise<void>((started) => {
      void navigator.locks.request(inboxArrivalLockName(session.profile.database), async () => {
        started();
        await held;
      });
    });
    await holding;
    expect(await sweepInboxOrphans(session)).toBe(0);
    expect(await store.listInboxOrphans()).toEqual(['0123456789abcdef0123456789abcdef']);
    release();

    expect(await sweepInboxOrphans(session)).toBe(1);
    expect(await store.listInboxOrphans()).toEqual([]);
    expect(await inboxRowCounts(session)).toEqual({ items: 1, chunks: 1 });
    expect((await listInboxItems(session)).map((item) => item.id)).toEqual([kept]);

    // Unlocking sweeps too.
    await store.putInboxChunks('fedcba9876543210fedcba9876543210', 0, [content(64)]);
    session.lock();
    const unlocked = await unlockVault(deps, session.profile.id, PASSPHRASE);
    if (!unlocked.ok) throw new Error(unlocked.error.type);
    expect(await unlocked.value.store().listInboxOrphans()).toEqual([]);
    expect(await inboxRowCounts(unlocked.value)).toEqual({ items: 1, chunks: 1 });
    unlocked.value.lock();
  });
});

describe('the share target', () => {
  it('sends a share to the profile unlocked last, else to the only one, else nowhere', async () => {
    const deps = testDeps();
    expect(await receiveShare(shareDeps(deps), { files: [fileOf(content(10))], title: '', text: '', url: '' })).toEqual({ status: 'no-profile' });

    const first = await newVault(deps, 'Maman');
    first.lock();
    const only = await receiveShare(shareDeps(deps), { files: [fileOf(content(10))], title: '', text: '', url: '' });
    expect(only).toEqual({ status: 'received', count: 1, profileId: first.profile.id });

    const second = await newVault(deps, 'Léo');
    second.lock();
    // Creating a vault opens it: the newer profile is the one in use.
    expect(await receiveShare(shareDeps(deps), { files: [fileOf(content(10))], title: '', text: '', url: '' })).toEqual({ status: 'received', count: 1, profileId: second.profile.id });

    for (const target of [second, first, second]) {
      const unlocked = await unlockVault(deps, target.profile.id, PASSPHRASE);
      if (!unlocked.ok) throw new Error(unlocked.error.type);
      unlocked.value.lock();
      const outcome = await receiveShare(shareDeps(deps), { files: [fileOf(content(20), 'a.pdf'), fileOf(content(30), 'b.png', 'image/png')], title: '', text: '', url: '' });
      expect(outcome).toEqual({ status: 'received', count: 2, profileId: target.profile.id });
      expect(shareOutcomePath(outcome)).toBe(`/#/share-received?count=2&profile=${target.profile.id}`);
    }

    const opened = await unlockVault(deps, second.profile.id, PASSPHRASE);
    if (!opened.ok) throw new Error(opened.error.type);
    const names = (await listInboxItems(opened.value)).map((item) => (item.damaged ? null : item.name));
    expect(names.sort()).toEqual(['a.pdf', 'a.pdf', 'b.png', 'b.png', 'ordonnance.pdf']);
    opened.value.lock();
  });

  it('picks by the latest openedAt, ignoring profiles never opened', () => {
    const entry = (id: string, openedAt?: number): ProfileEntry => ({ id, vaultId: id, database: id, label: id, createdAt: 0, ...(openedAt === undefined ? {} : { openedAt }) });
    expect(pickShareTarget([])).toBeUndefined();
    expect(pickShareTarget([entry('a')])?.id).toBe('a');
    expect(pickShareTarget([entry('a'), entry('b')])).toBeUndefined();
    expect(pickShareTarget([entry('a', 5), entry('b'), entry('c', 9), entry('d', 7)])?.id).toBe('c');
  });

  it('refuses a share with a file that is too large, before writing anything', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const outcome = await receiveShare(shareDeps(deps), { files: [fileOf(content(100)), fileOf(content(101))], title: '', text: '', url: '' }, { maxBytes: 100 });
    expect(outcome).toEqual({ status: 'too-large' });
    expect(shareOutcomePath(outcome)).toBe('/#/share-received?status=too-large');
    expect(await inboxRowCounts(session)).toEqual({ items: 0, chunks: 0 });
    session.lock();
  });

  it('keeps nothing of a share that fails midway, whichever write fails', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const files = [fileOf(content(3 * SMALL, 1)), fileOf(content(2 * SMALL, 2)), fileOf(content(10, 3))];
    for (const [method, failAt] of [['putInboxChunks', 1], ['putInboxChunks', 4], ['putInboxChunks', 6], ['putInboxItem', 1], ['putInboxItem', 3]] as const) {
      const outcome = await receiveShare(shareDeps(deps, failingStores(deps, method, failAt)), { files, title: '', text: '', url: '' }, { chunkSize: SMALL });
      expect(outcome).toEqual({ status: 'error', error: { type: 'QuotaExceeded' } });
      expect(shareOutcomePath(outcome)).toBe('/#/share-received?status=error');
      expect(await inboxRowCounts(session)).toEqual({ items: 0, chunks: 0 });
    }
    const whole = await receiveShare(shareDeps(deps), { files, title: '', text: '', url: '' }, { chunkSize: SMALL });
    expect(whole).toMatchObject({ status: 'received', count: 3 });
    expect(await inboxRowCounts(session)).toEqual({ items: 3, chunks: 6 });
    session.lock();
  });

  it('refuses a vault whose keyring is unreadable, and writes nothing', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    session.lock();
    await tamper(session.profile.database, 'meta', (store) => store.put({ name: 'keyring', value: utf8('not a keyring') }));
    const outcome = await receiveShare(shareDeps(deps), { files: [fileOf(content(10))], title: '', text: '', url: '' });
    expect(outcome).toEqual({ status: 'error', error: { type: 'KeyringNotRecognised' } });
    const rows = await dumpDatabase(session.profile.database);
    expect([rows['inbox']?.length, rows['inboxChunks']?.length]).toEqual([0, 0]);
  });

  it('keeps a share without files as a small text file, and an empty share as nothing', async () => {
    const deps = testDeps();
    const session = await newVault(deps);
    const form = new FormData();
    form.set('title', 'Résultats: prise de sang');
    form.set('text', 'Voir https://labo.example/r/123');
    form.set('url', 'https://labo.example/r/123');
    // What a form with an empty file input sends: no file at all.
    form.set('files', new File([], '', { type: 'application/octet-stream' }));
    const shared = parseSharedForm(form);
    expect(shared.files).toEqual([]);
    expect(await receiveShare(shareDeps(deps), shared)).toMatchObject({ status: 'received', count: 1 });
    const [item] = await listInboxItems(session);
    if (item === undefined || item.damaged) throw new Error('no text item');
    expect(item).toMatchObject({ name: 'Résultats prise de sang.txt', type: 'text/plain' });
    const text = new TextDecoder().decode(await bytesOf(session, item.id));
    expect(text).toBe('Résultats: prise de sang\nVoir https://labo.example/r/123\n');

    expect(sharedTextFile({ files: [], title: '', text: '', url: '' })).toBeNull();
    expect(sharedTextFile({ files: [], title: '', text: '', url: 'https://a.example/x' })?.name).toBe('https a.example x.txt');
    expect(await receiveShare(shareDeps(deps), { files: [], title: '', text: '', url: '' })).toEqual({ status: 'empty' });
    session.lock();
  });
});
