/**
 * The Bluetooth meter and scale screen: the devices used before with their last transfer, pairing
 * a new one through the browser's chooser, a transfer with its progress and a way to stop it, and
 * then the shared readings preview (ReadingsPreview): nothing is stored until the patient
 * confirms, and the device's "last transfer" is only remembered once they have.
 */
import { createSignal, For, Match, onMount, Show, Switch } from 'solid-js';
import { createBluetooth, type BluetoothFetch, type BluetoothFetchError, type BluetoothProgress, type KnownDevice } from '../../../../app/bluetooth.ts';
import type { ImportPreview } from '../../../../app/readings.ts';
import type { VaultSession } from '../../../../app/session.ts';
import type { BluetoothDeviceHandle, BluetoothPort, DeviceService } from '../../../../core/readings/bluetooth/port.ts';
import { Alert, MaybeAlert } from '../../../components/Alert.tsx';
import { ProgressBar } from '../../../components/ProgressBar.tsx';
import { useApp } from '../../../context.tsx';
import { describeError } from '../../../errors.ts';
import { formatDateTime } from '../../../format.ts';
import type { Dictionary } from '../../../i18n/i18n.ts';
import { logUnexpected } from '../../../task.ts';
import { describeSkips, ReadingsPreview } from '../../ReadingsPreview.tsx';
import { readingsOf } from '../../view.ts';
import './bluetooth.css';

type Step =
  | { readonly name: 'idle' }
  | { readonly name: 'transfer'; readonly device: string; readonly service: DeviceService; readonly progress: BluetoothProgress | null }
  | { readonly name: 'preview'; readonly fetched: BluetoothFetch; readonly preview: ImportPreview }
  | { readonly name: 'done'; readonly added: number };

function fetchErrorText(t: Dictionary, error: BluetoothFetchError): string {
  const words = t.bluetooth.errors;
  return error.type === 'RacpRefused' ? words.RacpRefused[error.code] : words[error.type];
}

