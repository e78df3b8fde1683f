/** Record payloads and the models inside them: untrusted once decrypted, validated field by field. */
import { describe, expect, it } from 'vitest';
import { parseBase64Url, toBase64Url } from '../../../src/core/bytes.ts';
import { documentCodec, isShareable, parseDocument } from '../../../src/core/records/document.ts';
import { isCalendarDate, parseHealthIdentity } from '../../../src/core/records/health-profile.ts';
import { encodeChange, encodeRecordPayload, parseChange, parseRecordPayload } from '../../../src/core/records/record.ts';
import type { HlcStamp } from '../../../src/core/records/hlc.ts';
import type { RecordId } from '../../../src/core/records/record.ts';

const utf8 = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const HLC = '018bcfe5680000050011223344556677' as HlcStamp;
const file = {
  id: '00112233445566778899aabbccddeeff',
  name: 'compte-rendu.pdf',
  type: 'application/pdf',
  size: 2_500_000,
  key: toBase64Url(new Uint8Array(32).fill(7)),
  chunkSize: 1_048_576,
  chunkCount: 3,
  cipher: 'aes-256-gcm-stream/1',
};
const doc = { title: 'Compte rendu', note: '', addedAt: 1_700_000_000_000, files: [file] };

describe('record payload', () => {
  it('round-trips a live record and a tombstone', () => {
    const parsed = parseDocument(doc);
    if (!parsed.ok) throw new Error('the sample document does not parse');
    const live = parseRecordPayload(encodeRecordPayload({ hlc: HLC, deleted: false, data: documentCodec.toJson(parsed.value) }), parseDocument);
    expect(live).toMatchObject({ ok: true, value: { hlc: HLC, deleted: false, data: { title: 'Compte rendu' } } });
    expect(parseRecordPayload(encodeRecordPayload({ hlc: HLC, deleted: true }), parseDocument)).toEqual({ ok: true, value: { hlc: HLC, deleted: true } });
  });

  it('refuses what is not JSON, another version, or a bad clock stamp', () => {
    expect(parseRecordPayload(utf8('{"v":1,'), parseDocument)).toEqual({ ok: false, error: { type: 'PayloadNotJson' } });
    expect(parseRecordPayload(utf8({ v: 2, hlc: HLC, data: doc }), parseDocument)).toEqual({ ok: false, error: { type: 'PayloadVersionUnsupported', version: 2 } });
    expect(parseRecordPayload(utf8({ v: 1, hlc: 'soon', data: doc }), parseDocument)).toMatchObject({ ok: false, error: { type: 'Invalid' } });
    expect(parseRecordPayload(utf8([1, 2]), parseDocument)).toMatchObject({ ok: false, error: { type: 'Invalid' } });
  });

  it('round-trips a change-log entry and refuses a malformed one', () => {
    const change = { id: '00112233445566778899aabbccddeeff' as RecordId, kind: 'document' as const, hlc: HLC, op: 'delete' as const };
    expect(parseChange(encodeChange(change))).toEqual({ ok: true, value: change });
    expect(parseChange(utf8({ ...change, kind: 'glucose' }))).toMatchObject({ ok: false, error: { type: 'Invalid' } });
    expect(parseChange(utf8({ ...change, op: 'merge' }))).toMatchObject({ ok: false, error: { type: 'Invalid' } });
    expect(parseChange(utf8({ ...change, id: '../etc' }))).toMatchObject({ ok: false, error: { type: 'Invalid' } });
  });
});

describe('document', () => {
  it('accepts a well-formed document with its file keys', () => {
    const parsed = parseDocument(doc);
    expect(parsed.ok && parsed.value.files[0]?.key).toEqual(new Uint8Array(32).fill(7));
  });

  it('reports every problem with its path', () => {
    const parsed = parseDocument({ ...doc, title: '', note: 3, files: [{ ...file, size: -1, key: 'short', cipher: 'rot13' }] });
    expect(parsed.ok).toBe(false);
    const paths = parsed.ok ? [] : parsed.error.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['data.title', 'data.note', 'data.files[0].size', 'data.files[0].key', 'data.files[0].cipher']));
  });

  it('refuses a chunk count that does not match the size', () => {
    expect(parseDocument({ ...doc, files: [{ ...file, chunkCount: 2 }] })).toMatchObject({ ok: false, error: { issues: [{ path: 'data.files[0].chunkCount' }] } });
    expect(parseDocument({ ...doc, files: [{ ...file, size: 0, chunkCount: 1 }] }).ok).toBe(true);
  });
});

