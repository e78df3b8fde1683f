/**
 * The recovery kit, shown once: the key in groups to read aloud, its QR code, a print layout that
 * fits one A4 page, a plain-text download, and the check that the patient kept it (two groups
 * typed back). The key lives only in memory until then; Carnet stores no copy.
 */
import { createSignal, For, Show } from 'solid-js';
import type { VaultSession } from '../../app/session.ts';
import { confirmRecoveryKit } from '../../app/vault.ts';
import { normaliseRecoveryText, recoveryKeyGroups } from '../../core/crypto/recovery.ts';
import { ok } from '../../core/result.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { QrCode } from '../components/QrCode.tsx';
import { useApp } from '../context.tsx';
import { downloadBlob } from '../download.ts';
import { formatDate } from '../format.ts';
import { createTask } from '../task.ts';
import { Heading } from './Heading.tsx';

/** Two distinct group positions (1-based) to type back. */
function pickGroups(count: number): [number, number] {
  const random = new Uint32Array(2);
  crypto.getRandomValues(random);
  const first = ((random[0] as number) % count) + 1;
  const second = (((random[1] as number) % (count - 1)) + first) % count + 1;
  return first < second ? [first, second] : [second, first];
}

function Kit(props: { session: VaultSession; recoveryKey: string }) {
  const { t, vault, router, preferences } = useApp();
  const groups = () => recoveryKeyGroups(props.recoveryKey);
  const positions = pickGroups(groups().length);
  const [typed, setTyped] = createSignal(['', '']);
  const task = createTask();
  const label = () => vault.profileOf(props.session).label;
  const today = () => formatDate(Date.now(), preferences.language(), preferences.timeZone());

  function download() {
    downloadBlob(new Blob([t().recovery.fileText(label(), props.recoveryKey, today())], { type: 'text/plain;charset=utf-8' }), t().recovery.fileName);
  }

  async function confirm(event: SubmitEvent) {
    event.preventDefault();
    const [first, second] = positions;
    const expected = [groups()[first - 1], groups()[second - 1]];
    if (typed().some((text, index) => normaliseRecoveryText(text) !== expected[index])) {
      task.setError(t().recovery.confirmMismatch);
      return;
    }
    const confirmed = await task.run(null, async () => ok(await confirmRecoveryKit(props.session)));
    if (confirmed === null) return;
    vault.recoveryKitDone();
    router.navigate({ name: 'vault' }, { replace: true });
  }

  return (
    <section class="recovery-kit" aria-labelledby="page-title">
      <Heading>{t().recovery.kitTitle}</Heading>
      <p class="print-only">{t().recovery.printedFor(label(), today())}</p>
      <p class="lead no-print">{t().recovery.kitIntro}</p>
      <div class="kit">
        <div>
          <h2 class="kit-key-label">{t().recovery.keyLabel}</h2>
          <p class="recovery-key" data-testid="recovery-key">
            <For each={groups()}>{(group) => <span>{group}</span>}</For>
          </p>
        </div>
        <QrCode text={props.recoveryKey} label={t().recovery.qrLabel} class="qr kit-qr" />
      </div>
      <p class="print-only kit-warning">{t().recovery.printedWarning}</p>
      <p class="print-only">{t().recovery.kitIntro}</p>
      <p class="no-print">{t().recovery.keepIt}</p>
      <div class="actions no-print">
        <button type="button" onClick={() => window.print()}>
          {t().recovery.print}
        </button>
        <button type="button" class="secondary" onClick={download}>
          {t().recovery.download}
        </button>
      </div>
      <form class="stack no-print" onSubmit={(event) => void confirm(event)} aria-labelledby="confirm-title">
        <h2 id="confirm-title">{t().recovery.confirmTitle}</h2>
        <p>{t().recovery.confirmIntro(positions[0], positions[1])}</p>
        <div class="group-inputs">
          <For each={positions}>
            {(position, index) => (
              <div class="field">
                <label for={`group-${position}`}>{t().recovery.confirmGroup(position)}</label>
                <input
                  id={`group-${position}`}
                  autocomplete="off"
                  autocapitalize="characters"
                  spellcheck={false}
                  maxlength={6}
                  required
                  value={typed()[index()]}
                  onInput={(event) => {
                    const next = [...typed()];
                    next[index()] = event.currentTarget.value;
                    setTyped(next);
                  }}
                />
              </div>
            )}
          </For>
        </div>
        <MaybeAlert tone="error" message={task.error()} />
        <div class="actions">
          <button type="submit" disabled={task.busy()}>{t().recovery.confirmSubmit}</button>
        </div>
      </form>
    </section>
  );
}

export default function RecoveryKit(props: { session: VaultSession }) {
  const { t, vault } = useApp();
  return (
    <Show
      when={vault.recoveryKit()}
      keyed
      fallback={
        <section aria-labelledby="page-title">
          <Heading>{t().recovery.kitTitle}</Heading>
          <p>{t().recovery.gone}</p>
          <p>
            <a href="#/settings">{t().nav.settings}</a>
          </p>
        </section>
      }
    >
      {(key) => <Kit session={props.session} recoveryKey={key} />}
    </Show>
  );
}
