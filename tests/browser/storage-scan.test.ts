/**
 * The storage scan: after marked data went through every path (vault creation, passphrase change,
 * records of every kind, a deleted record, files small and large, documents imported as the app
 * does with their extracted text, thumbnails and sealed search index, the activity log, a
 * passkey, readings with their sources and a remembered column mapping, a backup file on disk), read everything this origin stores (every IndexedDB database with its
 * name, OPFS, Cache Storage, localStorage and sessionStorage) and fail if a marker appears in the
 * clear, as UTF-8, UTF-16 or hex, or if a key does: the vault key, its subkeys, a file key or the
 * recovery key, as raw bytes, hex or base64.
 */
import { describe, expect, it } from 'vitest';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { storeDocument, emptyDocument } from '../../src/app/files.ts';
import { createDocumentLibrary } from '../../src/app/documents.ts';
import n1Xml from '../fixtures/cda/DOC_NON_STRUCTURE_CDA-R2-N1.xml?raw';
import { createRepository } from '../../src/app/records.ts';
import { createFileStreamSink } from '../../src/adapters/backup-sinks.ts';
import { exportBackup } from '../../src/app/backup.ts';
import { addPasskey, changePassphrase, createVault } from '../../src/app/vault.ts';
import { documentCodec } from '../../src/core/records/document.ts';
import { profileEntryCodec } from '../../src/core/profile/entry.ts';
import { STREAM_CHUNK_BYTES } from '../../src/core/crypto/stream.ts';
import { parseRecoveryKey } from '../../src/core/crypto/recovery.ts';
import { toBase64Url, toHex } from '../../src/core/bytes.ts';
import { containsBytes as contains, testDeps } from './support.ts';
import { createReadings } from '../../src/app/readings.ts';
import { createHealthProfile } from '../../src/app/health-profile.ts';
import { createAgenda } from '../../src/app/agenda.ts';
import { saveReadingsSettings } from '../../src/app/readings-settings.ts';
import { parseMappedCsv } from '../../src/core/readings/importers/mapped-csv.ts';

const MARKERS = {
  passphrase: 'QzPassMarker',
  newPassphrase: 'QzNewPassMarker',
  givenName: 'QzGivenMarker',
  familyName: 'QzFamilyMarker',
  title: 'QzTitleMarker',
  note: 'QzNoteMarker',
  deletedTitle: 'QzDeletedMarker',
  fileName: 'QzFileNameMarker',
  fileContent: 'QzContentMarker',
  pdfText: 'QzPdfTextMarker',
  pdfFileName: 'QzPdfNameMarker',
  tag: 'QzTagMarker',
  source: 'QzSourceMarker',
  cdaTitle: 'QzCdaTitleMarker',
  readingDevice: 'QzReadingDeviceMarker',
  readingSerial: 'QzReadingSerialMarker',
  mappingColumn: 'QzMappingColumnMarker',
  allergy: 'QzAllergyMarker',
  vaccine: 'QzVaccineMarker',
  contact: 'QzContactMarker',
  wish: 'QzWishMarker',
  dismissed: 'QzDismissedMarker',
  eventTitle: 'QzEventTitleMarker',
  eventPlace: 'QzEventPlaceMarker',
  eventUid: 'QzEventUidMarker',
} as const;

/** A marker as it could leak: UTF-8, UTF-16 or hex, as written or lowercased (as a search index keeps words). */
function encodings(marker: string): Uint8Array[] {
  return [marker, marker.toLowerCase()].flatMap((form) => {
    const utf8 = new TextEncoder().encode(form);
    const utf16 = new Uint8Array(form.length * 2);
    for (let i = 0; i < form.length; i++) utf16[i * 2] = form.charCodeAt(i);
    const hex = new TextEncoder().encode(Array.from(utf8, (b) => b.toString(16).padStart(2, '0')).join(''));
    return [utf8, utf16, hex];
  });
}

/** A secret's bytes as they could leak: raw, and as hex or base64 text (in a string or in bytes). */
function keyEncodings(key: Uint8Array): { bytes: Uint8Array[]; text: string[] } {
  // At least 16 bytes, so that no stored byte string matches by chance.
  if (key.length < 16) throw new Error(`a ${key.length}-byte needle is too short`);
  const binary = String.fromCharCode(...key);
  const text = [toHex(key), toHex(key).toUpperCase(), btoa(binary), toBase64Url(key)];
  return { bytes: [key, ...text.map((t) => new TextEncoder().encode(t))], text };
}

