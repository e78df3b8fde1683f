/**
 * Creating, editing and deleting an event: title, date and time (or all day) in a time zone (the
 * patient's by default), length, practitioner, place, notes, linked documents, reminders (with
 * the plain statement that there is no push server) and repetition (presets, or an RRULE).
 */
import { createMemo, createSignal, For, Index, Show } from 'solid-js';
import { newAgendaEvent } from '../../app/agenda.ts';
import type { VaultSession } from '../../app/session.ts';
import { dateText, instantToWall, parseDateText, parseTimeText, wallToInstant } from '../../core/agenda/calendar.ts';
import { canonicalRrule, MAX_DURATION_MINUTES, MAX_REMINDERS, type AgendaEvent } from '../../core/agenda/event.ts';
import { MAX_COUNT, parseRrule } from '../../core/agenda/rrule.ts';
import type { RecordId } from '../../core/records/record.ts';
import { MaybeAlert } from '../components/Alert.tsx';
import { DocumentPicker } from '../components/DocumentPicker.tsx';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
import { logUnexpected } from '../task.ts';
import { today } from './format.ts';
import type { AgendaView } from './view.ts';

const LEADS = [0, 5, 10, 15, 30, 60, 120, 180, 1440, 2880, 10_080];
const PRESETS = {
  none: null,
  daily: 'FREQ=DAILY',
  weekly: 'FREQ=WEEKLY',
  every4weeks: 'FREQ=WEEKLY;INTERVAL=4',
  monthly: 'FREQ=MONTHLY',
  yearly: 'FREQ=YEARLY',
  custom: null,
} as const;
type Preset = keyof typeof PRESETS;
type End = 'never' | 'count' | 'until';

interface Repetition {
  preset: Preset;
  end: End;
  count: string;
  until: string;
  custom: string;
}

/** The form's repetition fields for a stored rule: a preset when it is one, the rule text otherwise. */
function repetitionOf(event: AgendaEvent | undefined): Repetition {
  const blank: Repetition = { preset: 'none', end: 'never', count: '10', until: '', custom: '' };
  if (event === undefined || event.rrule === null) return blank;
  const parsed = parseRrule(event.rrule);
  if (!parsed.ok) return { ...blank, preset: 'custom', custom: event.rrule };
  const rule = parsed.value;
  const plain = rule.byDay.length + rule.byMonthDay.length + rule.byMonth.length + rule.bySetPos.length === 0 && rule.wkst === 0;
  const base = `FREQ=${rule.freq}${rule.interval === 1 ? '' : `;INTERVAL=${rule.interval}`}`;
  const preset = (Object.keys(PRESETS) as Preset[]).find((key) => PRESETS[key] === base);
  if (!plain || preset === undefined) return { ...blank, preset: 'custom', custom: event.rrule };
  if (rule.count !== null) return { ...blank, preset, end: 'count', count: String(rule.count) };
  if (rule.until !== null) {
    const day = rule.until.kind === 'utc' ? instantToWall(rule.until.instant, event.zone).day : rule.until.day;
    return { ...blank, preset, end: 'until', until: dateText(day) };
  }
  return { ...blank, preset };
}

