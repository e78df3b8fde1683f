/**
 * Importing an .ics file: read on the device, previewed (new, changed since the last import by
 * the same UID, already there, and every problem in plain words), and stored only when the patient
 * accepts: events with problems only with their explicit agreement, all in one transaction.
 */
import { createSignal, For, Match, Show, Switch } from 'solid-js';
import type { ImportPreview } from '../../app/agenda.ts';
import type { IcsFileError, IcsProblem } from '../../core/agenda/ical.ts';
import { Alert, MaybeAlert } from '../components/Alert.tsx';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
import type { Dictionary } from '../i18n/i18n.ts';
import { logUnexpected } from '../task.ts';
import { firstLabel } from './format.ts';
import type { AgendaView } from './view.ts';
import { FileButton } from '../components/FileButton.tsx';

export const MAX_ICS_BYTES = 5 * 1024 * 1024;

type Step =
  | { readonly name: 'idle' }
  | { readonly name: 'reading' }
  | { readonly name: 'preview'; readonly file: string; readonly preview: ImportPreview }
  | { readonly name: 'done'; readonly added: number; readonly updated: number };

/** A problem in the patient's words. */
export function problemText(t: Dictionary, problem: IcsProblem, zone: string): string {
  const words = t.agenda.import.problem;
  switch (problem.type) {
    case 'BrokenLine':
      return words.BrokenLine(problem.line);
    case 'UnknownProperty':
      return words.UnknownProperty(problem.line, problem.name);
    case 'UnsupportedProperty':
      return words.UnsupportedProperty(problem.line, problem.name);
    case 'UnsupportedComponent':
      return words.UnsupportedComponent(problem.line, problem.name);
    case 'FloatingTime':
      return words.FloatingTime(problem.line, zone);
    case 'UnknownZone':
      return words.UnknownZone(problem.line, problem.zone, zone);
    case 'InvalidValue':
      return words.InvalidValue(problem.line, problem.name);
    case 'UnsupportedRule':
      return words.UnsupportedRule(problem.line, t.agenda.form.rruleError[problem.error.reason](problem.error.part));
    case 'Shortened':
      return words.Shortened(problem.line, problem.name, problem.max);
    case 'MissingUid':
      return words.MissingUid();
    case 'MissingStart':
      return words.MissingStart();
    case 'MissingTitle':
      return words.MissingTitle();
    case 'DuplicateUid':
      return words.DuplicateUid(problem.uid);
    case 'RecurrenceOverride':
      return words.RecurrenceOverride();
    case 'Cancelled':
      return words.Cancelled();
    case 'Unterminated':
      return words.Unterminated(problem.line, problem.name);
  }
}

export function fileErrorText(t: Dictionary, error: IcsFileError, zone: string): string {
  const words = t.agenda.import;
  switch (error.type) {
    case 'IcsEmpty':
      return words.empty;
    case 'IcsNotCalendar':
      return words.notCalendar;
    case 'IcsTooManyEvents':
      return words.tooMany(error.max);
    case 'IcsNoEvents':
      return [words.noEvents, ...error.dropped.flatMap((item) => item.problems.map((problem) => problemText(t, problem, zone)))].join(' ');
  }
}

