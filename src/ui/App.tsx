/**
 * The shell: header and navigation, the update banner, and the route outlet. A section appears
 * in the navigation only when it works; vault sections only while a vault is unlocked.
 */
import { createEffect, createSignal, ErrorBoundary, lazy, Match, on, onCleanup, Show, Suspense, Switch } from 'solid-js';
import { Alert } from './components/Alert.tsx';
import { InstallButton, UpdateBanner } from './components/UpdateBanner.tsx';
import { useApp } from './context.tsx';
import { watchForAutoLock } from './auto-lock.ts';
import { loadFeatureWords } from './i18n/i18n.ts';
import { provideProfileContext } from './profile/context.ts';
import { emergencyLabels } from './profile/emergency-labels.ts';
import type { Route, SectionName } from './router.ts';
import { Heading } from './screens/Heading.tsx';
import { logUnexpected } from './task.ts';
import Unlock from './screens/Unlock.tsx';
import Welcome from './screens/Welcome.tsx';

const CreateProfile = lazy(() => import('./screens/CreateProfile.tsx'));
const VaultHome = lazy(() => import('./screens/VaultHome.tsx'));
const Documents = lazy(() => import('./screens/Documents.tsx'));
const DocumentView = lazy(() => import('./screens/DocumentView.tsx'));
const Trash = lazy(() => import('./screens/Trash.tsx'));
/** A screen whose words are in the feature dictionaries: both load before it shows. */
const withWords = <T,>(load: () => Promise<T>) => () => loadFeatureWords().then(load);
const Readings = lazy(withWords(() => import('./screens/Readings.tsx')));
const Profile = lazy(withWords(() => import('./screens/Profile.tsx')));
const Emergency = lazy(withWords(() => import('./screens/Emergency.tsx')));
const Agenda = lazy(withWords(() => import('./screens/Agenda.tsx')));
const Prevention = lazy(withWords(() => import('./screens/Prevention.tsx')));
const ReminderWatch = lazy(withWords(() => import('./agenda/ReminderWatch.tsx')));
const Settings = lazy(() => import('./screens/Settings.tsx'));
const About = lazy(() => import('./screens/About.tsx'));
const RecoveryKit = lazy(() => import('./screens/RecoveryKit.tsx'));
const NewPassphrase = lazy(() => import('./screens/NewPassphrase.tsx'));
const Restore = lazy(() => import('./screens/Restore.tsx'));
const ShareReceived = lazy(() => import('./screens/ShareReceived.tsx'));

/** How long after the unlock the reminders start watching (the first screen comes first). */
const REMINDERS_AFTER_UNLOCK_MS = 3000;

function NavLink(props: { href: string; current: boolean; children: string }) {
  return (
    <a href={props.href} aria-current={props.current ? 'page' : undefined}>
      {props.children}
    </a>
  );
}

/**
 * What a screen that threw (a bug, or a chunk that failed to load) leaves in its place: the
 * words for it and a way out. Moving to another screen tries again.
 */
function Unexpected(props: { error: unknown; reset: () => void }) {
  const { t, router } = useApp();
  logUnexpected(props.error);
  createEffect(on(router.route, () => props.reset(), { defer: true }));
  return (
    <section>
      <Alert tone="error">{t().errors.unexpected}</Alert>
      <p><a href="#/">{t().nav.profiles}</a></p>
    </section>
  );
}