/** Where a key shows up in what the scan read: a list of what was found, empty when nothing. */
function findKey(what: string, key: Uint8Array, stored: { strings: string[]; bytes: Uint8Array[] }): string[] {
  const { bytes, text } = keyEncodings(key);
  const found: string[] = [];
  if (stored.strings.some((s) => text.some((t) => s.includes(t)))) found.push(`${what} (as text)`);
  if (stored.bytes.some((haystack) => bytes.some((needle) => contains(haystack, needle)))) found.push(`${what} (in bytes)`);
  return found;
}

/** Every string and byte array inside a structured-clone value. */
async function collect(value: unknown, out: { strings: string[]; bytes: Uint8Array[] }): Promise<void> {
  if (typeof value === 'string') out.strings.push(value);
  else if (value instanceof Uint8Array) out.bytes.push(value);
  else if (value instanceof ArrayBuffer) out.bytes.push(new Uint8Array(value));
  else if (ArrayBuffer.isView(value)) out.bytes.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else if (value instanceof Blob) out.bytes.push(new Uint8Array(await value.arrayBuffer()));
  else if (Array.isArray(value)) for (const item of value) await collect(item, out);
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) {
    out.strings.push(key);
    await collect(item, out);
  }
  else if (typeof value === 'number' || typeof value === 'boolean') out.strings.push(String(value));
}

async function everythingStored(): Promise<{ strings: string[]; bytes: Uint8Array[]; databases: number; opfsFiles: number; cached: number }> {
  const out = { strings: [] as string[], bytes: [] as Uint8Array[] };
  const databases = await indexedDB.databases();
  for (const info of databases) {
    const name = info.name ?? '';
    out.strings.push(name);
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    for (const storeName of Array.from(db.objectStoreNames)) {
      out.strings.push(storeName);
      const store = db.transaction(storeName, 'readonly').objectStore(storeName);
      const [values, keys] = await Promise.all(
        [store.getAll(), store.getAllKeys()].map((request) => new Promise<unknown>((resolve, reject) => {
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        })),
      );
      await collect(values, out);
      await collect(keys, out);
      for (const index of Array.from(store.indexNames)) out.strings.push(index);
    }
    db.close();
  }
  let opfsFiles = 0;
  const walk = async (directory: FileSystemDirectoryHandle) => {
    for await (const [name, handle] of (directory as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
      out.strings.push(name);
      if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle);
      else {
        opfsFiles += 1;
        out.bytes.push(new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer()));
      }
    }
  };
  await walk(await navigator.storage.getDirectory());
  let cached = 0;
  for (const cacheName of await caches.keys()) {
    out.strings.push(cacheName);
    const cache = await caches.open(cacheName);
    for (const request of await cache.keys()) {
      cached += 1;
      out.strings.push(request.url);
      const response = await cache.match(request);
      if (response !== undefined) out.bytes.push(new Uint8Array(await response.arrayBuffer()));
    }
  }
  for (const storage of [localStorage, sessionStorage]) {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i) ?? '';
      out.strings.push(key, storage.getItem(key) ?? '');
    }
  }
  return { ...out, databases: databases.length, opfsFiles, cached };
}