export function IcsImport(props: { view: AgendaView }) {
  const { t, preferences, router } = useApp();
  const words = () => t().agenda.import;
  const [step, setStep] = createSignal<Step>({ name: 'idle' });
  const [error, setError] = createSignal<string | null>(null);
  const [accepted, setAccepted] = createSignal<Set<string>>(new Set());
  const [consent, setConsent] = createSignal(false);
  const [saving, setSaving] = createSignal(false);

  async function choose(file: File) {
    setError(null);
    if (file.size === 0) return void setError(words().empty);
    if (file.size > MAX_ICS_BYTES) return void setError(words().tooLarge);
    setStep({ name: 'reading' });
    try {
      const preview = await props.view.agenda.previewIcs(await file.text(), { zone: preferences.timeZone() });
      if (!preview.ok) {
        setStep({ name: 'idle' });
        const failure = preview.error;
        return void setError(
          failure.type === 'IcsEmpty' || failure.type === 'IcsNotCalendar' || failure.type === 'IcsTooManyEvents' || failure.type === 'IcsNoEvents'
            ? fileErrorText(t(), failure, preferences.timeZone())
            : describeError(t(), failure),
        );
      }
      // Ticked at first: whatever is new or changed. Events with problems need the agreement box too.
      setAccepted(new Set(preview.value.items.filter((item) => item.status !== 'unchanged').map((item) => item.incoming.event.uid)));
      setConsent(false);
      setStep({ name: 'preview', file: file.name, preview: preview.value });
    } catch (failure) {
      logUnexpected(failure);
      setStep({ name: 'idle' });
      setError(t().errors.unexpected);
    }
  }

  async function commit(preview: ImportPreview) {
    const chosen = preview.items.filter((item) => accepted().has(item.incoming.event.uid));
    const problems = chosen.some((item) => item.incoming.problems.length > 0) || preview.problems.length > 0;
    if (problems && !consent()) return void setError(words().consentNeeded);
    setError(null);
    setSaving(true);
    try {
      const landed = await props.view.agenda.commitIcs(preview, accepted());
      if (!landed.ok) {
        const failure = landed.error;
        return void setError(failure.type.startsWith('Ics') ? fileErrorText(t(), failure as IcsFileError, preferences.timeZone()) : describeError(t(), failure as Exclude<typeof failure, IcsFileError>));
      }
      await props.view.reload();
      void props.view.reminders.check();
      setStep({ name: 'done', ...landed.value });
    } catch (failure) {
      logUnexpected(failure);
      setError(t().errors.unexpected);
    } finally {
      setSaving(false);
    }
  }

  const toggle = (uid: string, on: boolean) =>
    setAccepted((current) => {
      const next = new Set(current);
      if (on) next.add(uid);
      else next.delete(uid);
      return next;
    });

  return (
    <section class="card agenda-import" aria-labelledby="agenda-import-title">
      <h2 id="agenda-import-title">{words().title}</h2>
      <p class="hint">{words().hint}</p>
      <Show when={step().name === 'idle' || step().name === 'done'}>
        <FileButton label={words().choose} accept=".ics,text/calendar" testId="ics-picker" onFile={(file) => void choose(file)} />
      </Show>
      <MaybeAlert tone="error" message={error()} />
      <Switch>
        <Match when={step().name === 'reading'}>
          <p role="status">{words().reading}</p>
        </Match>
        <Match when={step().name === 'done' && (step() as Extract<Step, { name: 'done' }>)}>
          {(done) => <Alert tone="success">{words().done(done().added, done().updated)}</Alert>}
        </Match>
        <Match when={step().name === 'preview' && (step() as Extract<Step, { name: 'preview' }>)}>
          {(current) => {
            const preview = () => current().preview;
            const count = (status: string) => preview().items.filter((item) => item.status === status).length;
            const chosen = () => preview().items.filter((item) => accepted().has(item.incoming.event.uid)).length;
            const anyProblem = () => preview().problems.length > 0 || preview().items.some((item) => item.incoming.problems.length > 0) || preview().dropped.length > 0;
            return (
              <div class="ics-preview">
                <h3>{words().previewTitle(current().file)}</h3>
                <p>{words().summary(count('new'), count('updated'), count('unchanged'))}</p>
                <Show when={count('new') + count('updated') === 0}>
                  <p>{words().nothingNew}</p>
                </Show>
                <ul class="plain ics-items">
                  <For each={preview().items}>
                    {(item) => {
                      return (
                        <li classList={{ 'ics-item': true, 'has-problems': item.incoming.problems.length > 0 }}>
                          <label class="check">
                            <input
                              type="checkbox"
                              checked={accepted().has(item.incoming.event.uid)}
                              disabled={item.status === 'unchanged'}
                              onChange={(event) => toggle(item.incoming.event.uid, event.currentTarget.checked)}
                            />
                            <span>
                              <strong>{item.next.title}</strong>
                              <span class="muted">
                                {[firstLabel(t(), item.next, preferences.timeZone()), item.next.place].filter((part) => part !== '').join(' · ')}
                              </span>
                              <span class={`ics-status ics-${item.status}`}>{words().status[item.status]}</span>
                            </span>
                          </label>
                          <Show when={item.incoming.problems.length > 0}>
                            <ul class="ics-problems">
                              <For each={item.incoming.problems}>{(problem) => <li>{problemText(t(), problem, preferences.timeZone())}</li>}</For>
                            </ul>
                          </Show>
                        </li>
                      );
                    }}
                  </For>
                </ul>
                <Show when={preview().dropped.length > 0}>
                  <h4>{words().dropped}</h4>
                  <ul class="ics-problems">
                    <For each={preview().dropped}>
                      {(item) => (
                        <li>
                          <strong>{item.title ?? item.uid ?? `#${item.line}`}</strong> : {item.problems.map((problem) => problemText(t(), problem, preferences.timeZone())).join(' ')}
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
                <Show when={preview().problems.length > 0}>
                  <h4>{words().fileProblems}</h4>
                  <ul class="ics-problems">
                    <For each={preview().problems}>{(problem) => <li>{problemText(t(), problem, preferences.timeZone())}</li>}</For>
                  </ul>
                </Show>
                <Show when={preview().ignored + preview().items.reduce((sum, item) => sum + item.incoming.ignored, 0) > 0}>
                  <p class="hint">{words().ignored(preview().ignored + preview().items.reduce((sum, item) => sum + item.incoming.ignored, 0))}</p>
                </Show>
                <Show when={anyProblem()}>
                  <label class="check consent">
                    <input type="checkbox" checked={consent()} onChange={(event) => setConsent(event.currentTarget.checked)} />
                    {words().consent}
                  </label>
                </Show>
                <div class="actions">
                  <button type="button" disabled={saving() || chosen() === 0} onClick={() => void commit(preview())}>
                    {words().accept(chosen())}
                  </button>
                  <button type="button" class="secondary" disabled={saving()} onClick={() => setStep({ name: 'idle' })}>
                    {words().cancel}
                  </button>
                </div>
              </div>
            );
          }}
        </Match>
      </Switch>
      <Show when={step().name === 'done'}>
        <p>
          <button type="button" class="secondary" onClick={() => router.navigate({ name: 'agenda', rest: [] })}>
            {t().agenda.upcomingTitle}
          </button>
        </p>
      </Show>
    </section>
  );
}
