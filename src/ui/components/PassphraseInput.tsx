/**
 * A passphrase field with a show/hide toggle; never autocompleted into a form other than ours.
 * The toggle keeps one name ("Show") and says whether it is on with aria-pressed, so a screen
 * reader hears "Show, pressed" rather than a name and a state that contradict each other.
 */
import { createSignal, createUniqueId } from 'solid-js';
import { useApp } from '../context.tsx';

export function PassphraseInput(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  autocomplete: 'current-password' | 'new-password';
  describedBy?: string | undefined;
  invalid?: boolean | undefined;
  name?: string;
}) {
  const { t } = useApp();
  const id = createUniqueId();
  const [visible, setVisible] = createSignal(false);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <div class="passphrase-row">
        <input
          id={id}
          name={props.name ?? id}
          type={visible() ? 'text' : 'password'}
          autocomplete={props.autocomplete}
          autocapitalize="off"
          spellcheck={false}
          required
          value={props.value}
          onInput={(event) => props.onInput(event.currentTarget.value)}
          aria-describedby={props.describedBy}
          aria-invalid={props.invalid === true ? 'true' : undefined}
        />
        <button type="button" class="secondary" aria-pressed={visible()} aria-controls={id} onClick={() => setVisible(!visible())}>
          {t().common.show}
        </button>
      </div>
    </div>
  );
}
