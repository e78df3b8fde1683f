/**
 * What a record is once its envelope is open (docs/format.md §5.2): UTF-8 JSON
 * `{"v":1,"hlc":"…","data":{…}}` for a live record, `{"v":1,"hlc":"…","deleted":true}` for a
 * tombstone. The kind and id are not repeated inside: the envelope's associated data binds them.
 * And the change-log entry that sync ships (§5.3): `{"id","kind","hlc","op"}`.
 */
import type { Brand } from '../brand.ts';
import { fromUtf8, utf8 } from '../bytes.ts';
import type { EnvelopeBinding } from '../crypto/envelope.ts';
import type { VaultId } from '../crypto/keys.ts';
import { err, ok, type Result } from '../result.ts';
import { Checker, type Invalid } from '../validate.ts';
import { parseHlc, type HlcStamp } from './hlc.ts';

/**
 * Coarse kinds, stored in the clear as an index: never anything that reveals a diagnosis
 * ("document", not "glucose"). Strings are part of the format; add, never rename.
 */
export const RECORD_KINDS = ['document', 'profile', 'activity', 'series-chunk', 'agenda'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** 16 random bytes as 32 lowercase hex characters. */
export type RecordId = Brand<string, 'RecordId'>;
const RECORD_ID = /^[0-9a-f]{32}$/;

export function isRecordKind(text: string): text is RecordKind {
  return (RECORD_KINDS as readonly string[]).includes(text);
}

export const RECORD_PAYLOAD_VERSION = 1;

export type RecordPayload<T> =
  | { readonly hlc: HlcStamp; readonly deleted: false; readonly data: T }
  | { readonly hlc: HlcStamp; readonly deleted: true };

/** What a record's envelope is bound to (format.md §5): this vault, this kind, this id. */
export function recordBinding(vaultId: VaultId, kind: RecordKind, id: string): EnvelopeBinding {
  return { domain: 'record', vaultId, kind, id };
}

/** Change-log entries are bound to the record id under a kind of their own. */
export function changeBinding(vaultId: VaultId, id: string): EnvelopeBinding {
  return { domain: 'change', vaultId, kind: 'change', id };
}

export type PayloadError =
  | { readonly type: 'PayloadNotJson' }
  | { readonly type: 'PayloadVersionUnsupported'; readonly version: unknown }
  | Invalid;

export function encodeRecordPayload<T>(payload: RecordPayload<T>): Uint8Array {
  const body = payload.deleted
    ? { v: RECORD_PAYLOAD_VERSION, hlc: payload.hlc, deleted: true }
    : { v: RECORD_PAYLOAD_VERSION, hlc: payload.hlc, data: payload.data };
  return utf8(JSON.stringify(body));
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(fromUtf8(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

export function parseRecordPayload<T>(
  bytes: Uint8Array,
  parseData: (value: unknown) => Result<T, Invalid>,
): Result<RecordPayload<T>, PayloadError> {
  const json = parseJson(bytes);
  if (json === undefined) return err({ type: 'PayloadNotJson' });
  const check = new Checker();
  const object = check.object(json, '$');
  if (object === undefined) return err({ type: 'Invalid', issues: check.issues });
  if (object['v'] !== RECORD_PAYLOAD_VERSION) return err({ type: 'PayloadVersionUnsupported', version: object['v'] });
  const hlcText = check.string(object['hlc'], '$.hlc', { max: 32 });
  if (hlcText !== undefined && !parseHlc(hlcText).ok) check.fail('$.hlc', 'not a clock stamp');
  if (hlcText === undefined || check.issues.length > 0) return err({ type: 'Invalid', issues: check.issues });
  const stamp = hlcText as HlcStamp;
  if (object['deleted'] === true) return ok({ hlc: stamp, deleted: true });
  const data = parseData(object['data']);
  if (!data.ok) return data;
  return ok({ hlc: stamp, deleted: false, data: data.value });
}

export type ChangeOp = 'put' | 'delete';

export interface ChangeEntry {
  readonly id: RecordId;
  readonly kind: RecordKind;
  readonly hlc: HlcStamp;
  readonly op: ChangeOp;
}

export function encodeChange(change: ChangeEntry): Uint8Array {
  return utf8(JSON.stringify({ id: change.id, kind: change.kind, hlc: change.hlc, op: change.op }));
}

export function parseChange(bytes: Uint8Array): Result<ChangeEntry, PayloadError> {
  const json = parseJson(bytes);
  if (json === undefined) return err({ type: 'PayloadNotJson' });
  const check = new Checker();
  const object = check.object(json, '$');
  if (object === undefined) return err({ type: 'Invalid', issues: check.issues });
  const id = check.string(object['id'], '$.id', { max: 32, pattern: RECORD_ID });
  const kind = check.oneOf(object['kind'], '$.kind', RECORD_KINDS);
  const hlc = check.string(object['hlc'], '$.hlc', { max: 32 });
  const op = check.oneOf(object['op'], '$.op', ['put', 'delete'] as const);
  if (hlc !== undefined && !parseHlc(hlc).ok) check.fail('$.hlc', 'not a clock stamp');
  if (id === undefined || kind === undefined || hlc === undefined || op === undefined || check.issues.length > 0)
    return err({ type: 'Invalid', issues: check.issues });
  return ok({ id: id as RecordId, kind, hlc: hlc as HlcStamp, op });
}
