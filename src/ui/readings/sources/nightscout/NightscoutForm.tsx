/**
 * The site's address and how it knows the patient: an access token (recommended: role readable,
 * read only) or the API secret (full rights; only its SHA-1 is kept). Both are password fields,
 * never filled back from storage: changing the site means typing the credential again.
 */
import { createSignal, Show } from 'solid-js';
import type { NightscoutSite } from '../../../../app/nightscout-live.ts';
import { useApp } from '../../../context.tsx';

export function NightscoutForm(props: {
  site: NightscoutSite | null;
  busy: boolean;
  onSubmit: (address: string, kind: 'token' | 'api-secret', secret: string) => void;
  onCancel: (() => void) | null;
}) {
  const { t } = useApp();
  const words = () => t().nightscoutLive;
  const [kind, setKind] = createSignal<'token' | 'api-secret'>(props.site?.credential.kind ?? 'token');

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    props.onSubmit(String(form.get('address') ?? ''), kind(), String(form.get('secret') ?? ''));
  };

  return (
    <form class="nightscout-form" onSubmit={submit}>
      <div class="field">
        <label for="nightscout-address">{words().address}</label>
        <input
          id="nightscout-address"
          name="address"
          type="text"
          inputmode="url"
          autocomplete="url"
          spellcheck={false}
          value={props.site?.base ?? ''}
          aria-describedby="nightscout-address-hint"
          required
        />
        <p class="hint" id="nightscout-address-hint">
          {words().addressHint}
        </p>
      </div>
      <fieldset class="field">
        <legend>{words().credentialKind}</legend>
        <label class="radio">
          <input type="radio" name="kind" value="token" checked={kind() === 'token'} onChange={() => setKind('token')} />
          {words().kindToken}
        </label>
        <label class="radio">
          <input type="radio" name="kind" value="api-secret" checked={kind() === 'api-secret'} onChange={() => setKind('api-secret')} />
          {words().kindSecret}
        </label>
      </fieldset>
      <div class="field">
        <label for="nightscout-secret">{kind() === 'token' ? words().token : words().secret}</label>
        <input id="nightscout-secret" name="secret" type="password" autocomplete="off" spellcheck={false} aria-describedby="nightscout-secret-hint" required />
        <p class="hint" id="nightscout-secret-hint">
          {kind() === 'token' ? words().tokenHint : words().secretHint}
        </p>
      </div>
      <Show when={props.busy}>
        <p role="status">{words().testing}</p>
      </Show>
      <div class="actions">
        <button type="submit" disabled={props.busy}>
          {words().test}
        </button>
        <Show when={props.onCancel}>
          {(cancel) => (
            <button type="button" class="secondary" disabled={props.busy} onClick={() => cancel()()}>
              {t().common.cancel}
            </button>
          )}
        </Show>
      </div>
    </form>
  );
}