describe('health identity', () => {
  const identity = { givenName: 'Dominique', familyName: 'Pat-Trois', birthDate: '1979-03-28', sex: 'female', bloodGroup: 'A+' };

  it('accepts a complete identity and one with unknowns', () => {
    expect(parseHealthIdentity(identity).ok).toBe(true);
    expect(parseHealthIdentity({ ...identity, birthDate: null, sex: null, bloodGroup: null }).ok).toBe(true);
  });

  it('refuses impossible dates and unknown codes', () => {
    expect(parseHealthIdentity({ ...identity, birthDate: '1979-02-30' })).toMatchObject({ ok: false });
    expect(parseHealthIdentity({ ...identity, bloodGroup: 'C+' })).toMatchObject({ ok: false });
    expect(parseHealthIdentity({ ...identity, sex: 'unknown' })).toMatchObject({ ok: false });
  });

  it('knows leap years', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2100-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('2023-13-01')).toBe(false);
  });
});

describe('base64url', () => {
  it('round-trips and refuses non-canonical input', () => {
    for (let length = 0; length < 40; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37) & 0xff);
      expect(parseBase64Url(toBase64Url(bytes))).toEqual(bytes);
    }
    expect(parseBase64Url('AB==')).toBeNull();
    expect(parseBase64Url('A')).toBeNull();
    expect(parseBase64Url('AA')).toEqual(new Uint8Array([0]));
    // 'AB' would also decode to one zero byte, with non-zero padding bits: not the canonical form.
    expect(parseBase64Url('AB')).toBeNull();
    expect(parseBase64Url('A+')).toBeNull();
  });
});

describe('document model (format.md §5.2)', () => {
  const full = {
    ...doc,
    careDate: '2024-02-29',
    category: 'biology',
    typeCode: { system: '2.16.840.1.113883.6.1', code: '11502-2', display: 'Laboratory report' },
    source: { kind: 'laboratory', name: 'Laboratoire des Lilas' },
    tags: ['diabète', '2024'],
    hidden: true,
    trashedAt: 1_700_000_100_000,
    files: [{ ...file, role: 'original', format: 'pdf', mac: toBase64Url(new Uint8Array(32).fill(3)) }],
  };

  it('reads a record written before these fields existed, with their defaults', () => {
    expect(parseDocument(doc)).toEqual({
      ok: true,
      value: {
        title: 'Compte rendu',
        note: '',
        addedAt: 1_700_000_000_000,
        careDate: null,
        category: 'other',
        typeCode: null,
        source: null,
        tags: [],
        hidden: false,
        trashedAt: null,
        files: [{ ...file, key: parseBase64Url(file.key), role: 'original', format: 'other', mac: null }],
      },
    });
  });

  it('round-trips every field through the codec', () => {
    const parsed = parseDocument(full);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    expect(JSON.parse(JSON.stringify(documentCodec.toJson(parsed.value)))).toEqual(full);
  });

  it.each([
    ['a date that is not a calendar day', { careDate: '2023-02-29' }, 'data.careDate'],
    ['a date in another form', { careDate: '29/02/2024' }, 'data.careDate'],
    ['an unknown class', { category: 'cardiology' }, 'data.category'],
    ['a type code too long', { typeCode: { system: 'x'.repeat(201), code: '1', display: null } }, 'data.typeCode.system'],
    ['an unknown source kind', { source: { kind: 'pharmacy', name: 'X' } }, 'data.source.kind'],
    ['a repeated tag', { tags: ['a', 'a'] }, 'data.tags'],
    ['too many tags', { tags: Array.from({ length: 31 }, (_, i) => `t${i}`) }, 'data.tags'],
    ['an empty tag', { tags: [''] }, 'data.tags[0]'],
    ['hidden that is not a boolean', { hidden: 'yes' }, 'data.hidden'],
    ['a file with an unknown role', { files: [{ ...file, role: 'preview' }] }, 'data.files[0].role'],
    ['a MAC of the wrong length', { files: [{ ...file, mac: toBase64Url(new Uint8Array(31)) }] }, 'data.files[0].mac'],
    ['the same file twice', { files: [file, file] }, 'data.files'],
  ])('refuses %s', (_what, change, path) => {
    const parsed = parseDocument({ ...full, ...change });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok && parsed.error.type === 'Invalid') expect(parsed.error.issues.map((issue) => issue.path)).toContain(path);
  });
});

describe('what a share may offer (issue 5, part 7)', () => {
  it('never a hidden document, nor one in the trash', () => {
    expect(isShareable({ hidden: false, trashedAt: null })).toBe(true);
    expect(isShareable({ hidden: true, trashedAt: null })).toBe(false);
    expect(isShareable({ hidden: false, trashedAt: 1_700_000_000_000 })).toBe(false);
    expect(isShareable({ hidden: true, trashedAt: 1_700_000_000_000 })).toBe(false);
  });
});
