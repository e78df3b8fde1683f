/** The backup file layout (docs/format.md §11), read back from its vector by Carnet's own parser. */
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { ByteReader, equalBytes } from '../../../src/core/bytes.ts';
import {
  BACKUP_HEADER_FIXED_BYTES,
  createBackupMac,
  FRAME_HEAD_BYTES,
  frameMacInput,
  MAX_FRAME_BYTES,
  openBackupLabel,
  parseBackupHeader,
  parseFrameBody,
  parseFrameHead,
  type BackupFrame,
} from '../../../src/core/backup.ts';
import { asVaultId, asVaultKey, deriveVaultKeys } from '../../../src/core/crypto/keys.ts';
import { u32be } from '../../../src/core/bytes.ts';
import { seq, vector } from '../vectors.ts';

const vaultId = asVaultId(seq(0xa0, 16));
const keys = deriveVaultKeys(asVaultKey(seq(0, 32)), vaultId);

function readAll(bytes: Uint8Array): { frames: BackupFrame[]; macInput: Uint8Array[] } {
  const header = parseBackupHeader(bytes.subarray(0, BACKUP_HEADER_FIXED_BYTES));
  if (!header.ok) throw new Error(header.error.type);
  const reader = new ByteReader(bytes);
  reader.take(BACKUP_HEADER_FIXED_BYTES + header.value.keyringLength);
  const frames: BackupFrame[] = [];
  const macInput = [bytes.subarray(0, BACKUP_HEADER_FIXED_BYTES + header.value.keyringLength)];
  while (reader.remaining > 0) {
    const head = parseFrameHead(reader.take(FRAME_HEAD_BYTES) ?? new Uint8Array());
    if (!head.ok) throw new Error(head.error.type);
    const frame = parseFrameBody(head.value.code, reader.take(head.value.length) ?? new Uint8Array());
    if (!frame.ok) throw new Error(frame.error.type);
    frames.push(frame.value);
    macInput.push(frameMacInput(frame.value));
  }
  return { frames, macInput };
}

describe('backup file format', () => {
  it('reads the vector: label, one record, end with a valid MAC', () => {
    const { frames, macInput } = readAll(hexToBytes(vector('backup-file')));
    expect(frames.map((frame) => frame.type)).toEqual(['label', 'record', 'end']);
    const label = frames[0];
    expect(label?.type === 'label' && openBackupLabel(keys.backupLabel, vaultId, label.sealed)).toEqual({ ok: true, value: 'Léa' });
    expect(frames[1]).toMatchObject({ type: 'record', kind: 'document', id: '00112233445566778899aabbccddeeff' });
    const mac = createBackupMac(keys.backupMac);
    for (const part of macInput) mac.update(part);
    const end = frames[2];
    expect(end?.type === 'end' && equalBytes(mac.digest(), end.mac)).toBe(true);
    expect(end).toMatchObject({ records: 1, changes: 0, chunks: 0 });
  });

  it('refuses what is not a backup, a newer version and a header cut short', () => {
    expect(parseBackupHeader(new TextEncoder().encode('%PDF-1.7 not a backup at all....'))).toEqual({ ok: false, error: { type: 'NotABackup' } });
    const header = hexToBytes(vector('backup-file')).subarray(0, BACKUP_HEADER_FIXED_BYTES);
    const newer = header.slice();
    newer[4] = 9;
    expect(parseBackupHeader(newer)).toEqual({ ok: false, error: { type: 'BackupVersionUnsupported', version: 9 } });
    expect(parseBackupHeader(header.subarray(0, 10))).toEqual({ ok: false, error: { type: 'BackupTruncated' } });
  });

  it('refuses unknown frames, hostile lengths and unknown record kinds', () => {
    expect(parseFrameHead(new Uint8Array([0x07, 0, 0, 0, 1]))).toMatchObject({ ok: false, error: { type: 'BackupMalformed' } });
    expect(parseFrameHead(new Uint8Array([0x04, ...u32be(MAX_FRAME_BYTES + 1)]))).toMatchObject({ ok: false, error: { type: 'BackupMalformed' } });
    const glucose = new Uint8Array([7, ...new TextEncoder().encode('glucose'), ...seq(0, 16), ...seq(0, 41)]);
    expect(parseFrameBody(0x02, glucose)).toMatchObject({ ok: false, error: { type: 'BackupMalformed', reason: 'unknown record kind "glucose"' } });
    expect(parseFrameBody(0xff, new Uint8Array(10))).toMatchObject({ ok: false, error: { type: 'BackupMalformed' } });
  });
});
