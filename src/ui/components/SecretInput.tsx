/**
 * The secret that opens a vault, the same way wherever one is asked (unlocking, restoring a
 * backup): the passphrase, or the recovery key for a passphrase forgotten. Switching between them
 * clears what was typed, so a secret never lingers in a field the patient no longer sees.
 */
import { createSignal, Show } from 'solid-js';
import { useApp } from '../context.tsx';
import { PassphraseInput } from './PassphraseInput.tsx';

export type SecretMode = 'passphrase' | 'recovery';

export function createSecret() {
  const [mode, setMode] = createSignal<SecretMode>('passphrase');
  const [value, setValue] = createSignal('');
  return {
    mode,
    value,
    setValue,
    clear: () => setValue(''),
    switchMode() {
      setValue('');
      setMode(mode() === 'passphrase' ? 'recovery' : 'passphrase');
    },
  };
}

export type Secret = ReturnType<typeof createSecret>;

export function SecretInput(props: { state: Secret; describedBy?: string; invalid?: boolean }) {
  const { t } = useApp();
  return (
    <Show
      when={props.state.mode() === 'recovery'}
      fallback={
        <PassphraseInput
          label={t().unlock.passphrase}
          value={props.state.value()}
          onInput={props.state.setValue}
          autocomplete="current-password"
          describedBy={props.describedBy}
          invalid={props.invalid}
        />
      }
    >
      <div class="field">
        <label for="recovery-key">{t().recovery.keyLabel}</label>
        <input
          id="recovery-key"
          class="recovery-input"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          value={props.state.value()}
          onInput={(event) => props.state.setValue(event.currentTarget.value)}
          aria-describedby={props.describedBy}
          aria-invalid={props.invalid === true ? 'true' : undefined}
        />
      </div>
    </Show>
  );
}

/** "Use the recovery key" / "Use the passphrase". */
export function SecretModeButton(props: { state: Secret; onSwitch?: () => void }) {
  const { t } = useApp();
  return (
    <button
      type="button"
      class="secondary"
      onClick={() => {
        props.state.switchMode();
        props.onSwitch?.();
      }}
    >
      {props.state.mode() === 'passphrase' ? t().recovery.useKey : t().recovery.usePassphrase}
    </button>
  );
}
