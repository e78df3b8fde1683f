/** The one place where typed errors become words. */
import type { DocumentError } from '../app/documents.ts';
import type { ExportError, RestoreError } from '../app/backup.ts';
import type { ExportDataError } from '../app/export.ts';
import type { FileReadError, ImportError } from '../app/files.ts';
import type { InboxItemError } from '../app/inbox.ts';
import type { ReadingsError } from '../app/readings.ts';
import type { ProfileError } from '../app/health-profile.ts';
import type { DeleteProfileError, LabelError } from '../app/profiles.ts';
import type { ChangePassphraseError, CreateVaultError, UnlockError } from '../app/vault.ts';
import { formatBytes } from './format.ts';
import type { Dictionary } from './i18n/i18n.ts';

export type ShownError =
  | ExportDataError
  | InboxItemError
  | DocumentError
  | UnlockError
  | CreateVaultError
  | ChangePassphraseError
  | DeleteProfileError
  | LabelError
  | ImportError
  | FileReadError
  | ExportError
  | RestoreError
  | ReadingsError
  | ProfileError;

/** Every typed error has words in every language: a type without a dictionary entry does not compile. */
export function describeError(t: Dictionary, error: ShownError): string {
  switch (error.type) {
    case 'LabelTooLong':
      return t.errors.LabelTooLong(error.max);
    case 'FileUnreadable':
      return t.errors.FileUnreadable(error.name);
    case 'TooManyAttachments':
      return t.errors.TooManyAttachments(error.max);
    case 'FileEmpty':
      return t.errors.FileEmpty(error.name);
    case 'FileTooLarge':
      return t.errors.FileTooLarge(error.name, formatBytes(error.max, t.lang));
    case 'StorageWouldOverflow':
      return t.errors.StorageWouldOverflow(formatBytes(error.needed, t.lang), formatBytes(error.available, t.lang));
    case 'VaultAlreadyPresent':
      return t.errors.VaultAlreadyPresent(error.label);
    default: {
      const message: string = t.errors[error.type];
      return message;
    }
  }
}
