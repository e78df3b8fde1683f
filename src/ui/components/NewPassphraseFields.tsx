/**
 * Choosing a new passphrase, the same way everywhere (creating a profile, after the recovery key,
 * changing it): the advice, the field with its strength and zxcvbn's reason, and the
 * confirmation with an inline mismatch message.
 */
import { createSignal, createUniqueId } from 'solid-js';
import type { PassphraseStrength } from '../../app/passphrase-strength.ts';
import { useApp } from '../context.tsx';
import { MaybeAlert } from './Alert.tsx';
import { PassphraseInput } from './PassphraseInput.tsx';
import { StrengthMeter } from './StrengthMeter.tsx';

export function createNewPassphrase() {
  const [value, setValue] = createSignal('');
  const [confirmation, setConfirmation] = createSignal('');
  return {
    value,
    setValue,
    confirmation,
    setConfirmation,
    matches: () => value() === confirmation(),
    clear() {
      setValue('');
      setConfirmation('');
    },
  };
}

export type NewPassphrase = ReturnType<typeof createNewPassphrase>;

export function NewPassphraseFields(props: { state: NewPassphrase; label: string; confirmLabel: string; userInputs: readonly string[] }) {
  const { t } = useApp();
  const id = createUniqueId();
  const [strength, setStrength] = createSignal<PassphraseStrength | null>(null);
  const mismatch = () => props.state.confirmation() !== '' && !props.state.matches();
  return (
    <>
      <p class="hint" id={`${id}-hint`}>
        {t().create.passphraseHint}
      </p>
      <PassphraseInput
        label={props.label}
        value={props.state.value()}
        onInput={props.state.setValue}
        autocomplete="new-password"
        describedBy={`${id}-hint ${id}-strength`}
        invalid={strength()?.acceptable === false}
      />
      <StrengthMeter passphrase={props.state.value()} userInputs={props.userInputs} id={`${id}-strength`} onResult={setStrength} />
      <PassphraseInput
        label={props.confirmLabel}
        value={props.state.confirmation()}
        onInput={props.state.setConfirmation}
        autocomplete="new-password"
        describedBy={`${id}-mismatch`}
        invalid={mismatch()}
      />
      <MaybeAlert tone="error" message={mismatch() ? t().create.mismatch : null} id={`${id}-mismatch`} />
    </>
  );
}