export function EventForm(props: { session: VaultSession; view: AgendaView; id: string | null; day: number | null }) {
  const { t, preferences, router } = useApp();
  const words = () => t().agenda.form;
  const existing = () => (props.id === null ? undefined : props.view.entries().find((entry) => entry.id === props.id));
  const initial = existing()?.data;
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const [allDay, setAllDay] = createSignal(initial?.time === null);
  const [zone, setZone] = createSignal(initial?.zone ?? preferences.timeZone());
  const [reminders, setReminders] = createSignal<number[]>([...(initial?.reminders ?? [])]);
  const [documents, setDocuments] = createSignal<Set<string>>(new Set(initial?.documents ?? []));
  const [repetition, setRepetition] = createSignal<Repetition>(repetitionOf(initial));
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  const zoneChoices = createMemo(() => (zones.includes(zone()) ? zones : [zone(), ...zones]));
  const patch = (change: Partial<Repetition>) => setRepetition((current) => ({ ...current, ...change }));

  const ruleText = (): string | null | undefined => {
    const current = repetition();
    if (current.preset === 'none') return null;
    if (current.preset === 'custom') return current.custom.trim();
    const base = PRESETS[current.preset] as string;
    if (current.end === 'count') {
      const count = Number(current.count);
      if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) return void setError(words().badCount);
      return `${base};COUNT=${count}`;
    }
    if (current.end === 'until') {
      const until = parseDateText(current.until);
      if (until === null) return void setError(words().badUntil);
      return `${base};UNTIL=${current.until.replaceAll('-', '')}`;
    }
    return base;
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(null);
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(form.get(name) ?? '').trim();
    const title = field('title');
    if (title === '') return void setError(words().titleRequired);
    const date = field('date');
    const day = parseDateText(date);
    if (day === null) return void setError(words().badDate);
    const time = allDay() ? null : field('time');
    if (time !== null && parseTimeText(time) === null) return void setError(words().badTime);
    const amount = Number(field('duration'));
    const durationMinutes = allDay() ? amount * 1440 : amount;
    if (!Number.isInteger(amount) || (allDay() ? amount < 1 : amount < 0) || durationMinutes > MAX_DURATION_MINUTES) return void setError(words().badDuration);
    const text = ruleText();
    if (text === undefined) return;
    let rrule: string | null = null;
    if (text !== null) {
      const canonical = canonicalRrule(text, { date, time, zone: zone() });
      if (!canonical.ok) return void setError(words().rruleError[canonical.error.reason](canonical.error.part));
      rrule = canonical.value;
      const until = parseRrule(rrule);
      const end = until.ok ? until.value.until : null;
      const startsAt = time === null ? null : wallToInstant(day, parseTimeText(time) ?? 0, zone());
      if (end !== null && ((end.kind === 'date' && end.day < day) || (end.kind === 'utc' && startsAt !== null && end.instant < startsAt))) return void setError(words().badUntil);
    }
    const fields = {
      title,
      date,
      time,
      zone: zone(),
      durationMinutes,
      practitioner: field('practitioner'),
      place: field('place'),
      note: String(form.get('note') ?? ''),
      documents: Array.from(documents()) as RecordId[],
      rrule,
      reminders: Array.from(new Set(reminders())).sort((a, b) => a - b),
    };
    const before = existing();
    // A rule changed on an edit keeps only the removed dates that still make sense to it.
    const data: AgendaEvent = before === undefined ? newAgendaEvent(props.session, fields) : { ...before.data, ...fields, exdates: rrule === null ? [] : before.data.exdates };
    setBusy(true);
    try {
      const saved = await props.view.agenda.put(data, before?.id);
      if (!saved.ok) return void setError(describeError(t(), saved.error));
      await props.view.reload();
      void props.view.reminders.check();
      router.navigate({ name: 'agenda', rest: ['event', saved.value] });
    } catch (failure) {
      logUnexpected(failure);
      setError(t().errors.unexpected);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    const before = existing();
    if (before === undefined) return;
    setBusy(true);
    const removed = await props.view.agenda.remove(before.id);
    setBusy(false);
    if (!removed.ok) return void setError(describeError(t(), removed.error));
    await props.view.reload();
    router.navigate({ name: 'agenda', rest: [] });
  };

  const defaultDate = () => initial?.date ?? dateText(props.day ?? today(preferences.timeZone()));
  return (
    <Show when={props.id === null || existing() !== undefined} fallback={<p>{t().agenda.detail.notFound}</p>}>
      <section class="card agenda-form" aria-labelledby="agenda-form-title">
        <h2 id="agenda-form-title">{props.id === null ? words().newTitle : words().editTitle}</h2>
        <form class="stack" onSubmit={(event) => void submit(event)} novalidate>
          <div class="field">
            <label for="agenda-title">{words().title}</label>
            <input id="agenda-title" name="title" value={initial?.title ?? ''} placeholder={words().titlePlaceholder} maxlength={300} required autocomplete="off" />
          </div>
          <div class="field-row">
            <div class="field">
              <label for="agenda-date">{words().date}</label>
              <input id="agenda-date" name="date" type="date" value={defaultDate()} required />
            </div>
            <Show when={!allDay()}>
              <div class="field">
                <label for="agenda-time">{words().time}</label>
                <input id="agenda-time" name="time" type="time" value={initial?.time ?? '09:00'} required />
              </div>
            </Show>
            <div class="field">
              <label for="agenda-duration">{allDay() ? words().durationDays : words().duration}</label>
              <Show when={allDay()} fallback={<input id="agenda-duration" name="duration" type="number" min="0" step="5" value={initial !== undefined && initial.time !== null ? initial.durationMinutes : 30} required />}>
                <input id="agenda-duration" name="duration" type="number" min="1" step="1" value={initial !== undefined && initial.time === null ? initial.durationMinutes / 1440 : 1} required />
              </Show>
            </div>
          </div>
          <label class="check">
            <input type="checkbox" checked={allDay()} onChange={(event) => setAllDay(event.currentTarget.checked)} />
            {words().allDay}
          </label>
          <div class="field">
            <label for="agenda-zone">{words().zone}</label>
            <select id="agenda-zone" value={zone()} onChange={(event) => setZone(event.currentTarget.value)} aria-describedby="agenda-zone-hint">
              <For each={zoneChoices()}>{(name) => <option value={name}>{name}</option>}</For>
            </select>
            <p class="hint" id="agenda-zone-hint">
              {words().zoneHint}
            </p>
          </div>
          <div class="field">
            <label for="agenda-practitioner">{words().practitioner}</label>
            <input id="agenda-practitioner" name="practitioner" value={initial?.practitioner ?? ''} maxlength={300} autocomplete="off" />
          </div>
          <div class="field">
            <label for="agenda-place">{words().place}</label>
            <input id="agenda-place" name="place" value={initial?.place ?? ''} maxlength={500} autocomplete="off" />
          </div>
          <div class="field">
            <label for="agenda-note">{words().note}</label>
            <textarea id="agenda-note" name="note" rows="3" maxlength={10_000} value={initial?.note ?? ''} />
          </div>

          <fieldset class="agenda-fieldset">
            <legend>{words().recurrence}</legend>
            <div class="field">
              <label for="agenda-preset" class="visually-hidden">
                {words().recurrence}
              </label>
              <select id="agenda-preset" value={repetition().preset} onChange={(event) => patch({ preset: event.currentTarget.value as Preset })}>
                <For each={Object.keys(PRESETS) as Preset[]}>{(key) => <option value={key}>{words().presets[key]}</option>}</For>
              </select>
            </div>
            <Show when={repetition().preset === 'custom'}>
              <div class="field">
                <label for="agenda-rrule">{words().rrule}</label>
                <input id="agenda-rrule" value={repetition().custom} onInput={(event) => patch({ custom: event.currentTarget.value })} aria-describedby="agenda-rrule-hint" autocomplete="off" spellcheck={false} />
                <p class="hint" id="agenda-rrule-hint">
                  {words().rruleHint}
                </p>
              </div>
            </Show>
            <Show when={repetition().preset !== 'none' && repetition().preset !== 'custom'}>
              <div class="field">
                <label for="agenda-end">{words().end}</label>
                <select id="agenda-end" value={repetition().end} onChange={(event) => patch({ end: event.currentTarget.value as End })}>
                  <option value="never">{words().endNever}</option>
                  <option value="count">{words().endCount}</option>
                  <option value="until">{words().endUntil}</option>
                </select>
              </div>
              <Show when={repetition().end === 'count'}>
                <div class="field">
                  <label for="agenda-count">{words().count}</label>
                  <input id="agenda-count" type="number" min="1" max={MAX_COUNT} value={repetition().count} onInput={(event) => patch({ count: event.currentTarget.value })} />
                </div>
              </Show>
              <Show when={repetition().end === 'until'}>
                <div class="field">
                  <label for="agenda-until">{words().until}</label>
                  <input id="agenda-until" type="date" value={repetition().until} onInput={(event) => patch({ until: event.currentTarget.value })} />
                </div>
              </Show>
            </Show>
          </fieldset>

          <fieldset class="agenda-fieldset">
            <legend>{words().reminders}</legend>
            <p class="hint" id="agenda-reminder-hint">
              {words().reminderHint}
            </p>
            <Index each={reminders()}>
              {(lead, index) => (
                <div class="reminder-row">
                  <label for={`agenda-reminder-${index}`} class="visually-hidden">
                    {words().reminderLabel(index + 1)}
                  </label>
                  <select
                    id={`agenda-reminder-${index}`}
                    value={lead()}
                    aria-describedby="agenda-reminder-hint"
                    onChange={(event) => setReminders((list) => list.map((item, at) => (at === index ? Number(event.currentTarget.value) : item)))}
                  >
                    <For each={LEADS.includes(lead()) ? LEADS : [lead(), ...LEADS]}>{(choice) => <option value={choice}>{t().agenda.lead(choice)}</option>}</For>
                  </select>
                  <button type="button" class="secondary" aria-label={words().removeReminder(t().agenda.lead(lead()))} onClick={() => setReminders((list) => list.filter((_, at) => at !== index))}>
                    ✕
                  </button>
                </div>
              )}
            </Index>
            <Show when={reminders().length < MAX_REMINDERS} fallback={<p class="hint">{words().maxReminders}</p>}>
              <p>
                <button type="button" class="secondary" onClick={() => setReminders((list) => [...list, LEADS.find((lead) => lead >= 60 && !list.includes(lead)) ?? 0])}>
                  {words().addReminder}
                </button>
              </p>
            </Show>
          </fieldset>

          <DocumentPicker
            session={props.session}
            id="event-documents"
            legend={words().documents}
            hint={words().documentsHint}
            linked={Array.from(documents())}
            onChange={(linked: string[]) => setDocuments(new Set(linked))}
          />

          <MaybeAlert tone="error" message={error()} />
          <div class="actions">
            <button type="submit" disabled={busy()}>
              {words().save}
            </button>
            <a href={props.id === null ? '#/agenda' : `#/agenda/event/${props.id}`}>{words().cancel}</a>
          </div>
        </form>
        <Show when={existing() !== undefined}>
          <div class="actions agenda-delete">
            <Show
              when={confirming()}
              fallback={
                <button type="button" class="secondary" onClick={() => setConfirming(true)}>
                  {words().delete}
                </button>
              }
            >
              <p role="alert">{words().confirmDelete}</p>
              <button type="button" class="danger" disabled={busy()} onClick={() => void remove()}>
                {words().confirmYes}
              </button>
              <button type="button" class="secondary" onClick={() => setConfirming(false)}>
                {words().cancel}
              </button>
            </Show>
          </div>
        </Show>
      </section>
    </Show>
  );
}