export function BluetoothPanel(props: { session: VaultSession; port: BluetoothPort; supported: boolean }) {
  const { t, preferences } = useApp();
  const words = () => t().bluetooth;
  const bluetooth = createBluetooth(props.session, props.port);
  const view = readingsOf(props.session);
  const handles = new Map<string, BluetoothDeviceHandle>();
  const [availability, setAvailability] = createSignal<'checking' | 'ready' | 'off'>('checking');
  const [devices, setDevices] = createSignal<KnownDevice[]>([]);
  const [usersSeen, setUsersSeen] = createSignal<Record<string, readonly number[]>>({});
  const [step, setStep] = createSignal<Step>({ name: 'idle' });
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  let controller: AbortController | null = null;

  onMount(() => {
    if (!props.supported) return;
    void (async () => {
      setAvailability((await bluetooth.isAvailable()) ? 'ready' : 'off');
      setDevices(await bluetooth.devices());
    })().catch((failure: unknown) => {
      logUnexpected(failure);
      setError(t().errors.unexpected);
    });
  });

  async function remember(fetched: BluetoothFetch) {
    const saved = await bluetooth.remember(fetched);
    if (saved.ok) setDevices(saved.value);
    else setError(describeError(t(), saved.error));
  }

  async function transfer(service: DeviceService, known: KnownDevice | null) {
    if (step().name === 'transfer') return;
    setError(null);
    setNotice(null);
    try {
      // The chooser must open from the click itself: ask for a known device's handle only when
      // the browser can give it back without one (getDevices).
      let handle = known === null ? undefined : (handles.get(known.id) ?? (await bluetooth.reconnectable(known)) ?? undefined);
      if (handle === undefined) {
        const chosen = await bluetooth.choose(service);
        if (!chosen.ok) return void setError(fetchErrorText(t(), chosen.error));
        handle = chosen.value;
      }
      handles.set(handle.id, handle);
      const name = handle.name ?? known?.name ?? handle.id;
      controller = new AbortController();
      setStep({ name: 'transfer', device: name, service, progress: null });
      const fetched = await bluetooth.fetch(handle, service, {
        timeZone: preferences.timeZone(),
        signal: controller.signal,
        onProgress: (progress) => setStep((current) => (current.name === 'transfer' ? { ...current, progress } : current)),
      });
      controller = null;
      if (!fetched.ok) {
        setStep({ name: 'idle' });
        return void setError(fetchErrorText(t(), fetched.error));
      }
      await offer(fetched.value);
    } catch (failure) {
      logUnexpected(failure);
      controller = null;
      setStep({ name: 'idle' });
      setError(t().errors.unexpected);
    }
  }

  async function offer(fetched: BluetoothFetch) {
    const name = fetched.device.name;
    if (fetched.users.length > 1 && fetched.device.user === null) {
      // A scale shared by several people: whose weigh-ins these are must be said first, never
      // guessed. The device is remembered so that its user can be chosen, and nothing is offered.
      setUsersSeen((seen) => ({ ...seen, [fetched.device.id]: fetched.users }));
      await remember(fetched);
      setStep({ name: 'idle' });
      return void setNotice(words().chooseUserFirst(name, fetched.users.length));
    }
    if (!fetched.parsed.ok) {
      setStep({ name: 'idle' });
      const failure = fetched.parsed.error;
      if (fetched.interrupted !== null) return void setError(words().interrupted[fetched.interrupted.type](fetched.records));
      if (failure.type === 'NoReadings' && failure.skipped.length > 0) {
        const reasons = describeSkips(t().readings.import, failure.skipped);
        return void setError(words().noReadings(name, reasons));
      }
      // Nothing new (or only what Carnet does not keep): the device is up to date.
      await remember(fetched);
      return void setNotice(words().nothingNew(name));
    }
    const preview = await view.store.preview(fetched.parsed.value);
    if (!preview.ok) {
      setStep({ name: 'idle' });
      return void setError(describeError(t(), preview.error));
    }
    // Everything it sent is already in the vault: nothing to confirm, the device is up to date.
    const adding = preview.value.plans.reduce((sum, plan) => sum + plan.added, 0);
    if (adding === 0 && fetched.interrupted === null && fetched.parsed.value.skipped.length === 0) await remember(fetched);
    setStep({ name: 'preview', fetched, preview: preview.value });
  }

  async function done(fetched: BluetoothFetch, added: number) {
    await remember(fetched);
    setStep({ name: 'done', added });
  }

  async function forget(device: KnownDevice) {
    const forgotten = await bluetooth.forget(device);
    if (!forgotten.ok) return void setError(describeError(t(), forgotten.error));
    handles.delete(device.id);
    setDevices(await bluetooth.devices());
    setNotice(words().forgotten(device.name));
  }

  async function chooseUser(device: KnownDevice, value: string) {
    const chosen = await bluetooth.setUser(device, value === '' ? null : Number(value));
    if (!chosen.ok) return void setError(describeError(t(), chosen.error));
    setDevices(await bluetooth.devices());
  }

  /** A use case that threw (a bug): said, never a screen stuck with no message. */
  const guarded = (task: Promise<void>) =>
    void task.catch((failure: unknown) => {
      logUnexpected(failure);
      setStep({ name: 'idle' });
      setError(t().errors.unexpected);
    });

  const busy = () => step().name === 'transfer' || step().name === 'preview';
  const when = (millis: number) => formatDateTime(millis, preferences.language(), preferences.timeZone());

  return (
    <section class="card readings-bluetooth" aria-labelledby="bluetooth-title">
      <h2 id="bluetooth-title">{words().title}</h2>
      <Show when={props.supported} fallback={<p class="hint" data-testid="bluetooth-unsupported">{words().unsupported}</p>}>
        <p class="hint">{words().intro}</p>
        <Switch>
          <Match when={availability() === 'checking'}>
            <p role="status">{words().checking}</p>
          </Match>
          <Match when={availability() === 'off'}>
            <Alert tone="info">{words().adapterOff}</Alert>
          </Match>
          <Match when={availability() === 'ready'}>
            <Show when={devices().length > 0}>
              <h3>{words().knownTitle}</h3>
              <ul class="bluetooth-devices">
                <For each={devices()}>
                  {(device) => (
                    <li>
                      <p>
                        <strong>{device.name}</strong> · {words().kind[device.service]}
                        <br />
                        <span class="hint">
                          {device.lastTransfer === null ? words().neverTransferred : words().lastTransfer(when(device.lastTransfer))}
                          {device.lastSequence === null ? '' : ` (${words().lastSequence(device.lastSequence)})`}
                        </span>
                      </p>
                      <Show when={device.service === 'weight' && (device.user !== null || (usersSeen()[device.id]?.length ?? 0) > 1)}>
                        <div class="field">
                          <label for={`scale-user-${device.id}`}>{words().scaleUser}</label>
                          <select id={`scale-user-${device.id}`} disabled={busy()} value={device.user === null ? '' : String(device.user)} onChange={(event) => guarded(chooseUser(device, event.currentTarget.value))}>
                            <option value="">{words().scaleUserAll}</option>
                            <For each={Array.from(new Set([...(usersSeen()[device.id] ?? []), ...(device.user === null ? [] : [device.user])])).sort((a, b) => a - b)}>
                              {(user) => <option value={String(user)}>{words().scaleUserNumber(user)}</option>}
                            </For>
                          </select>
                        </div>
                      </Show>
                      <div class="actions">
                        <button type="button" disabled={busy()} onClick={() => void transfer(device.service, device)}>
                          {words().fetch(device.name)}
                        </button>
                        <button type="button" class="secondary" disabled={busy()} onClick={() => guarded(forget(device))}>
                          {words().forget(device.name)}
                        </button>
                      </div>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
            <p class="hint">{words().pairHint}</p>
            <div class="actions">
              <button type="button" class="secondary" disabled={busy()} onClick={() => void transfer('glucose', null)}>
                {words().pairGlucose}
              </button>
              <button type="button" class="secondary" disabled={busy()} onClick={() => void transfer('weight', null)}>
                {words().pairWeight}
              </button>
            </div>
          </Match>
        </Switch>
        <MaybeAlert tone="error" message={error()} />
        <MaybeAlert tone="info" message={notice()} />
        <Switch>
          <Match when={step().name === 'transfer' && (step() as Extract<Step, { name: 'transfer' }>)}>
            {(current) => (
              <div class="bluetooth-transfer">
                {/* A fixed label in the live region, the count beside it: a screen reader is not
                    interrupted at every record. */}
                <ProgressBar label={words().progressLabel} fraction={current().progress?.fraction ?? null} />
                <p class="hint">
                  {(() => {
                    const progress = current().progress;
                    if (progress === null) return words().connecting(current().device);
                    return current().service === 'glucose' ? words().receivingGlucose(progress.received, progress.expected) : words().listeningWeight(progress.received);
                  })()}
                </p>
                <button type="button" class="secondary" onClick={() => controller?.abort()}>
                  {words().cancel}
                </button>
              </div>
            )}
          </Match>
          <Match when={step().name === 'done' && (step() as Extract<Step, { name: 'done' }>)}>
            {(current) => <Alert tone="success">{words().done(current().added)}</Alert>}
          </Match>
          <Match when={step().name === 'preview' && (step() as Extract<Step, { name: 'preview' }>)}>
            {(current) => (
              <>
                <Show when={current().fetched.interrupted}>{(why) => <Alert tone="info">{words().interrupted[why().type](current().fetched.records)}</Alert>}</Show>
                <Show when={current().fetched.wentBack}>{(back) => <Alert tone="info">{words().wentBack(back().previous, back().received)}</Alert>}</Show>
                <ReadingsPreview
                  from="live"
                  session={props.session}
                  title={words().previewTitle(current().fetched.device.name)}
                  preview={current().preview}
                  onCancel={() => setStep({ name: 'idle' })}
                  onDone={(added) => guarded(done(current().fetched, added))}
                />
              </>
            )}
          </Match>
        </Switch>
      </Show>
    </section>
  );
}
