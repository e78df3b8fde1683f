/** The open vault at a glance: what it holds, how it is protected, how much space it takes. */
import { createEffect, createResource, Show } from 'solid-js';
import { readStorageState } from '../../adapters/storage-manager.ts';
import { lastBackupAt, needsBackupReminder, recoveryKitConfirmed } from '../../app/activity.ts';
import type { VaultSession } from '../../app/session.ts';
import type { PassphraseWrap } from '../../core/crypto/keyring.ts';
import { useApp } from '../context.tsx';
import { formatBytes, formatDate } from '../format.ts';
import { libraryOf } from '../library.ts';
import { Heading } from './Heading.tsx';

export default function VaultHome(props: { session: VaultSession }) {
  const { t, preferences, vault } = useApp();
  const view = libraryOf(props.session);
  const [loaded] = createResource(() => view.ready.then(() => true));
  /** Documents in the record, the trash aside; known once the library has opened them. */
  const count = () => {
    view.version();
    return loaded() === true ? view.library.all().filter((document) => document.data.trashedAt === null).length : undefined;
  };
  const [kitConfirmed] = createResource(() => vault.revision() + 1, () => recoveryKitConfirmed(props.session));
  const [backupDue] = createResource(
    () => vault.revision() + 1,
    async () => needsBackupReminder((await readStorageState()).persisted, await lastBackupAt(props.session), Date.now()),
  );
  const [storage] = createResource(readStorageState);
  createEffect(() => {
    if (count() !== undefined) performance.mark('carnet:first-screen');
  });
  // A kit still in memory can be shown again; once it is gone, a new one is made in Settings.
  const kitLink = () =>
    vault.recoveryKit() === null ? { href: '#/settings', label: t().recovery.reminderAction } : { href: '#/recovery-kit', label: t().recovery.kitTitle };
  const kdf = () => props.session.keyring().wraps.find((wrap): wrap is PassphraseWrap => wrap.method === 'passphrase')?.kdf;
  return (
    <section aria-labelledby="page-title">
      <Heading>{t().vault.title(vault.profileOf(props.session).label)}</Heading>
      <p class="lead">{t().vault.unlockedIntro}</p>
      <Show when={kitConfirmed() === false}>
        <div class="alert alert-info notice">
          <p>{t().recovery.reminder}</p>
          <a class="button" href={kitLink().href}>{kitLink().label}</a>
        </div>
      </Show>
      <Show when={backupDue() === true}>
        <div class="alert alert-info notice">
          <p>{t().storage.reminder}</p>
          <a class="button" href="#/settings">{t().backup.export}</a>
        </div>
      </Show>
      <div class="cards">
        <section class="card" aria-labelledby="summary-title">
          <h2 id="summary-title">{t().vault.summaryTitle}</h2>
          <Show when={count() !== undefined} fallback={<p>{t().app.loading}</p>}>
            <p>{t().vault.documents(count() ?? 0)}</p>
          </Show>
          <p><a class="button" href="#/documents">{t().vault.openDocuments}</a></p>
          <p><a class="button secondary" href="#/readings">{t().vault.openReadings}</a></p>
        </section>
        <section class="card" aria-labelledby="security-title">
          <h2 id="security-title">{t().vault.securityTitle}</h2>
          <Show when={kdf()}>{(params) => <p>{t().vault.kdf(Math.round(params().memoryKiB / 1024), params().iterations)}</p>}</Show>
          <p>{t().vault.encryption}</p>
          <p>{t().vault.created(formatDate(props.session.profile.createdAt, preferences.language(), preferences.timeZone()))}</p>
        </section>
        <section class="card" aria-labelledby="storage-title">
          <h2 id="storage-title">{t().vault.storageTitle}</h2>
          <Show when={typeof storage()?.usage === 'number' && typeof storage()?.quota === 'number'} fallback={<p>{t().vault.storageUnknown}</p>}>
            <p>{t().vault.storageUsage(formatBytes(storage()?.usage ?? 0, preferences.language()), formatBytes(storage()?.quota ?? 0, preferences.language()))}</p>
          </Show>
        </section>
      </div>
    </section>
  );
}
