/**
 * Where the service worker sends the patient after something was shared to the installed app
 * (src/sw.ts): how many files were received and sealed, for which record, and that they will be
 * offered for filing after the next unlock; or why nothing was kept.
 */
import { Match, onMount, Show, Switch } from 'solid-js';
import { INBOX_MAX_FILE_BYTES } from '../../adapters/inbox-writer.ts';
import { Alert } from '../components/Alert.tsx';
import { useApp } from '../context.tsx';
import { formatBytes } from '../format.ts';
import { logUnexpected } from '../task.ts';
import { Heading } from './Heading.tsx';

type ShareReport =
  | { readonly kind: 'received'; readonly count: number; readonly profileId: string | null }
  | { readonly kind: 'empty' | 'no-profile' | 'too-large' | 'error' };

const STATUSES = ['empty', 'no-profile', 'too-large', 'error'] as const;

/** The query the worker wrote (`count=…&profile=…` or `status=…`); anything else reads as a failure. */
export function parseShareReport(query: string): ShareReport {
  const params = new URLSearchParams(query);
  const count = params.get('count');
  if (count !== null && /^[1-9]\d{0,5}$/.test(count)) return { kind: 'received', count: Number(count), profileId: params.get('profile') };
  const status = params.get('status');
  const known = STATUSES.find((candidate) => candidate === status);
  return { kind: known ?? 'error' };
}

export default function ShareReceived(props: { query: string }) {
  const { t, vault, preferences } = useApp();
  const report = () => parseShareReport(props.query);
  // The label of the record that received the files, from the registry (a new page knows none yet).
  onMount(() => void vault.refreshProfiles().catch(logUnexpected));
  const received = () => {
    const current = report();
    return current.kind === 'received' ? current : null;
  };
  const profile = () => {
    const id = received()?.profileId;
    return id === undefined || id === null ? undefined : vault.profiles()?.find((entry) => entry.id === id);
  };

  return (
    <section aria-labelledby="page-title">
      <Show
        when={received()}
        fallback={
          <>
            <Heading>{t().inbox.notReceivedTitle}</Heading>
            <Switch>
              <Match when={report().kind === 'empty'}>
                <Alert tone="info">{t().inbox.empty}</Alert>
              </Match>
              <Match when={report().kind === 'no-profile'}>
                <Alert tone="error">{t().inbox.noProfile}</Alert>
              </Match>
              <Match when={report().kind === 'too-large'}>
                <Alert tone="error">{t().inbox.tooLarge(formatBytes(INBOX_MAX_FILE_BYTES, preferences.language()))}</Alert>
              </Match>
              <Match when={report().kind === 'error'}>
                <Alert tone="error">{t().inbox.failed}</Alert>
              </Match>
            </Switch>
            <p class="actions">
              <a class="button" href="#/">{t().inbox.toProfiles}</a>
            </p>
          </>
        }
      >
        {(done) => (
          <>
            <Heading>{t().inbox.receivedTitle}</Heading>
            <Alert tone="success">{t().inbox.received(done().count, profile()?.label ?? null)}</Alert>
            <p>{t().inbox.receivedNext}</p>
            <p class="actions">
              <Show when={profile()} fallback={<a class="button" href="#/">{t().inbox.toProfiles}</a>}>
                {(entry) => (
                  <a class="button" href={`#/unlock/${encodeURIComponent(entry().id)}`}>
                    {t().inbox.unlock(entry().label)}
                  </a>
                )}
              </Show>
            </p>
          </>
        )}
      </Show>
    </section>
  );
}