export function App() {
  const { t, router, vault, preferences } = useApp();
  provideProfileContext({ labels: () => emergencyLabels(t()), timeZone: () => preferences.timeZone() });
  const route = () => router.route();
  const is = (name: Route['name']) => route().name === name;
  const documentId = () => {
    const current = route();
    return current.name === 'document' ? current.id : null;
  };

  const readingsSection = () => {
    const current = route();
    return current.name === 'readings' ? current.section : null;
  };

  /** The sub-path of a section screen, or null on any other screen. */
  const rest = (name: SectionName): readonly string[] | null => {
    const current = route();
    return current.name === name && 'rest' in current ? current.rest : null;
  };

  const needsVault = (name: Route['name']) =>
    name === 'vault' || name === 'recovery-kit' || name === 'new-passphrase' || name === 'documents' || name === 'document' || name === 'trash' || name === 'readings' ||
    name === 'profile' || name === 'emergency' || name === 'agenda' || name === 'prevention';
  // Vault screens need an open vault; after the recovery key, a new passphrase comes first.
  createEffect(() => {
    const name = route().name;
    if (needsVault(name) && vault.session() === null) {
      // After the unlock, the patient lands where they were going (or where they were).
      if (name !== 'recovery-kit' && name !== 'new-passphrase') vault.wantAfterUnlock(route());
      router.navigate({ name: 'welcome' }, { replace: true });
    }
    else if (vault.mustResetPassphrase() && name !== 'new-passphrase') router.navigate({ name: 'new-passphrase' }, { replace: true });
  });

  // However the vault locks (button, auto-lock, another tab), every decrypted view goes, and the
  // patient lands on that profile's unlock screen.
  createEffect(() => {
    const session = vault.session();
    if (session === null) return;
    // The screen left behind was remembered by the effect above as the session went.
    session.onLock(() => router.navigate({ name: 'unlock', profileId: session.profile.id }, { replace: true }));
  });
  watchForAutoLock(vault.session, localStorage);

  // The agenda's reminders start once the first screen after the unlock is shown, not before it:
  // what came due in those seconds is listed as missed all the same.
  const [watching, setWatching] = createSignal(false);
  createEffect(() => {
    if (vault.session() === null) return void setWatching(false);
    const timer = setTimeout(() => setWatching(true), REMINDERS_AFTER_UNLOCK_MS);
    onCleanup(() => clearTimeout(timer));
  });

  const lock = () => vault.lock();

  return (
    <>
      <a class="skip-link" href="#main" onClick={(event) => { event.preventDefault(); document.getElementById('main')?.focus(); }}>
        {t().app.skipToContent}
      </a>
      <header class="top">
        <a class="brand" href={vault.session() === null ? '#/' : '#/vault'}>
          <img src="/icons/icon.svg" alt="" width="32" height="32" />
          <span>{t().app.name}</span>
        </a>
        <nav aria-label={t().nav.label}>
          <Show
            when={vault.session()}
            fallback={<NavLink href="#/" current={is('welcome') || is('unlock') || is('create') || is('restore')}>{t().nav.profiles}</NavLink>}
          >
            <NavLink href="#/vault" current={is('vault')}>{t().nav.vault}</NavLink>
            <NavLink href="#/documents" current={is('documents') || is('document') || is('trash')}>{t().nav.documents}</NavLink>
            <NavLink href="#/readings" current={is('readings')}>{t().nav.readings}</NavLink>
            <NavLink href="#/profile" current={is('profile') || is('emergency')}>{t().nav.profile}</NavLink>
            <NavLink href="#/agenda" current={is('agenda')}>{t().nav.agenda}</NavLink>
            <NavLink href="#/prevention" current={is('prevention')}>{t().nav.prevention}</NavLink>
          </Show>
          <NavLink href="#/settings" current={is('settings')}>{t().nav.settings}</NavLink>
          <NavLink href="#/about" current={is('about')}>{t().nav.about}</NavLink>
          <InstallButton />
          <Show when={vault.session()}>
            <button type="button" class="secondary lock" onClick={lock}>
              {t().nav.lock}
            </button>
          </Show>
        </nav>
      </header>
      <UpdateBanner />
      <Suspense>
        <Show when={watching() && vault.session()} keyed>
          {(session) => <ReminderWatch session={session} />}
        </Show>
      </Suspense>
      <main id="main" tabindex="-1">
        <ErrorBoundary fallback={(error, reset) => <Unexpected error={error} reset={reset} />}>
          <Suspense fallback={<p>{t().app.loading}</p>}>
            <Switch>
              <Match when={is('welcome')}>
                <Welcome />
              </Match>
              <Match when={route().name === 'unlock' && route()} keyed>
                {(current) => <Unlock profileId={current.name === 'unlock' ? current.profileId : ''} />}
              </Match>
              <Match when={is('create')}>
                <CreateProfile />
              </Match>
              <Match when={is('vault') && vault.session()} keyed>
                {(session) => <VaultHome session={session} />}
              </Match>
              <Match when={is('documents') && vault.session()} keyed>
                {(session) => <Documents session={session} />}
              </Match>
              <Match when={documentId() !== null && vault.session()} keyed>
                {(session) => <DocumentView session={session} id={documentId() ?? ''} />}
              </Match>
              <Match when={is('trash') && vault.session()} keyed>
                {(session) => <Trash session={session} />}
              </Match>
              <Match when={readingsSection() !== null && vault.session()} keyed>
                {(session) => <Readings session={session} section={readingsSection() ?? 'glucose'} />}
              </Match>
              <Match when={rest('profile') !== null && vault.session()} keyed>
                {(session) => <Profile session={session} rest={rest('profile') ?? []} />}
              </Match>
              <Match when={rest('emergency') !== null && vault.session()} keyed>
                {(session) => <Emergency session={session} rest={rest('emergency') ?? []} />}
              </Match>
              <Match when={rest('agenda') !== null && vault.session()} keyed>
                {(session) => <Agenda session={session} rest={rest('agenda') ?? []} />}
              </Match>
              <Match when={rest('prevention') !== null && vault.session()} keyed>
                {(session) => <Prevention session={session} rest={rest('prevention') ?? []} />}
              </Match>
              <Match when={is('settings')}>
                <Settings />
              </Match>
              <Match when={is('about')}>
                <About />
              </Match>
              <Match when={is('recovery-kit') && vault.session()} keyed>
                {(session) => <RecoveryKit session={session} />}
              </Match>
              <Match when={is('new-passphrase') && vault.session()} keyed>
                {(session) => <NewPassphrase session={session} />}
              </Match>
              <Match when={is('restore')}>
                <Restore />
              </Match>
              <Match when={route().name === 'share-received' && route()} keyed>
                {(current) => <ShareReceived query={current.name === 'share-received' ? current.query : ''} />}
              </Match>
              <Match when={is('not-found')}>
                <section aria-labelledby="page-title">
                  <Heading>{t().app.notFound}</Heading>
                  <p><a href="#/">{t().nav.profiles}</a></p>
                </section>
              </Match>
            </Switch>
          </Suspense>
        </ErrorBoundary>
      </main>
    </>
  );
}
