/**
 * The encrypted backup file (docs/format.md §11): a whole profile as one stream of frames that a
 * fresh browser can restore with the passphrase or the recovery key. Records, change-log entries
 * and file chunks travel as they are stored, still sealed; the file adds a header (the keyring at
 * backup time), the profile label sealed under its own subkey, and an end frame with counts and a
 * MAC. The MAC covers every byte except the sealed payloads, whose 16-byte AEAD tags it covers
 * instead: nothing can be added, dropped, reordered, relabelled or cut without the MAC failing,
 * and a payload cannot be altered without its own tag failing when restore opens it.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ByteReader, concatBytes, equalBytes, fromUtf8, lengthPrefixed, parseHex, toHex, u32be, utf8 } from './bytes.ts';
import { TAG_BYTES, XNONCE_BYTES, xchachaOpen, xchachaSeal } from './crypto/aead.ts';
import { VAULT_ID_BYTES, type SubKey, type VaultId } from './crypto/keys.ts';
import { isRecordKind, type RecordKind } from './records/record.ts';
import { err, ok, type Result } from './result.ts';

/** "CRNB": CaRNet Backup. Never change. */
export const BACKUP_MAGIC = new Uint8Array([0x43, 0x52, 0x4e, 0x42]);
export const BACKUP_VERSION = 1;
/** magic, version, vault id, keyring length. */
export const BACKUP_HEADER_FIXED_BYTES = 4 + 1 + VAULT_ID_BYTES + 4;
export const FRAME_HEAD_BYTES = 5;
/** Bounds a frame so a hostile length cannot make restore allocate gigabytes. */
export const MAX_FRAME_BYTES = 17 * 1024 * 1024;
export const MAX_KEYRING_BYTES = 64 * 1024;

/** Frame codes. Never renumber. */
export const FRAME_CODES = { label: 0x01, record: 0x02, change: 0x03, chunk: 0x04, end: 0xff } as const;
const ID_BYTES = 16;
const MAC_BYTES = 32;

export type BackupFrame =
  | { readonly type: 'label'; readonly sealed: Uint8Array }
  | { readonly type: 'record'; readonly kind: RecordKind; readonly id: string; readonly envelope: Uint8Array }
  | { readonly type: 'change'; readonly id: string; readonly envelope: Uint8Array }
  | { readonly type: 'chunk'; readonly fileId: string; readonly index: number; readonly sealed: Uint8Array }
  | { readonly type: 'end'; readonly records: number; readonly changes: number; readonly chunks: number; readonly mac: Uint8Array };

export type BackupFormatError =
  | { readonly type: 'NotABackup' }
  | { readonly type: 'BackupVersionUnsupported'; readonly version: number }
  | { readonly type: 'BackupTruncated' }
  | { readonly type: 'BackupMalformed'; readonly reason: string };

const malformed = (reason: string) => err<BackupFormatError>({ type: 'BackupMalformed', reason });

// --- header ----------------------------------------------------------------------------------

export function encodeBackupHeader(vaultId: VaultId, keyring: Uint8Array): Uint8Array {
  return concatBytes(BACKUP_MAGIC, new Uint8Array([BACKUP_VERSION]), vaultId, u32be(keyring.length), keyring);
}

/** Reads the fixed part of the header: what follows is `keyringLength` bytes of keyring. */
export function parseBackupHeader(fixed: Uint8Array): Result<{ vaultId: Uint8Array; keyringLength: number }, BackupFormatError> {
  const reader = new ByteReader(fixed);
  const magic = reader.take(4);
  if (magic === null || !equalBytes(magic, BACKUP_MAGIC)) return err({ type: 'NotABackup' });
  const version = reader.u8();
  if (version === null) return err({ type: 'BackupTruncated' });
  if (version !== BACKUP_VERSION) return err({ type: 'BackupVersionUnsupported', version });
  const vaultId = reader.take(VAULT_ID_BYTES);
  const keyringLength = reader.u32();
  if (vaultId === null || keyringLength === null) return err({ type: 'BackupTruncated' });
  if (keyringLength < 1 || keyringLength > MAX_KEYRING_BYTES) return malformed(`keyring length ${keyringLength}`);
  return ok({ vaultId: vaultId.slice(), keyringLength });
}

// --- frames ----------------------------------------------------------------------------------

function idBytes(hex: string): Uint8Array {
  const bytes = parseHex(hex);
  if (bytes === null || bytes.length !== ID_BYTES) throw new RangeError(`not a 16-byte hex id: ${hex}`);
  return bytes;
}

/** The fixed fields of a frame body: what the MAC covers besides the sealed part's tag. */
function fixedFields(frame: BackupFrame): Uint8Array {
  switch (frame.type) {
    case 'label':
      return new Uint8Array();
    case 'record': {
      const kind = utf8(frame.kind);
      return concatBytes(new Uint8Array([kind.length]), kind, idBytes(frame.id));
    }
    case 'change':
      return idBytes(frame.id);
    case 'chunk':
      return concatBytes(idBytes(frame.fileId), u32be(frame.index));
    case 'end':
      return concatBytes(u32be(frame.records), u32be(frame.changes), u32be(frame.chunks));
  }
}

