/**
 * A live Nightscout site: the address and a token (or the API secret), a test of the connection
 * that says in plain words what answered or what to change on the site, then "pull now" with its
 * progress and a stop button, and the shared preview. Nothing is stored before the patient
 * confirms, and the site's cursor moves only then. "Forget this site" erases the sealed settings.
 */
import { createSignal, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { createNightscoutHttp } from '../../../adapters/nightscout-http.ts';
import {
  commitPull,
  createNightscoutLive,
  forgetNightscoutSite,
  loadNightscoutSite,
  saveNightscoutSite,
  type ConnectionReport,
  type NightscoutPull,
  type NightscoutSite,
  type PullProgress,
} from '../../../app/nightscout-live.ts';
import type { ImportPreview } from '../../../app/readings.ts';
import type { VaultSession } from '../../../app/session.ts';
import { BROKEN_REASONS, type ParsedReadings } from '../../../core/readings/parsed.ts';
import { Alert, MaybeAlert } from '../../components/Alert.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { useApp } from '../../context.tsx';
import { describeError } from '../../errors.ts';
import { formatDateTime } from '../../format.ts';
import { logUnexpected } from '../../task.ts';
import { describeSkips, ReadingsPreview } from '../ReadingsPreview.tsx';
import { readingsOf } from '../view.ts';
import { NightscoutForm } from './nightscout/NightscoutForm.tsx';
import { PullSummary } from './nightscout/PullSummary.tsx';
import { describeNightscoutError } from './nightscout/words.ts';

type Step =
  | { readonly name: 'loading' }
  | { readonly name: 'form' }
  | { readonly name: 'ready' }
  | { readonly name: 'busy'; readonly from: 'form' | 'ready' }
  | { readonly name: 'pulling'; readonly progress: PullProgress | null }
  | { readonly name: 'preview'; readonly site: NightscoutSite; readonly pull: NightscoutPull; readonly preview: ImportPreview };

/** Rows that were broken rather than refused: a pull that adds nothing still shows them. */

export function NightscoutSync(props: { session: VaultSession }) {
  const { t, preferences } = useApp();
  const view = readingsOf(props.session);
  const words = () => t().nightscoutLive;
  const live = createNightscoutLive({ http: createNightscoutHttp(), now: () => props.session.deps.clock.now() });
  const [step, setStep] = createSignal<Step>({ name: 'loading' });
  const [site, setSite] = createSignal<NightscoutSite | null>(null);
  const [report, setReport] = createSignal<ConnectionReport | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  let running: AbortController | null = null;
  onCleanup(() => running?.abort());

  const when = (millis: number) => formatDateTime(millis, preferences.language(), preferences.timeZone());
  const host = (base: string) => base.replace(/^https?:\/\//, '');

  onMount(() => {
    loadNightscoutSite(props.session)
      .then((stored) => {
        setSite(stored);
        setStep({ name: stored === null ? 'form' : 'ready' });
      })
      .catch((failure: unknown) => {
        logUnexpected(failure);
        setStep({ name: 'form' });
      });
  });

  function start(): AbortController {
    running?.abort();
    running = new AbortController();
    setError(null);
    setNotice(null);
    return running;
  }

  async function connected(result: Awaited<ReturnType<typeof live.checkSite>>, fallback: Step): Promise<void> {
    if (!result.ok) {
      setStep(fallback);
      if (result.error.type !== 'NightscoutCancelled') setError(describeNightscoutError(t(), result.error));
      return;
    }
    const saved = await saveNightscoutSite(props.session, result.value.site);
    if (!saved.ok) {
      setStep(fallback);
      return void setError(describeError(t(), saved.error));
    }
    setSite(result.value.site);
    setReport(result.value);
    setStep({ name: 'ready' });
  }

  /** Runs a connection test from `from`, and returns there when it fails. */
  async function testing(from: 'form' | 'ready', run: (signal: AbortSignal) => ReturnType<typeof live.checkSite>) {
    const controller = start();
    setStep({ name: 'busy', from });
    try {
      await connected(await run(controller.signal), { name: from });
    } catch (failure) {
      logUnexpected(failure);
      setStep({ name: from });
      setError(t().errors.unexpected);
    }
  }

  const test = (address: string, kind: 'token' | 'api-secret', secret: string) => testing('form', (signal) => live.testConnection(address, kind, secret, site(), signal));
  const retest = (current: NightscoutSite) => testing('ready', (signal) => live.checkSite(current, signal));

  function noReadings(parsed: NightscoutPull['parsed']): string {
    if (parsed.ok || parsed.error.type !== 'NoReadings') return words().nothingNew;
    const reasons = describeSkips(t().readings.import, parsed.error.skipped);
    return reasons === '' ? words().nothingNew : words().noReadings(reasons);
  }

  async function pull(current: NightscoutSite) {
    const controller = start();
    setStep({ name: 'pulling', progress: null });
    try {
      const pulled = await live.pull(current, { timeZone: preferences.timeZone(), signal: controller.signal, onProgress: (progress) => setStep({ name: 'pulling', progress }) });
      if (!pulled.ok) {
        setStep({ name: 'ready' });
        return void (pulled.error.type === 'NightscoutCancelled' ? setNotice(words().cancelled) : setError(describeNightscoutError(t(), pulled.error)));
      }
      const parsed: ParsedReadings | null = pulled.value.parsed.ok ? pulled.value.parsed.value : null;
      if (parsed === null) {
        setStep({ name: 'ready' });
        return void (pulled.value.fresh === 0 ? setNotice(words().nothingNew) : setError(noReadings(pulled.value.parsed)));
      }
      const preview = await view.store.preview(parsed);
      if (!preview.ok) {
        setStep({ name: 'ready' });
        return void setError(describeError(t(), preview.error));
      }
      const adding = preview.value.plans.reduce((sum, plan) => sum + plan.added, 0);
      // Rows seen before (the overlap) were shown then; a pull adding nothing shows the preview
      // only to explain new rows it could not read.
      if (adding === 0 && (pulled.value.fresh === 0 || !parsed.skipped.some((row) => BROKEN_REASONS.includes(row.reason)))) {
        // Everything is already in the vault (a file imported before, say): the cursor moves on,
        // or every pull would fetch the whole history again.
        const moved = await commitPull(props.session, current, pulled.value);
        setStep({ name: 'ready' });
        if (!moved.ok) return void setError(describeError(t(), moved.error));
        setSite(moved.value);
        return void setNotice(words().nothingNew);
      }
      setStep({ name: 'preview', site: current, pull: pulled.value, preview: preview.value });
    } catch (failure) {
      logUnexpected(failure);
      setStep({ name: 'ready' });
      setError(t().errors.unexpected);
    } finally {
      if (running === controller) running = null;
    }
  }

  async function committed(current: Extract<Step, { name: 'preview' }>, added: number) {
    const moved = await commitPull(props.session, current.site, current.pull);
    setStep({ name: 'ready' });
    if (!moved.ok) return void setError(describeError(t(), moved.error));
    setSite(moved.value);
    setNotice(words().done(added));
  }

  async function forget() {
    start();
    const forgotten = await forgetNightscoutSite(props.session);
    if (!forgotten.ok) return void setError(describeError(t(), forgotten.error));
    setSite(null);
    setReport(null);
    setStep({ name: 'form' });
    setNotice(words().forgotten);
  }

  const progressLabel = (progress: PullProgress | null) => {
    if (progress === null) return words().pulling;
    const back = progress.oldest === null ? '' : `, ${words().reachedBack(when(progress.oldest))}`;
    return `${words().pulled(progress.entries, progress.pages)}${back}`;
  };
  const busyFrom = (from: 'form' | 'ready') => {
    const current = step();
    return current.name === 'busy' && current.from === from;
  };

  return (
    <section class="card nightscout-sync" aria-labelledby="nightscout-title">
      <h2 id="nightscout-title">{words().title}</h2>
      <p class="hint">{words().intro}</p>
      <Switch>
        <Match when={step().name === 'form' || busyFrom('form')}>
          <NightscoutForm site={site()} busy={busyFrom('form')} onSubmit={(address, kind, secret) => void test(address, kind, secret)} onCancel={site() === null ? null : () => setStep({ name: 'ready' })} />
        </Match>
        <Match when={(step().name === 'ready' || busyFrom('ready')) && site()}>
          {(current) => (
            <div class="nightscout-site">
              <p>{words().site(host(current().base), current().api)}</p>
              <Show when={report()}>
                {(shown) => (
                  <Alert tone="success">
                    {words().connected(shown().name ?? words().unnamed, shown().version ?? words().unknownVersion, shown().site.api)}{' '}
                    {shown().latest === null ? words().siteEmpty : words().latest(when(shown().latest ?? 0))}
                  </Alert>
                )}
              </Show>
              <p class="hint">{current().lastPull === null ? words().neverPulled : words().lastPull(when(current().lastPull ?? 0))}</p>
              <Show when={busyFrom('ready')}>
                <p role="status">{words().testing}</p>
              </Show>
              <div class="actions">
                <button type="button" disabled={busyFrom('ready')} onClick={() => void pull(current())}>
                  {words().pull}
                </button>
                <button type="button" class="secondary" disabled={busyFrom('ready')} onClick={() => void retest(current())}>
                  {words().test}
                </button>
                <button type="button" class="secondary" disabled={busyFrom('ready')} onClick={() => setStep({ name: 'form' })}>
                  {words().change}
                </button>
                <button type="button" class="secondary" disabled={busyFrom('ready')} onClick={() => void forget()}>
                  {words().forget}
                </button>
              </div>
            </div>
          )}
        </Match>
        <Match when={step().name === 'pulling' && (step() as Extract<Step, { name: 'pulling' }>)}>
          {(current) => (
            <div class="nightscout-pull">
              <ProgressBar label={progressLabel(current().progress)} fraction={null} />
              <div class="actions">
                <button type="button" class="secondary" onClick={() => running?.abort()}>
                  {words().stop}
                </button>
              </div>
            </div>
          )}
        </Match>
        <Match when={step().name === 'preview' && (step() as Extract<Step, { name: 'preview' }>)}>
          {(current) => (
            <>
              <PullSummary pull={current().pull} />
              <ReadingsPreview
                from="live"
                session={props.session}
                title={words().previewTitle(host(current().site.base))}
                preview={current().preview}
                onCancel={() => setStep({ name: 'ready' })}
                onDone={(added) => void committed(current(), added)}
              />
            </>
          )}
        </Match>
      </Switch>
      <MaybeAlert tone="error" message={error()} />
      <Show when={notice()}>{(message) => <Alert tone="info">{message()}</Alert>}</Show>
    </section>
  );
}
