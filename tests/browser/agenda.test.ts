/**
 * The agenda in the vault with the real adapters (Dexie, the record envelope): events written,
 * read back and deleted; an .ics import previewed, landed in one transaction and re-imported
 * without duplicates (by UID); a failing store leaving nothing changed; missed reminders kept
 * sealed; and a storage scan finding no plaintext of an event anywhere in IndexedDB.
 */
import { describe, expect, it } from 'vitest';
import { createAgenda, createAgendaEvent } from '../../src/app/agenda.ts';
import type { VaultSession } from '../../src/app/session.ts';
import { pendingChanges } from '../../src/app/records.ts';
import bookingText from '../fixtures/ics/booking-confirmation-paris.ics?raw';
import brokenText from '../fixtures/ics/broken.ics?raw';
import { byteArraysIn, containsBytes, dumpDatabase, newVault, testDeps } from './support.ts';

const ZONE = { zone: 'Europe/Paris' };

/** A marker as it could leak: UTF-8, UTF-16 or hex. */
function encodings(marker: string): Uint8Array[] {
  const utf8 = new TextEncoder().encode(marker);
  const utf16 = new Uint8Array(marker.length * 2);
  for (let i = 0; i < marker.length; i++) utf16[i * 2] = marker.charCodeAt(i);
  const hex = new TextEncoder().encode(Array.from(utf8, (b) => b.toString(16).padStart(2, '0')).join(''));
  return [utf8, utf16, hex];
}

/** Every string and byte array of every IndexedDB database of this origin. */
async function everythingInIndexedDb(): Promise<{ strings: string[]; bytes: Uint8Array[] }> {
  const strings: string[] = [];
  const bytes: Uint8Array[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (value instanceof Uint8Array || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return;
    else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) {
      strings.push(key);
      walk(item);
    }
  };
  for (const info of await indexedDB.databases()) {
    const name = info.name ?? '';
    strings.push(name);
    const rows = await dumpDatabase(name);
    for (const [store, list] of Object.entries(rows)) {
      strings.push(store);
      walk(list);
      bytes.push(...byteArraysIn(list));
    }
  }
  return { strings, bytes };
}

/** A session whose store refuses multi-record writes, as a full disk would. */
function failingWrites(session: VaultSession): VaultSession {
  return {
    ...session,
    store: () => ({ ...session.store(), writeRecords: async () => ({ ok: false, error: { type: 'QuotaExceeded' } }) }),
  };
}

