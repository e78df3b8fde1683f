/**
 * One form for every profile section, drawn from its field definitions. What was typed goes
 * through the core parser and the calendar checks; every problem is said next to its field, in
 * the patient's language, and summarised at the top. Entries link to the documents that support
 * them, picked from the vault by title.
 */
import { createSignal, For, Match, Show, Switch } from 'solid-js';
import type { ProfileError } from '../../app/health-profile.ts';
import type { VaultSession } from '../../app/session.ts';
import { parseProfileEntry, type ProfileEntry } from '../../core/profile/entry.ts';
import { VACCINE_TARGETS } from '../../core/profile/vaccines.ts';
import type { Issue } from '../../core/validate.ts';
import { Alert } from '../components/Alert.tsx';
import { DocumentPicker } from '../components/DocumentPicker.tsx';
import { useApp } from '../context.tsx';
import { describeError } from '../errors.ts';
import { entryJson, SECTION_FIELDS, type EditableSection, type FieldDef } from './fields.ts';

/** A parser problem said in the patient's words. */
function problemWords(words: ReturnType<typeof useApp>['t'] extends () => infer D ? D : never, problem: string): string {
  const p = words.profile.problems;
  if (problem === 'must not be empty') return p.required;
  if (problem === 'not a date' || problem === 'not a calendar date' || problem.startsWith('shorter than')) return p.date;
  if (problem === 'before the start') return p.endBeforeStart;
  if (problem.startsWith('outside') || problem === 'expected a positive number' || problem === 'expected a whole number') return p.number;
  if (problem.startsWith('longer than')) return p.tooLong;
  if (problem === 'not in the expected form') return p.form;
  if (problem === 'only for organ donation') return p.stanceOnlyDonation;
  return p.invalid;
}

