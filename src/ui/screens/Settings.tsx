/**
 * Settings: the device's language, theme and time zone (available locked or not), and, for an
 * open vault, renaming the profile, changing the passphrase and deleting the profile.
 */
import { createResource, createSignal, For, Show } from 'solid-js';
import { readActivity } from '../../app/activity.ts';
import type { ActivityEntry } from '../../core/records/activity.ts';
import { renameProfile } from '../../app/profiles.ts';
import type { VaultSession } from '../../app/session.ts';
import { changePassphrase, regenerateRecoveryKey } from '../../app/vault.ts';
import { Alert, MaybeAlert } from '../components/Alert.tsx';
import { AUTO_LOCK_CHOICES_MINUTES, autoLockSeconds, setAutoLockSeconds } from '../auto-lock.ts';
import { BackupSection } from '../components/BackupSection.tsx';
import { DeleteProfileForm } from '../components/DeleteProfileForm.tsx';
import { PasskeysSection } from '../components/PasskeysSection.tsx';
import { StorageHealth } from '../components/StorageHealth.tsx';
import { createNewPassphrase, NewPassphraseFields } from '../components/NewPassphraseFields.tsx';
import { PassphraseInput } from '../components/PassphraseInput.tsx';
import { VaultProgressBar } from '../components/ProgressBar.tsx';
import { useApp } from '../context.tsx';
import { formatDateTime } from '../format.ts';
import { LANGUAGES, type Language } from '../i18n/i18n.ts';
import { browserTimeZone, THEMES, type Theme } from '../preferences.ts';
import { createTask, logUnexpected } from '../task.ts';
import { Heading } from './Heading.tsx';

const LANGUAGE_NAMES: Record<Language, string> = { fr: 'Français', en: 'English' };

function DeviceSettings() {
  const { t, preferences } = useApp();
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [browserTimeZone()];
  return (
    <section class="card" aria-labelledby="device-title">
      <h2 id="device-title">{t().settings.deviceTitle}</h2>
      <div class="field">
        <label for="language">{t().settings.language}</label>
        <select id="language" value={preferences.language()} onChange={(event) => preferences.setLanguage(event.currentTarget.value as Language)}>
          <For each={LANGUAGES}>{(code) => <option value={code} lang={code}>{LANGUAGE_NAMES[code]}</option>}</For>
        </select>
      </div>
      <fieldset>
        <legend>{t().settings.theme}</legend>
        <For each={THEMES}>
          {(theme) => (
            <label class="choice">
              <input
                type="radio"
                name="theme"
                value={theme}
                checked={preferences.theme() === theme}
                onChange={() => preferences.setTheme(theme as Theme)}
              />
              {t().settings.themes[theme]}
            </label>
          )}
        </For>
      </fieldset>
      <div class="field">
        <label for="time-zone">{t().settings.timeZone}</label>
        <select
          id="time-zone"
          value={preferences.timeZoneSetting()}
          onChange={(event) => preferences.setTimeZone(event.currentTarget.value)}
          aria-describedby="time-zone-hint"
        >
          <option value="">{t().settings.timeZoneBrowser(browserTimeZone())}</option>
          <For each={zones}>{(zone) => <option value={zone}>{zone}</option>}</For>
        </select>
        <p class="hint" id="time-zone-hint">{t().settings.timeZoneHint}</p>
      </div>
    </section>
  );
}

function RenameProfile(props: { session: VaultSession }) {
  const { t, vault } = useApp();
  const [label, setLabel] = createSignal(vault.profileOf(props.session).label);
  const task = createTask();
  const [renamed, setRenamed] = createSignal(false);
  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setRenamed(false);
    const saved = await task.run(null, () => renameProfile(vault.deps, props.session.profile.id, label()));
    if (saved === null) return;
    setLabel(saved);
    await vault.refreshProfiles().catch(logUnexpected);
    setRenamed(true);
  }
  return (
    <form class="stack" onSubmit={(event) => void submit(event)}>
      <div class="field">
        <label for="rename">{t().settings.rename}</label>
        <input id="rename" maxlength={60} required value={label()} onInput={(event) => setLabel(event.currentTarget.value)} aria-describedby="rename-hint" />
        <p class="hint warning" id="rename-hint">{t().create.labelHint}</p>
      </div>
      <MaybeAlert tone="error" message={task.error()} />
      <MaybeAlert tone="success" message={renamed() ? t().settings.renamed : null} />
      <div class="actions">
        <button type="submit" disabled={task.busy()}>{t().settings.renameSubmit}</button>
      </div>
    </form>
  );
}

function ChangePassphrase(props: { session: VaultSession }) {
  const { t, vault } = useApp();
  const [current, setCurrent] = createSignal('');
  const next = createNewPassphrase();
  const task = createTask();
  const [changed, setChanged] = createSignal(false);
  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setChanged(false);
    // The confirmation field already says they differ, next to it.
    if (!next.matches()) return;
    const done = await task.run({ phase: 'deriving', fraction: 0 }, (onProgress) => changePassphrase(props.session, { current: current(), next: next.value(), onProgress }));
    if (done === null) return;
    setCurrent('');
    next.clear();
    setChanged(true);
  }
  return (
    <form class="stack" onSubmit={(event) => void submit(event)} aria-labelledby="passphrase-title" aria-busy={task.busy()}>
      <h3 id="passphrase-title">{t().settings.passphraseTitle}</h3>
      <p class="hint">{t().settings.passphraseIntro}</p>
      <PassphraseInput label={t().settings.currentPassphrase} value={current()} onInput={setCurrent} autocomplete="current-password" />
      <NewPassphraseFields
        state={next}
        label={t().settings.newPassphrase}
        confirmLabel={t().settings.confirmPassphrase}
        userInputs={[vault.profileOf(props.session).label]}
      />
      <VaultProgressBar progress={task.progress()} labels={{ calibrating: t().create.calibrating, deriving: t().create.deriving, opening: t().create.deriving }} />
      <MaybeAlert tone="error" message={task.error()} />
      <MaybeAlert tone="success" message={changed() ? t().settings.changed : null} />
      <div class="actions">
        <button type="submit" disabled={task.busy()}>{t().settings.changeSubmit}</button>
      </div>
    </form>
  );
}