describe('the agenda in the vault', () => {
  it('writes, reads back and deletes an event, with its change-log entry', async () => {
    const session = await newVault(testDeps());
    const agenda = createAgenda(session);
    const created = await createAgendaEvent(session, { title: 'Vaccin grippe', date: '2026-11-23', time: '10:15', zone: 'Europe/Paris', reminders: [60], prevention: 'flu-vaccine' });
    if (!created.ok) throw new Error(created.error.type);
    const stored = await agenda.get(created.value);
    expect(stored.ok && stored.value?.data).toMatchObject({ title: 'Vaccin grippe', time: '10:15', durationMinutes: 30, reminders: [60], prevention: 'flu-vaccine' });
    expect(stored.ok && stored.value?.data.uid).toMatch(/^[0-9a-f]{32}@carnet$/);
    const changes = await pendingChanges(session);
    expect(changes.ok && changes.value.find((entry) => entry.id === created.value)).toMatchObject({ kind: 'agenda', op: 'put' });
    expect((await agenda.remove(created.value)).ok).toBe(true);
    expect((await agenda.list()).records).toEqual([]);
  });

  it('imports an .ics file once: a re-import finds every event unchanged, a changed one updated', async () => {
    const session = await newVault(testDeps());
    const agenda = createAgenda(session);
    const preview = await agenda.previewIcs(bookingText, ZONE);
    if (!preview.ok) throw new Error(preview.error.type);
    expect(preview.value.items.map((item) => item.status)).toEqual(['new']);
    const landed = await agenda.commitIcs(preview.value, new Set(preview.value.items.map((item) => item.incoming.event.uid)));
    expect(landed).toEqual({ ok: true, value: { added: 1, updated: 0 } });

    // The patient links a document to it; the vault's own fields survive a re-import.
    const [entry] = (await agenda.list()).records;
    if (entry === undefined) throw new Error('not stored');
    const documentId = '0123456789abcdef0123456789abcdef';
    await agenda.put({ ...entry.data, documents: [documentId as never] }, entry.id);

    const again = await agenda.previewIcs(bookingText, ZONE);
    expect(again.ok && again.value.items.map((item) => item.status)).toEqual(['unchanged']);
    const moved = bookingText.replace('DTSTART;TZID=Europe/Paris:20261123T093000', 'DTSTART;TZID=Europe/Paris:20261124T093000').replace('DTEND;TZID=Europe/Paris:20261123T100000', 'DTEND;TZID=Europe/Paris:20261124T100000');
    const changed = await agenda.previewIcs(moved, ZONE);
    if (!changed.ok) throw new Error(changed.error.type);
    expect(changed.value.items.map((item) => item.status)).toEqual(['updated']);
    await agenda.commitIcs(changed.value, new Set([changed.value.items[0]?.incoming.event.uid ?? '']));
    const after = (await agenda.list()).records;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: entry.id, data: { date: '2026-11-24', documents: [documentId], createdAt: entry.data.createdAt } });
  });

  it('stores only the events the patient accepted, and nothing when the store fails', async () => {
    const session = await newVault(testDeps());
    const agenda = createAgenda(session);
    const preview = await agenda.previewIcs(brokenText, ZONE);
    if (!preview.ok) throw new Error(preview.error.type);
    expect(preview.value.items).toHaveLength(4);
    const failed = await createAgenda(failingWrites(session)).commitIcs(preview.value, new Set(preview.value.items.map((item) => item.incoming.event.uid)));
    expect(failed).toEqual({ ok: false, error: { type: 'QuotaExceeded' } });
    expect((await agenda.list()).records).toEqual([]);
    const landed = await agenda.commitIcs(preview.value, new Set(['good-1@broken.example', 'floating-1@broken.example']));
    expect(landed).toEqual({ ok: true, value: { added: 2, updated: 0 } });
    expect((await agenda.list()).records.map((record) => record.data.uid).sort()).toEqual(['floating-1@broken.example', 'good-1@broken.example']);
  });

  it('exports what it stores as .ics that imports back unchanged', async () => {
    const session = await newVault(testDeps());
    const agenda = createAgenda(session);
    await createAgendaEvent(session, { title: 'Kiné', date: '2026-12-01', time: '18:00', zone: 'Europe/Paris', rrule: 'FREQ=WEEKLY;COUNT=10', reminders: [30, 1440], place: 'Cabinet, 3 rue Haute' });
    const text = agenda.exportIcs((await agenda.list()).records.map((record) => record.data));
    const back = await agenda.previewIcs(text, ZONE);
    expect(back.ok && back.value.items.map((item) => item.status)).toEqual(['unchanged']);
  });

  it('keeps missed reminders in a sealed state, lists them, and forgets them when dismissed', async () => {
    const start = Date.UTC(2026, 10, 23, 9, 15);
    let now = start - 3 * 86_400_000;
    const session = await newVault(testDeps({ clock: { now: () => now, monotonic: () => performance.now() } }));
    const agenda = createAgenda(session);
    await createAgendaEvent(session, { title: 'QzReminderTitle', date: '2026-11-23', time: '10:15', zone: 'Europe/Paris', reminders: [15, 1440] });
    expect(await agenda.advanceReminders(now)).toEqual({ notify: [], missed: [] });
    now = start - 10 * 60_000;
    const step = await agenda.advanceReminders(now);
    expect(step.notify.map((item) => [item.title, item.lead])).toEqual([['QzReminderTitle', 15]]);
    expect(step.missed.map((item) => [item.title, item.lead])).toEqual([['QzReminderTitle', 1440]]);
    // Read again as a next opening would: the list is still there until dismissed.
    expect((await createAgenda(session).advanceReminders(now + 1000)).missed).toHaveLength(1);
    const rows = await dumpDatabase(session.profile.database);
    expect(JSON.stringify(rows['derived'] ?? rows)).not.toContain('QzReminderTitle');
    await agenda.dismissMissed(null);
    expect((await agenda.advanceReminders(now + 2000)).missed).toEqual([]);
  });

  it('leaves no plaintext of an event in IndexedDB (storage scan)', async () => {
    const markers = {
      title: 'QzAgendaTitleMarker',
      place: 'QzAgendaPlaceMarker',
      uid: 'QzAgendaUidMarker',
      practitioner: 'QzAgendaPractitionerMarker',
      note: 'QzAgendaNoteMarker',
      prevention: 'QzAgendaPreventionMarker',
    };
    const session = await newVault(testDeps());
    const agenda = createAgenda(session);
    await createAgendaEvent(session, { title: markers.title, date: '2026-11-23', time: '09:30', zone: 'Europe/Paris', place: markers.place, practitioner: markers.practitioner, note: markers.note, prevention: markers.prevention, reminders: [0] });
    const ics = bookingText.replace('rdv-8f3c2a71-5d4e-4b0a-9e61-2c7f0d9b1a44@rendez-vous.example', markers.uid);
    const preview = await agenda.previewIcs(ics, ZONE);
    if (!preview.ok) throw new Error(preview.error.type);
    await agenda.commitIcs(preview.value, new Set([markers.uid]));
    await agenda.advanceReminders(Date.now());
    await agenda.advanceReminders(Date.UTC(2026, 10, 23, 9, 0));
    const stored = await everythingInIndexedDb();
    expect(stored.bytes.length).toBeGreaterThan(0);
    const leaks: string[] = [];
    for (const [what, marker] of Object.entries(markers)) {
      if (stored.strings.some((text) => text.includes(marker) || text.toLowerCase().includes(marker.toLowerCase()))) leaks.push(`${what} (text)`);
      if (stored.bytes.some((haystack) => encodings(marker).some((needle) => containsBytes(haystack, needle)))) leaks.push(`${what} (bytes)`);
    }
    // The booking's own words too: its place and practitioner.
    for (const word of ['Marchand', 'cardiologie']) if (stored.strings.some((text) => text.includes(word)) || stored.bytes.some((haystack) => containsBytes(haystack, new TextEncoder().encode(word)))) leaks.push(word);
    expect(leaks).toEqual([]);
    expect((await agenda.list()).records).toHaveLength(2);
  });
});
