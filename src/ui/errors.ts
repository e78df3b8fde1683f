/** The one place where typed errors become words. */
import type { DeleteProfileError, LabelError } from '../app/profiles.ts';
import type { ChangePassphraseError, CreateVaultError, UnlockError } from '../app/vault.ts';
import type { Dictionary } from './i18n/i18n.ts';

export type ShownError = UnlockError | CreateVaultError | ChangePassphraseError | DeleteProfileError | LabelError;

export function describeError(t: Dictionary, error: ShownError): string {
  if (error.type === 'LabelTooLong') return t.errors.LabelTooLong(error.max);
  const message = t.errors[error.type];
  return typeof message === 'string' ? message : t.errors.unexpected;
}