export function EntryForm(props: {
  session: VaultSession;
  section: EditableSection;
  initial: Record<string, unknown>;
  documents: readonly string[];
  /** Fields of the stored entry the form does not show (codes from an import), kept on save. */
  keep?: Record<string, unknown>;
  save: (entry: ProfileEntry) => Promise<{ ok: true } | { ok: false; error: ProfileError }>;
  onDone: () => void;
  onCancel: () => void;
  /** Deletes the entry; a typed error when it could not. */
  remove?: () => Promise<{ ok: true } | { ok: false; error: ProfileError }>;
}) {
  const { t } = useApp();
  const words = () => t().profile;
  const [values, setValues] = createSignal<Record<string, unknown>>({ ...props.initial });
  const [linked, setLinked] = createSignal<string[]>([...props.documents]);
  const [issues, setIssues] = createSignal<Record<string, string>>({});
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const set = (key: string, value: unknown) => setValues((current) => ({ ...current, [key]: value }));
  const id = (key: string) => `entry-${key}`;
  const fields = () => SECTION_FIELDS[props.section].filter((field) => visible(field));
  const visible = (field: FieldDef) => {
    const current = values();
    if (props.section === 'measurement' && (field.key === 'label' || field.key === 'unit')) return current['type'] === 'other';
    if (props.section === 'wish' && field.key === 'stance') return current['type'] === 'organ-donation';
    return true;
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(null);
    const json = entryJson(props.section, values(), linked(), props.keep);
    const parsed = parseProfileEntry(json);
    if (!parsed.ok) {
      const byField: Record<string, string> = {};
      for (const issue of parsed.error.issues as readonly Issue[]) {
        const key = issue.path.replace(/^data\./, '').replace(/\[.*$/, '');
        byField[key] ??= problemWords(t(), issue.problem);
      }
      setIssues(byField);
      setError(words().fixFields);
      queueMicrotask(() => document.getElementById('entry-errors')?.focus());
      return;
    }
    setIssues({});
    setBusy(true);
    const saved = await props.save(parsed.value);
    setBusy(false);
    if (saved.ok) return props.onDone();
    if (saved.error.type === 'EntryImpossible') {
      const byField: Record<string, string> = {};
      for (const problem of saved.error.problems) byField[problem.field] = problem.type === 'InFuture' ? words().problems.inFuture : words().problems.beforeBirth;
      setIssues(byField);
      setError(words().fixFields);
      queueMicrotask(() => document.getElementById('entry-errors')?.focus());
      return;
    }
    setError(describeError(t(), saved.error));
  };

  const label = (field: FieldDef) => (words().field as Record<string, string>)[field.key] ?? field.key;
  const describedBy = (field: FieldDef) => [issues()[field.key] === undefined ? '' : `${id(field.key)}-error`, hint(field) === null ? '' : `${id(field.key)}-hint`].filter(Boolean).join(' ') || undefined;
  const hint = (field: FieldDef): string | null => (field.kind === 'partial' ? words().partialHint : field.key === 'trusted' ? words().trustedHint : field.key === 'emergency' ? words().emergencyHint : null);
  const optionWords = (field: FieldDef, value: string) => ((words().option as Record<string, Record<string, string>>)[field.key]?.[value]) ?? value;
  const valueOf = (key: string) => String(values()[key] ?? '');

  return (
    <form class="card entry-form" onSubmit={(event) => void submit(event)} novalidate>
      <Show when={error()}>
        {(message) => (
          <div id="entry-errors" tabindex="-1" class="entry-errors">
            <Alert tone="error">{message()}</Alert>
            <ul>
              <For each={Object.entries(issues())}>
                {([key, problem]) => (
                  <li>
                    <a href={`#${id(key)}`} onClick={(event) => { event.preventDefault(); document.getElementById(id(key))?.focus(); }}>
                      {(words().field as Record<string, string>)[key] ?? key}: {problem}
                    </a>
                  </li>
                )}
              </For>
            </ul>
          </div>
        )}
      </Show>
      <For each={fields()}>
        {(field) => (
          <div class={field.kind === 'check' ? 'field check' : 'field'}>
            <Switch>
              <Match when={field.kind === 'check'}>
                <input id={id(field.key)} type="checkbox" checked={values()[field.key] === true} onChange={(event) => set(field.key, event.currentTarget.checked)} aria-describedby={describedBy(field)} />
                <label for={id(field.key)}>{label(field)}</label>
              </Match>
              <Match when={field.kind === 'targets'}>
                <fieldset class="targets" aria-describedby={describedBy(field)}>
                  <legend>{label(field)}</legend>
                  <div class="target-grid">
                    <For each={VACCINE_TARGETS}>
                      {(target) => {
                        const chosen = () => (values()['targets'] as string[] | undefined)?.includes(target) === true;
                        return (
                          <label class="target">
                            <input
                              type="checkbox"
                              checked={chosen()}
                              onChange={(event) => {
                                const current = (values()['targets'] as string[] | undefined) ?? [];
                                set('targets', event.currentTarget.checked ? [...current, target] : current.filter((item) => item !== target));
                              }}
                            />
                            {t().profile.target[target]}
                          </label>
                        );
                      }}
                    </For>
                  </div>
                </fieldset>
              </Match>
              <Match when={true}>
                <label for={id(field.key)}>
                  {label(field)}
                  <Show when={field.required === true}> <span class="required">{words().required}</span></Show>
                </label>
                <Switch>
                  <Match when={field.kind === 'select'}>
                    <select id={id(field.key)} value={valueOf(field.key)} onChange={(event) => set(field.key, event.currentTarget.value)} aria-describedby={describedBy(field)} aria-invalid={issues()[field.key] !== undefined}>
                      <Show when={field.required !== true}>
                        <option value="">{words().notSaid}</option>
                      </Show>
                      <For each={field.options ?? []}>{(option) => <option value={option}>{optionWords(field, option)}</option>}</For>
                    </select>
                  </Match>
                  <Match when={field.kind === 'textarea'}>
                    <textarea id={id(field.key)} rows="3" maxlength={field.max} value={valueOf(field.key)} onInput={(event) => set(field.key, event.currentTarget.value)} aria-describedby={describedBy(field)} aria-invalid={issues()[field.key] !== undefined} />
                  </Match>
                  <Match when={true}>
                    <input
                      id={id(field.key)}
                      type={field.kind === 'day' ? 'date' : field.kind === 'phone' ? 'tel' : field.kind === 'email' ? 'email' : 'text'}
                      inputmode={field.kind === 'integer' ? 'numeric' : field.kind === 'decimal' ? 'decimal' : undefined}
                      maxlength={field.max}
                      placeholder={field.kind === 'partial' ? words().partialPlaceholder : undefined}
                      autocomplete={field.key === 'givenName' ? 'given-name' : field.key === 'familyName' ? 'family-name' : 'off'}
                      value={valueOf(field.key)}
                      onInput={(event) => set(field.key, event.currentTarget.value)}
                      aria-describedby={describedBy(field)}
                      aria-invalid={issues()[field.key] !== undefined}
                    />
                  </Match>
                </Switch>
              </Match>
            </Switch>
            <Show when={hint(field)}>{(hintText) => <p class="hint" id={`${id(field.key)}-hint`}>{hintText()}</p>}</Show>
            <Show when={issues()[field.key]}>{(problem) => <p class="field-error" id={`${id(field.key)}-error`}>{problem()}</p>}</Show>
          </div>
        )}
      </For>
      <Show when={props.section !== 'identity'}>
        <DocumentPicker session={props.session} id="entry-documents" legend={words().linkedDocuments} linked={linked()} onChange={setLinked} />
      </Show>
      <div class="actions">
        <button type="submit" disabled={busy()}>{words().save}</button>
        <button type="button" class="secondary" onClick={() => props.onCancel()}>{words().cancel}</button>
        <Show when={props.remove}>
          {(remove) => (
            <button
              type="button"
              class="secondary danger"
              disabled={busy()}
              onClick={async () => {
                if (!window.confirm(words().confirmDelete)) return;
                setBusy(true);
                const removed = await remove()();
                setBusy(false);
                if (!removed.ok) setError(describeError(t(), removed.error));
              }}
            >
              {words().delete}
            </button>
          )}
        </Show>
      </div>
    </form>
  );
}
