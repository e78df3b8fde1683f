/** How a kind's data crosses into JSON and back; `parse` treats its input as untrusted. */
import type { Result } from '../result.ts';
import type { Invalid } from '../validate.ts';
import type { RecordKind } from './record.ts';

export interface RecordCodec<K extends RecordKind, T> {
  readonly kind: K;
  parse(value: unknown): Result<T, Invalid>;
  toJson(data: T): unknown;
  /**
   * The stored files this data owns (their ids), for kinds that hold files: when a rewrite or a
   * deletion leaves one unowned, its chunks go in the same transaction.
   */
  files?(data: T): readonly string[];
}
