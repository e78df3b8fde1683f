/**
 * The emergency card: allergies, treatments, conditions, blood group, people to call and the
 * doctor, on one A4 page or a wallet-sized card, with a QR code holding the same summary as plain
 * text that any phone camera reads. Showing it without unlocking is the patient's choice, after
 * a plain warning: that copy is stored unencrypted on this device.
 */
import { createResource, createSignal, For, Show } from 'solid-js';
import { cardOf, setLockScreenCard } from '../../app/health-profile.ts';
import type { VaultSession } from '../../app/session.ts';
import { emergencyItems, emergencyText, type EmergencyCard } from '../../core/profile/emergency.ts';
import { Alert, MaybeAlert } from '../components/Alert.tsx';
import { QrCode } from '../components/QrCode.tsx';
import { useApp } from '../context.tsx';
import { emergencyLabels } from '../profile/emergency-labels.ts';
import { profileOf } from '../profile/view.ts';
import '../profile/profile.css';
import { logUnexpected } from '../task.ts';
import { Heading } from './Heading.tsx';

export function CardContent(props: { card: EmergencyCard; wallet?: boolean }) {
  const { t } = useApp();
  const words = () => t().profile.card;
  const items = () => emergencyItems(props.card, emergencyLabels(t()));
  const list = (title: string, lines: readonly string[]) => (
    <div class="card-block">
      <h3>{title}</h3>
      <Show when={lines.length > 0} fallback={<p>{words().none}</p>}>
        <ul>
          <For each={lines}>{(item) => <li>{item}</li>}</For>
        </ul>
      </Show>
    </div>
  );
  return (
    <>
      <p class="card-identity">
        <strong>{props.card.name || words().noName}</strong>
        <Show when={props.card.birthDate}>{(date) => <> · {words().born} {date()}</>}</Show>
        <Show when={props.card.bloodGroup}>{(group) => <> · {words().bloodGroup} <strong>{group()}</strong></>}</Show>
      </p>
      {list(words().allergies, items().allergies)}
      {list(words().treatments, items().treatments)}
      <Show when={props.wallet !== true || props.card.conditions.length > 0}>
        {list(words().conditions, items().conditions)}
      </Show>
      {list(words().contacts, items().contacts)}
      <Show when={items().doctor}>
        {(doctor) => (
          <p>
            <strong>{words().doctor}:</strong> {doctor()}
          </p>
        )}
      </Show>
    </>
  );
}

export default function Emergency(props: { session: VaultSession; rest: readonly string[] }) {
  const { t, vault } = useApp();
  const words = () => t().profile.card;
  const view = profileOf(props.session);
  const [snapshot] = createResource(view.version, () => view.store.load());
  const [onLockScreen, { refetch }] = createResource(async () => (await vault.deps.registry.get(props.session.profile.id))?.emergencyCard !== undefined);
  const [message, setMessage] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [format, setFormat] = createSignal<'a4' | 'wallet'>('a4');
  const card = () => {
    const loaded = snapshot();
    return loaded === undefined ? undefined : cardOf(loaded, view.store.today());
  };
  const text = (current: EmergencyCard) => emergencyText(current, emergencyLabels(t()));

  const print = (which: 'a4' | 'wallet') => {
    setFormat(which);
    document.body.classList.add(`printing-card-${which}`);
    const done = () => {
      document.body.classList.remove(`printing-card-${which}`);
      window.removeEventListener('afterprint', done);
    };
    window.addEventListener('afterprint', done);
    window.print();
  };

  const toggle = async (box: HTMLInputElement) => {
    const on = box.checked;
    const current = card();
    if (current === undefined) return;
    if (on && !window.confirm(words().lockScreenWarning)) {
      box.checked = false;
      return;
    }
    try {
      await setLockScreenCard(props.session, on ? current : null, emergencyLabels(t()));
      setMessage(on ? words().lockScreenOn : words().lockScreenOff);
    } catch (failure) {
      logUnexpected(failure);
      setMessage(null);
      setError(t().errors.unexpected);
    }
    await refetch();
    box.checked = onLockScreen() === true;
  };

  return (
    <section aria-labelledby="page-title" class="emergency">
      <Heading>{words().title}</Heading>
      <p class="lead no-print">{words().intro}</p>
      <Show when={card()} fallback={<p>{t().app.loading}</p>}>
        {(current) => (
          <>
            <p class="actions no-print">
              <button type="button" onClick={() => print('a4')}>{words().printA4}</button>
              <button type="button" class="secondary" onClick={() => print('wallet')}>{words().printWallet}</button>
              <a class="button secondary" href="#/profile">{words().edit}</a>
            </p>
            <article class="emergency-card" classList={{ wallet: format() === 'wallet' }} aria-labelledby="card-title">
              <h2 id="card-title">{words().heading}</h2>
              <div class="card-layout">
                <div class="card-facts">
                  <CardContent card={current()} wallet={format() === 'wallet'} />
                </div>
                <figure class="card-qr">
                  <QrCode text={text(current())} label={words().qrLabel} class="qr emergency-qr" />
                  <figcaption>{words().qrCaption}</figcaption>
                </figure>
              </div>
            </article>
            <section class="card no-print lock-screen-card" aria-labelledby="lock-screen-title">
              <h2 id="lock-screen-title">{words().lockScreenTitle}</h2>
              <p class="hint warning">{words().lockScreenExplain}</p>
              <div class="field check">
                <input
                  id="lock-screen-card"
                  type="checkbox"
                  checked={onLockScreen() === true}
                  disabled={onLockScreen.loading}
                  onChange={(event) => void toggle(event.currentTarget)}
                />
                <label for="lock-screen-card">{words().lockScreenToggle}</label>
              </div>
              <MaybeAlert tone="success" message={message()} />
              <MaybeAlert tone="error" message={error()} />
            </section>
            <details class="no-print">
              <summary>{words().qrText}</summary>
              <pre class="qr-text">{text(current())}</pre>
            </details>
          </>
        )}
      </Show>
      <Show when={snapshot.error}>
        <Alert tone="error">{t().errors.unexpected}</Alert>
      </Show>
    </section>
  );
}
