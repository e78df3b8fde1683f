/**
 * Prevention reminders: vaccines, cancer screening, child examinations and check-ups that are
 * overdue, due or coming, each with why it is listed and the official source it rests on. From a
 * reminder the patient records it as done (a vaccination in the profile, or the act), schedules
 * it (an appointment in the agenda), or dismisses it; all computed here, on the device.
 */
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { localDay, type ProfileSnapshot } from '../../app/health-profile.ts';
import type { VaultSession } from '../../app/session.ts';
import { evaluatePrevention, type PreventionItem, type PreventionStatus } from '../../core/prevention/engine.ts';
import { RULES_VERSION, type Age } from '../../core/prevention/rules.ts';
import type { ProfileEntry } from '../../core/profile/entry.ts';
import type { RecordId } from '../../core/records/record.ts';
import { agendaOf } from '../agenda/view.ts';
import { Alert, MaybeAlert } from '../components/Alert.tsx';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
import type { Dictionary } from '../i18n/i18n.ts';
import { profileOf } from '../profile/view.ts';
import '../profile/profile.css';
import { Heading } from './Heading.tsx';

const ORDER: readonly PreventionStatus[] = ['overdue', 'due', 'needs-review', 'upcoming'];

/** What the engine reads from the profile: birth, sex, vaccinations, acts done, dismissals. */
function inputOf(snapshot: ProfileSnapshot, today: string) {
  const identity = snapshot.identity?.data;
  if (identity === undefined || identity.birthDate === null) return null;
  const entries = snapshot.entries.map((record) => record.data);
  const vaccinations = entries.flatMap((entry) => (entry.section === 'vaccination' ? [{ targets: entry.targets, date: entry.date }] : []));
  const acts = entries.flatMap((entry) => (entry.section === 'prevention' && entry.action === 'done' && entry.act !== null ? [{ act: entry.act, date: entry.date }] : []));
  const dismissed = entries.flatMap((entry) => (entry.section === 'prevention' && entry.action === 'dismissed' ? [entry.item] : []));
  return { today, birthDate: identity.birthDate, sex: identity.sex, vaccinations, acts, dismissed };
}

export function ageWords(t: Dictionary, age: Age): string {
  const words = t.prevention.age;
  const parts = [age.years ? words.years(age.years) : '', age.months ? words.months(age.months) : '', age.days ? words.days(age.days) : ''].filter((part) => part !== '');
  return parts.length === 0 ? words.birth : parts.join(' ');
}

function reasoningWords(t: Dictionary, item: PreventionItem, date: (day: string) => string): string {
  const words = t.prevention.reasoning;
  const r = item.reasoning;
  switch (r.type) {
    case 'age':
      return r.before === null ? words.from(ageWords(t, r.from)) : words.between(ageWords(t, r.from), ageWords(t, r.before));
    case 'series':
      return words.series(r.dose, r.of, r.recorded, ageWords(t, r.from), ageWords(t, r.before));
    case 'after-previous':
      return words.afterPrevious(date(r.previous), ageWords(t, r.interval));
    case 'booster':
      return words.booster(r.fixedAge, r.previous === null ? null : date(r.previous), r.movedFrom);
    case 'booster-move-unconfirmed':
      return words.boosterUnconfirmed(date(r.previous), r.fixedAge, r.movedTo, date(r.movedToDate));
    case 'campaign':
      return words.campaign(r.season, date(r.start), date(r.end));
    case 'campaign-unknown':
      return words.campaignUnknown(r.lastKnownSeason, r.lastKnownEnd === null ? null : date(r.lastKnownEnd));
  }
}