function AutoLockSetting(props: { session: VaultSession }) {
  const { t } = useApp();
  const [seconds, setSeconds] = createSignal(autoLockSeconds(localStorage, props.session.profile.id));
  const choices = () => {
    const values = AUTO_LOCK_CHOICES_MINUTES.map((minutes) => minutes * 60);
    return values.includes(seconds()) ? values : [...values, seconds()].sort((a, b) => a - b);
  };
  return (
    <div class="field">
      <h3>{t().autoLock.title}</h3>
      <label for="auto-lock">{t().autoLock.delay}</label>
      <select
        id="auto-lock"
        value={String(seconds())}
        aria-describedby="auto-lock-hint"
        onChange={(event) => {
          const value = Number(event.currentTarget.value);
          setAutoLockSeconds(localStorage, props.session.profile.id, value);
          setSeconds(value);
        }}
      >
        <For each={choices()}>{(value) => <option value={String(value)}>{t().autoLock.minutes(Math.max(1, Math.round(value / 60)))}</option>}</For>
      </select>
      <p class="hint" id="auto-lock-hint">{t().autoLock.hint}</p>
    </div>
  );
}

function RecoverySection(props: { session: VaultSession }) {
  const { t, vault, router } = useApp();
  const [passphrase, setPassphrase] = createSignal('');
  const task = createTask();
  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const key = await task.run({ phase: 'deriving', fraction: 0 }, (onProgress) => regenerateRecoveryKey(props.session, passphrase(), onProgress));
    if (key === null) return;
    setPassphrase('');
    vault.showRecoveryKit(key);
    router.navigate({ name: 'recovery-kit' });
  }
  return (
    <form class="stack" onSubmit={(event) => void submit(event)} aria-labelledby="recovery-title" aria-busy={task.busy()}>
      <h3 id="recovery-title">{t().recovery.settingsTitle}</h3>
      <p class="hint">{t().recovery.settingsIntro}</p>
      <PassphraseInput label={t().settings.currentPassphrase} value={passphrase()} onInput={setPassphrase} autocomplete="current-password" />
      <VaultProgressBar progress={task.progress()} labels={{ calibrating: t().unlock.deriving, deriving: t().unlock.deriving, opening: t().unlock.deriving }} />
      <MaybeAlert tone="error" message={task.error()} />
      <div class="actions">
        <button type="submit" disabled={task.busy() || passphrase() === ''}>
          {t().recovery.regenerate}
        </button>
      </div>
    </form>
  );
}

function ActivityLog(props: { session: VaultSession }) {
  const { t, vault, preferences } = useApp();
  const [log] = createResource(() => vault.revision() + 1, () => readActivity(props.session));
  const when = (millis: number) => formatDateTime(millis, preferences.language(), preferences.timeZone());
  const detail = (entry: ActivityEntry) => {
    if (entry.event === 'unlock-failures' && entry.count !== undefined) return t().activity.failures(entry.count, when(entry.firstAt ?? entry.at));
    if (entry.method !== undefined) return t().activity.methods[entry.method];
    return entry.name ?? '';
  };
  return (
    <section class="card activity" aria-labelledby="activity-title">
      <h2 id="activity-title">{t().activity.title}</h2>
      <p class="hint">{t().activity.intro}</p>
      <Show when={log()}>
        {(current) => (
          <>
            <Show when={current().failures.length > 0}>
              <Alert tone="error">{t().activity.damaged(current().failures.length)}</Alert>
            </Show>
            <Show when={current().records.length > 0} fallback={<p>{t().activity.empty}</p>}>
              <ol class="activity-list">
                <For each={current().records.slice(0, 100)}>
                  {(record) => (
                    <li classList={{ warning: record.data.event === 'unlock-failures' }}>
                      <time datetime={new Date(record.data.at).toISOString()}>{when(record.data.at)}</time>
                      <span>
                        {t().activity.events[record.data.event]}
                        <Show when={detail(record.data) !== ''}>{` — ${detail(record.data)}`}</Show>
                      </span>
                    </li>
                  )}
                </For>
              </ol>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}

export default function Settings() {
  const { t, vault } = useApp();
  return (
    <section aria-labelledby="page-title">
      <Heading>{t().settings.title}</Heading>
      <div class="cards">
        <DeviceSettings />
        <StorageHealth />
        <Show when={vault.session()} keyed>
          {(session) => (
            <section class="card" aria-labelledby="profile-title">
              <h2 id="profile-title">{t().settings.profileTitle}</h2>
              <RenameProfile session={session} />
              <AutoLockSetting session={session} />
              <ChangePassphrase session={session} />
              <RecoverySection session={session} />
              <PasskeysSection session={session} />
              <DeleteProfileForm profile={vault.profileOf(session)} headingLevel="h3" />
            </section>
          )}
        </Show>
        <Show when={vault.session()} keyed>
          {(session) => (
            <>
              <BackupSection session={session} />
              <ActivityLog session={session} />
            </>
          )}
        </Show>
      </div>
    </section>
  );
}