describe('storage scan', () => {
  it('finds no marker in plaintext anywhere this origin stores data', async () => {
    const deps = testDeps();
    const passphrase = `lanterne ${MARKERS.passphrase} 1987 girafe`;
    const created = await createVault(deps, { label: 'Scan', passphrase });
    if (!created.ok) throw new Error(created.error.type);
    const session = created.value.session;
    const recoveryKey = parseRecoveryKey(created.value.recoveryKey);
    if (!recoveryKey.ok) throw new Error(recoveryKey.error.type);

    await createRepository(session, profileEntryCodec).put({ section: 'identity', note: '', documents: [],
      givenName: MARKERS.givenName,
      familyName: MARKERS.familyName,
      birthDate: '1979-03-28',
      sex: 'female',
      bloodGroup: 'AB-',
    });
    const profile = createHealthProfile(session);
    const common = { note: '', documents: [] };
    for (const entry of [
      { section: 'allergy', ...common, substance: MARKERS.allergy, type: 'allergy', reaction: '', severity: 'severe', since: null, code: null },
      { section: 'vaccination', ...common, vaccine: MARKERS.vaccine, targets: ['tetanus'], date: '2015-06-14', doseNumber: 2, batch: '', performer: '', code: null },
      { section: 'contact', ...common, name: MARKERS.contact, relation: '', phone: '0600000000', email: '', trusted: true, emergency: true },
      { section: 'wish', ...common, type: 'advance-directives', text: MARKERS.wish, stance: null, date: null },
      { section: 'prevention', ...common, item: MARKERS.dismissed, action: 'dismissed', act: null, date: '2026-11-20' },
    ] as const) expect((await profile.save(entry)).ok).toBe(true);
    const agenda = createAgenda(session);
    const event = await agenda.create({ title: MARKERS.eventTitle, date: '2026-12-01', time: '09:30', zone: 'Europe/Paris', place: MARKERS.eventPlace, reminders: [60], rrule: 'FREQ=WEEKLY;COUNT=4' });
    expect(event.ok).toBe(true);
    const imported = await agenda.previewIcs(
      ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//scan//EN', 'BEGIN:VEVENT', `UID:${MARKERS.eventUid}`, 'DTSTAMP:20261101T080000Z', 'DTSTART:20261202T080000Z', 'DTEND:20261202T083000Z', 'SUMMARY:Scan', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'),
      { zone: 'Europe/Paris' },
    );
    if (!imported.ok) throw new Error(imported.error.type);
    expect((await agenda.commitIcs(imported.value, new Set(imported.value.items.map((item) => item.next.uid)))).ok).toBe(true);
    // Reminders that came due while "closed": the missed list is sealed too.
    await agenda.advanceReminders(Date.UTC(2026, 10, 30));
    expect((await agenda.advanceReminders(Date.UTC(2026, 11, 20))).missed.length).toBeGreaterThan(0);
    const documents = createRepository(session, documentCodec);
    const doomed = await documents.put({ ...emptyDocument(1), title: MARKERS.deletedTitle, note: MARKERS.note });
    if (doomed.ok) await documents.remove(doomed.value);
    const text = `${MARKERS.fileContent} `.repeat(Math.ceil((2.5 * STREAM_CHUNK_BYTES) / (MARKERS.fileContent.length + 1)));
    const stored = await storeDocument(session, {
      title: MARKERS.title,
      note: MARKERS.note,
      files: [
        { blob: new Blob([text], { type: 'text/plain' }), name: `${MARKERS.fileName}.txt` },
        { blob: new Blob([`short ${MARKERS.fileContent}`]), name: `${MARKERS.fileName}-2.txt`, type: 'text/plain' },
      ],
    });
    if (!stored.ok) throw new Error(stored.error.type);
    const storedDocument = await documents.get(stored.value);
    const fileRefs = storedDocument.ok && storedDocument.value !== null ? storedDocument.value.data.files : [];
    expect(fileRefs).toHaveLength(2);
    // Documents as the app adds them: a PDF read for its text and first page, a CDA, edited
    // metadata, and the search index saved sealed.
    const library = createDocumentLibrary(session);
    await library.open();
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    pdf.addPage([400, 400]).drawText(`Resultat ${MARKERS.pdfText} normal`, { x: 20, y: 300, size: 14, font });
    const addedPdf = await library.importFile(new File([(await pdf.save()) as Uint8Array<ArrayBuffer>], `${MARKERS.pdfFileName}.pdf`, { type: 'application/pdf' }));
    if (!addedPdf.ok) throw new Error(addedPdf.error.type);
    const edited = await library.update(addedPdf.value, (data) => ({ ...data, tags: [MARKERS.tag], source: { kind: 'laboratory', name: MARKERS.source } }));
    expect(edited.ok).toBe(true);
    const cda = n1Xml.replace(/<title>[^<]*<\/title>/, `<title>${MARKERS.cdaTitle}</title>`);
    const addedCda = await library.importFile(new File([cda], 'compte-rendu.xml', { type: 'text/xml' }));
    if (!addedCda.ok) throw new Error(addedCda.error.type);
    await library.indexed();
    expect(library.search(MARKERS.pdfText)).toHaveLength(1);
    await library.saveIndex();
    const documentFiles = [addedPdf.value, addedCda.value].flatMap((id) => library.get(id)?.data.files ?? []);
    expect(documentFiles.map((file) => file.role).sort()).toEqual(['content', 'original', 'original', 'text', 'text', 'thumbnail', 'thumbnail']);

    // Readings from a mapped CSV, the mapping remembered, and one typed in.
    const readings = createReadings(session);
    const csv = `when;${MARKERS.mappingColumn}\n2025-03-18 08:00;104\n2025-03-19 08:05;98\n`;
    const mapping = { series: 'glucose', timeColumn: 'when', timeFormat: 'iso', valueColumn: MARKERS.mappingColumn, unit: 'mg/dL', kind: 'blood', headerLine: 1 } as const;
    const parsedCsv = parseMappedCsv(csv, mapping, { timeZone: 'Europe/Paris' });
    if (!parsedCsv.ok) throw new Error(parsedCsv.error.type);
    const source = { importer: 'csv', device: MARKERS.readingDevice, serial: MARKERS.readingSerial };
    const withSource = { ...parsedCsv.value, series: parsedCsv.value.series.map((part) => ({ ...part, readings: part.readings.map((reading) => ({ ...reading, source })) })) };
    const preview = await readings.preview(withSource);
    if (!preview.ok) throw new Error(preview.error.type);
    expect((await readings.commit(preview.value)).ok).toBe(true);
    expect((await readings.add('weight', { time: Date.UTC(2025, 2, 20, 7), value: 71.85, unit: 'kg', kind: 'manual', bound: null, source })).ok).toBe(true);
    await saveReadingsSettings(session, { glucoseUnit: 'mmol/L', weightUnit: 'kg', heightCm: 170, mappings: { [`when;${MARKERS.mappingColumn}`]: mapping } });

    const changed = await changePassphrase(session, { current: passphrase, next: `phare ${MARKERS.newPassphrase} marée 2031` });
    expect(changed.ok).toBe(true);
    // A backup on disk (OPFS stands for the patient's download folder) and a passkey in the
    // keyring: the activity log now records both, and neither may reveal a marker.
    const opfs = await navigator.storage.getDirectory();
    const exported = await exportBackup(session, createFileStreamSink(await (await opfs.getFileHandle('scan-backup.carnet', { create: true })).createWritable()));
    expect(exported.ok).toBe(true);
    expect((await addPasskey(session, { passphrase: `phare ${MARKERS.newPassphrase} marée 2031`, name: 'Téléphone', accountName: 'Carnet de Test' })).ok).toBe(true);

    // The keys, copied now: lock() overwrites them.
    const keys: [string, Uint8Array][] = [
      ['vault key', session.vaultKey().slice()],
      ...Object.entries(session.keys()).map(([name, key]): [string, Uint8Array] => [`subkey ${name}`, key.slice()]),
      ...[...fileRefs, ...documentFiles].map((ref): [string, Uint8Array] => [`file key of ${ref.name} (${ref.role})`, ref.key.slice()]),
      ['recovery key', recoveryKey.value],
    ];
    expect(keys).toHaveLength(1 + 8 + 2 + 7 + 1);

    const stored_ = await everythingStored();
    expect(stored_.databases).toBeGreaterThanOrEqual(2);
    expect(stored_.opfsFiles).toBeGreaterThanOrEqual(1);
    expect(stored_.strings.some((name) => name.includes('scan-backup.carnet'))).toBe(true);
    const chunkBytes = stored_.bytes.reduce((sum, b) => sum + b.length, 0);
    expect(chunkBytes).toBeGreaterThan(2 * STREAM_CHUNK_BYTES);

    const found: string[] = [];
    for (const [what, marker] of Object.entries(MARKERS)) {
      if (stored_.strings.some((s) => s.includes(marker))) found.push(`${what} (as text)`);
      for (const needle of encodings(marker)) if (stored_.bytes.some((bytes) => contains(bytes, needle))) found.push(`${what} (in bytes)`);
    }
    for (const [what, key] of keys) found.push(...findKey(what, key, stored_));
    expect(found).toEqual([]);
    // The scan itself must be able to see a marker: the label is plaintext by design.
    expect(stored_.strings.some((s) => s.includes('Scan'))).toBe(true);
    session.lock();
    await opfs.removeEntry('scan-backup.carnet');
  });

  it('would notice a marker or a key stored in the clear (the scan is not blind)', async () => {
    localStorage.setItem('probe', `x${MARKERS.note}x`);
    // Cache Storage is empty here (no service worker in this page): put something there, a
    // marker in one response and a key's bytes in another, and expect the scan to read both.
    const key = crypto.getRandomValues(new Uint8Array(32));
    const hexKey = crypto.getRandomValues(new Uint8Array(32));
    const cache = await caches.open('carnet-scan-probe');
    await cache.put('/scan-probe/marker', new Response(new TextEncoder().encode(`..${MARKERS.fileContent}..`)));
    await cache.put('/scan-probe/key', new Response(new Uint8Array([1, 2, ...key, 3])));
    sessionStorage.setItem('probe-key', `key=${toHex(hexKey)}`);
    try {
      const stored = await everythingStored();
      expect(stored.strings.some((s) => s.includes(MARKERS.note))).toBe(true);
      expect(stored.cached).toBeGreaterThanOrEqual(2);
      expect(stored.strings.some((s) => s.endsWith('/scan-probe/marker'))).toBe(true);
      expect(encodings(MARKERS.fileContent).some((needle) => stored.bytes.some((bytes) => contains(bytes, needle)))).toBe(true);
      expect(findKey('cached key', key, stored)).toEqual(['cached key (in bytes)']);
      expect(findKey('stored key', hexKey, stored)).toEqual(['stored key (as text)']);
      // And a key nowhere stored is not found.
      expect(findKey('absent key', crypto.getRandomValues(new Uint8Array(32)), stored)).toEqual([]);
    } finally {
      localStorage.removeItem('probe');
      sessionStorage.removeItem('probe-key');
      await caches.delete('carnet-scan-probe');
    }
  });
});