function ItemCard(props: { session: VaultSession; item: PreventionItem; snapshot: ProfileSnapshot; onChanged: (message: string) => void }) {
  const { t, preferences, router } = useApp();
  const words = () => t().prevention;
  const view = profileOf(props.session);
  const lang = () => (t().lang === 'fr' ? 'fr' : 'en') as 'fr' | 'en';
  const date = (day: string) => new Intl.DateTimeFormat(t().lang, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
  const [mode, setMode] = createSignal<'none' | 'done' | 'schedule'>('none');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const id = () => `item-${props.item.key.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  const today = () => localDay(Date.now(), preferences.timeZone());
  const title = () => `${props.item.title[lang()]}${props.item.detail === null ? '' : ` (${props.item.detail[lang()]})`}`;

  const save = async (entry: ProfileEntry) => {
    if (busy()) return;
    setBusy(true);
    setError(null);
    const saved = await view.store.save(entry);
    setBusy(false);
    if (!saved.ok) return void setError(describeError(t(), saved.error));
    view.changed();
    props.onChanged(words().recorded(title()));
  };

  const markDone = (event: SubmitEvent) => {
    event.preventDefault();
    const day = String(new FormData(event.currentTarget as HTMLFormElement).get('date') ?? '');
    const done = props.item.marksDone;
    void save(
      done.kind === 'vaccination'
        ? { section: 'vaccination', vaccine: props.item.title[lang()], targets: done.targets, date: day, doseNumber: null, batch: '', performer: '', code: null, note: '', documents: [] }
        : { section: 'prevention', item: props.item.key, action: 'done', act: done.act, date: day, note: '', documents: [] },
    );
  };

  const dismiss = () => void save({ section: 'prevention', item: props.item.key, action: 'dismissed', act: null, date: today(), note: '', documents: [] });

  const restore = async () => {
    // Every dismissal of this reminder (two devices may each have written one).
    const dismissals = props.snapshot.entries.filter((record) => record.data.section === 'prevention' && record.data.action === 'dismissed' && record.data.item === props.item.key);
    setBusy(true);
    for (const dismissal of dismissals) {
      const removed = await view.store.remove(dismissal.id as RecordId);
      if (!removed.ok) {
        setBusy(false);
        return void setError(describeError(t(), removed.error));
      }
    }
    setBusy(false);
    view.changed();
    props.onChanged(words().restored(title()));
  };

  const schedule = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const day = String(form.get('date') ?? '');
    const time = String(form.get('time') ?? '');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return void setError(words().badDate);
    setBusy(true);
    const agenda = agendaOf(props.session);
    const created = await agenda.agenda.create({
      title: title(),
      date: day,
      time: /^\d{2}:\d{2}$/.test(time) ? time : null,
      zone: preferences.timeZone(),
      prevention: props.item.key,
      note: props.item.why[lang()],
      reminders: [1440],
    });
    setBusy(false);
    if (!created.ok) return void setError(describeError(t(), created.error));
    await agenda.reload();
    void agenda.reminders.check();
    router.navigate({ name: 'agenda', rest: ['event', created.value] });
  };

  return (
    <li class="card prevention-item" data-status={props.item.status} aria-labelledby={`${id()}-title`}>
      <h3 id={`${id()}-title`}>
        {title()} <span class={`badge status-${props.item.status}`}>{words().status[props.item.status]}</span>
        <Show when={props.item.mandatory}> <span class="badge">{words().mandatory}</span></Show>
      </h3>
      <p class="when">
        {props.item.status === 'overdue' && props.item.dates.due !== null
          ? words().overdueSince(date(props.item.dates.due))
          : props.item.status === 'upcoming'
            ? words().from(date(props.item.dates.start))
            : words().since(date(props.item.dates.start))}
        <Show when={props.item.dates.until}>{(until) => <> · {words().until(date(until()))}</>}</Show>
        <Show when={props.item.basis === 'no-record'}> · {words().noRecord}</Show>
      </p>
      <p>{props.item.why[lang()]}</p>
      <p class="muted">{reasoningWords(t(), props.item, date)}</p>
      <Show when={props.item.waitsFor.length > 0}>
        <p class="hint">{words().waitsFor(props.item.waitsFor.length)}</p>
      </Show>
      <Show when={props.item.review}>
        {(review) => (
          <p class="hint warning">
            {review().type === 'partial-date' ? words().review.partialDate : review().type === 'sex' ? words().review.sex : words().review.unconfirmed}
          </p>
        )}
      </Show>
      <Show when={props.item.assumes.length > 0}>
        <p class="hint">{words().assumes(props.item.assumes.map((assumption) => words().assumption[assumption]).join(', '))}</p>
      </Show>
      <details class="sources">
        <summary>{words().sources(props.item.citations.length)}</summary>
        <ul>
          <For each={props.item.citations}>
            {(source) => (
              <li>
                <a href={source.url} rel="noreferrer noopener" target="_blank">{source.title}</a>, {source.publisher}
                <Show when={source.date}>{(day) => <>, {day()}</>}</Show> ({words().tier[source.tier]})
              </li>
            )}
          </For>
        </ul>
      </details>
      <Show
        when={!props.item.dismissed}
        fallback={
          <p class="actions">
            <button type="button" class="secondary" onClick={() => void restore()} disabled={busy()}>{words().restore}</button>
          </p>
        }
      >
        <p class="actions">
          <button type="button" class="secondary" aria-expanded={mode() === 'done'} onClick={() => setMode(mode() === 'done' ? 'none' : 'done')}>{words().markDone}</button>
          <button type="button" class="secondary" aria-expanded={mode() === 'schedule'} onClick={() => setMode(mode() === 'schedule' ? 'none' : 'schedule')}>{words().schedule}</button>
          <button type="button" class="secondary" onClick={dismiss} disabled={busy()}>{words().dismiss}</button>
        </p>
        <Show when={mode() === 'done'}>
          <form class="inline-form" onSubmit={markDone}>
            <div class="field">
              <label for={`${id()}-done`}>{props.item.marksDone.kind === 'vaccination' ? words().doneVaccinationOn : words().doneOn}</label>
              <input id={`${id()}-done`} name="date" type="date" required max={today()} value={today()} />
            </div>
            <button type="submit" disabled={busy()}>{words().record}</button>
          </form>
        </Show>
        <Show when={mode() === 'schedule'}>
          <form class="inline-form" onSubmit={(event) => void schedule(event)}>
            <div class="field">
              <label for={`${id()}-day`}>{words().appointmentDay}</label>
              <input id={`${id()}-day`} name="date" type="date" required min={today()} value={today()} />
            </div>
            <div class="field">
              <label for={`${id()}-time`}>{words().appointmentTime}</label>
              <input id={`${id()}-time`} name="time" type="time" value="09:00" />
            </div>
            <button type="submit" disabled={busy()}>{words().createAppointment}</button>
          </form>
        </Show>
      </Show>
      <MaybeAlert tone="error" message={error()} />
    </li>
  );
}

export default function Prevention(props: { session: VaultSession; rest: readonly string[] }) {
  const { t, preferences } = useApp();
  const words = () => t().prevention;
  const view = profileOf(props.session);
  const [snapshot] = createResource(view.version, () => view.store.load());
  const [message, setMessage] = createSignal<string | null>(null);
  const evaluated = createMemo(() => {
    const loaded = snapshot();
    if (loaded === undefined) return undefined;
    const input = inputOf(loaded, localDay(Date.now(), preferences.timeZone()));
    if (input === null) return null;
    const result = evaluatePrevention(input);
    return result.ok ? { items: result.value, snapshot: loaded } : { invalid: true as const };
  });
  return (
    <section aria-labelledby="page-title" class="prevention">
      <Heading>{words().title}</Heading>
      <p class="lead">{words().intro}</p>
      <p class="hint">{words().rulesVersion(RULES_VERSION)}</p>
      <MaybeAlert tone="success" message={message()} />
      <Show when={evaluated() !== undefined} fallback={<p>{t().app.loading}</p>}>
        <Show when={evaluated()} fallback={<Alert tone="info">{words().needsBirthDate} <a href="#/profile/identity/new">{words().fillIdentity}</a></Alert>}>
          {(result) => (
            <Show when={'items' in result() && result()} fallback={<Alert tone="error">{words().invalidProfile}</Alert>} keyed>
              {(loaded) => {
                const items = (loaded as { items: PreventionItem[] }).items;
                const current = items.filter((item) => !item.dismissed);
                return (
                  <>
                    <Show when={current.length === 0}>
                      <p>{words().nothing}</p>
                    </Show>
                    <For each={ORDER}>
                      {(status) => (
                        <Show when={current.some((item) => item.status === status)}>
                          <section aria-labelledby={`group-${status}`}>
                            <h2 id={`group-${status}`}>{words().group[status]}</h2>
                            <ul class="prevention-list">
                              <For each={current.filter((item) => item.status === status)}>
                                {(item) => <ItemCard session={props.session} item={item} snapshot={(loaded as { snapshot: ProfileSnapshot }).snapshot} onChanged={setMessage} />}
                              </For>
                            </ul>
                          </section>
                        </Show>
                      )}
                    </For>
                    <Show when={items.some((item) => item.dismissed)}>
                      <details class="dismissed">
                        <summary>{words().dismissedList(items.filter((item) => item.dismissed).length)}</summary>
                        <ul class="prevention-list">
                          <For each={items.filter((item) => item.dismissed)}>
                            {(item) => <ItemCard session={props.session} item={item} snapshot={(loaded as { snapshot: ProfileSnapshot }).snapshot} onChanged={setMessage} />}
                          </For>
                        </ul>
                      </details>
                    </Show>
                  </>
                );
              }}
            </Show>
          )}
        </Show>
      </Show>
      <p class="hint">{words().disclaimer}</p>
    </section>
  );
}