function sealedPart(frame: BackupFrame): Uint8Array {
  switch (frame.type) {
    case 'label':
    case 'chunk':
      return frame.sealed;
    case 'record':
    case 'change':
      return frame.envelope;
    case 'end':
      return frame.mac;
  }
}

/** The frame's head (type and length) and fixed fields, then its sealed part or MAC. */
export function encodeFrame(frame: BackupFrame): Uint8Array[] {
  const fixed = fixedFields(frame);
  const sealed = sealedPart(frame);
  const head = concatBytes(new Uint8Array([FRAME_CODES[frame.type]]), u32be(fixed.length + sealed.length), fixed);
  return [head, sealed];
}

/** What a frame contributes to the MAC: head, fixed fields, and the tag of its sealed part. */
export function frameMacInput(frame: BackupFrame): Uint8Array {
  const fixed = fixedFields(frame);
  const sealed = sealedPart(frame);
  const code = new Uint8Array([FRAME_CODES[frame.type]]);
  if (frame.type === 'end') return concatBytes(code, u32be(fixed.length + sealed.length), fixed);
  return concatBytes(code, u32be(fixed.length + sealed.length), fixed, sealed.subarray(sealed.length - TAG_BYTES));
}

export function parseFrameHead(head: Uint8Array): Result<{ code: number; length: number }, BackupFormatError> {
  const reader = new ByteReader(head);
  const code = reader.u8();
  const length = reader.u32();
  if (code === null || length === null) return err({ type: 'BackupTruncated' });
  if (!Object.values(FRAME_CODES).includes(code as (typeof FRAME_CODES)[keyof typeof FRAME_CODES])) return malformed(`unknown frame ${code}`);
  if (length > MAX_FRAME_BYTES) return malformed(`frame of ${length} bytes`);
  return ok({ code, length });
}

export function parseFrameBody(code: number, body: Uint8Array): Result<BackupFrame, BackupFormatError> {
  const reader = new ByteReader(body);
  const rest = () => reader.take(reader.remaining) ?? new Uint8Array();
  const id = () => {
    const bytes = reader.take(ID_BYTES);
    return bytes === null ? null : toHex(bytes);
  };
  switch (code) {
    case FRAME_CODES.label: {
      const sealed = rest();
      return sealed.length < XNONCE_BYTES + TAG_BYTES ? malformed('label') : ok({ type: 'label', sealed });
    }
    case FRAME_CODES.record: {
      const kindLength = reader.u8();
      const kindBytes = kindLength === null ? null : reader.take(kindLength);
      const recordId = id();
      if (kindBytes === null || recordId === null) return malformed('record frame');
      const kind = fromUtf8(kindBytes);
      if (!isRecordKind(kind)) return malformed(`unknown record kind "${kind}"`);
      const envelope = rest();
      return envelope.length < TAG_BYTES ? malformed('record frame') : ok({ type: 'record', kind, id: recordId, envelope });
    }
    case FRAME_CODES.change: {
      const recordId = id();
      const envelope = rest();
      return recordId === null || envelope.length < TAG_BYTES ? malformed('change frame') : ok({ type: 'change', id: recordId, envelope });
    }
    case FRAME_CODES.chunk: {
      const fileId = id();
      const index = reader.u32();
      const sealed = rest();
      return fileId === null || index === null || sealed.length < TAG_BYTES ? malformed('chunk frame') : ok({ type: 'chunk', fileId, index, sealed });
    }
    case FRAME_CODES.end: {
      const records = reader.u32();
      const changes = reader.u32();
      const chunks = reader.u32();
      const mac = reader.take(MAC_BYTES);
      if (records === null || changes === null || chunks === null || mac === null || reader.remaining !== 0) return malformed('end frame');
      return ok({ type: 'end', records, changes, chunks, mac });
    }
    default:
      return malformed(`unknown frame ${code}`);
  }
}

// --- MAC and label -----------------------------------------------------------------------------

/** HMAC-SHA256 over the header then each frame's MAC input, computed as the file streams by. */
export function createBackupMac(key: SubKey<'backup-mac'>) {
  const state = hmac.create(sha256, key);
  return {
    update(bytes: Uint8Array): void {
      state.update(bytes);
    },
    digest(): Uint8Array {
      return state.digest();
    },
  };
}

export function backupLabelAad(vaultId: VaultId): Uint8Array {
  return lengthPrefixed(utf8('carnet/v1/backup-label'), vaultId);
}

export function sealBackupLabel(key: SubKey<'backup-label'>, vaultId: VaultId, label: string, nonce: Uint8Array): Uint8Array {
  return concatBytes(nonce, xchachaSeal(key, nonce, utf8(label), backupLabelAad(vaultId)));
}

export function openBackupLabel(key: SubKey<'backup-label'>, vaultId: VaultId, sealed: Uint8Array): Result<string, { readonly type: 'DecryptFailed' }> {
  const opened = xchachaOpen(key, sealed.subarray(0, XNONCE_BYTES), sealed.subarray(XNONCE_BYTES), backupLabelAad(vaultId));
  return opened.ok ? ok(fromUtf8(opened.value)) : opened;
}
