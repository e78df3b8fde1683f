/** The one place where typed errors become words. */
import type { ExportError, RestoreError } from '../app/backup.ts';
import type { FileReadError, ImportError } from '../app/files.ts';
import type { DeleteProfileError, LabelError } from '../app/profiles.ts';
import type { ChangePassphraseError, CreateVaultError, UnlockError } from '../app/vault.ts';
import type { Dictionary } from './i18n/i18n.ts';

export type ShownError =
  | UnlockError
  | CreateVaultError
  | ChangePassphraseError
  | DeleteProfileError
  | LabelError
  | ImportError
  | FileReadError
  | ExportError
  | RestoreError;

/** Every typed error has words in every language: a type without a dictionary entry does not compile. */
export function describeError(t: Dictionary, error: ShownError): string {
  switch (error.type) {
    case 'LabelTooLong':
      return t.errors.LabelTooLong(error.max);
    case 'FileUnreadable':
      return t.errors.FileUnreadable(error.name);
    case 'VaultAlreadyPresent':
      return t.errors.VaultAlreadyPresent(error.label);
    default: {
      const message: string = t.errors[error.type];
      return message;
    }
  }
}
