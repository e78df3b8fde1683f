/**
 * The health profile: identity, allergies, treatments, history, vaccinations, measurements,
 * family history, wishes, people to contact and the professionals who follow the patient. Each
 * section lists its entries with their dates; an entry opens in the shared form. Sub-paths:
 * `#/profile`, `#/profile/<section>/new`, `#/profile/<section>/<id>`, `#/profile/import`.
 */
import { createResource, For, Match, onMount, Show, Switch } from 'solid-js';
import type { ProfileSnapshot } from '../../app/health-profile.ts';
import type { VaultSession } from '../../app/session.ts';
import type { ProfileEntry } from '../../core/profile/entry.ts';
import { entrySummary } from '../profile/summary.ts';
import type { RecordId } from '../../core/records/record.ts';
import { Alert } from '../components/Alert.tsx';
import { useApp } from '../context.tsx';
import { EntryForm } from '../profile/EntryForm.tsx';
import { blankValues, EDITABLE_SECTIONS, isEditableSection, valuesOf, type EditableSection } from '../profile/fields.ts';
import { ProfileImport } from '../profile/ProfileImport.tsx';
import { profileOf } from '../profile/view.ts';
import '../profile/profile.css';
import { Heading } from './Heading.tsx';

/** The heading to focus when the overview comes back (the section the patient just edited). */
let focusOnReturn: string | null = null;

function Overview(props: { snapshot: ProfileSnapshot }) {
  const { t } = useApp();
  onMount(() => {
    if (focusOnReturn !== null) document.getElementById(focusOnReturn)?.focus();
    focusOnReturn = null;
  });
  const words = () => t().profile;
  const of = (section: EditableSection) => props.snapshot.entries.filter((record) => record.data.section === section);
  return (
    <>
      <p class="actions no-print">
        <a class="button" href="#/emergency">{words().emergencyCard}</a>
        <a class="button secondary" href="#/profile/import">{words().importExport}</a>
      </p>
      <Show when={props.snapshot.damaged > 0}>
        <Alert tone="error">{words().damaged(props.snapshot.damaged)}</Alert>
      </Show>
      <div class="profile-sections">
        <For each={EDITABLE_SECTIONS}>
          {(section) => {
            const entries = () => (section === 'identity' ? (props.snapshot.identity === null ? [] : [props.snapshot.identity]) : of(section));
            return (
              <section class="card profile-section" aria-labelledby={`section-${section}`}>
                <h2 id={`section-${section}`} tabindex="-1">{words().section[section]}</h2>
                <Show when={entries().length > 0} fallback={<p class="muted">{words().empty[section]}</p>}>
                  <ul class="entries">
                    <For each={entries()}>
                      {(record) => (
                        <li>
                          <a href={`#/profile/${section}/${record.id}`}>{entrySummary(t(), record.data) || words().unnamed}</a>
                          <Show when={record.data.documents.length > 0}>
                            <span class="muted"> · {words().documentCount(record.data.documents.length)}</span>
                          </Show>
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
                <Show when={section !== 'identity' || props.snapshot.identity === null}>
                  <a class="button secondary small" href={`#/profile/${section}/new`} aria-label={words().addTo(words().section[section])}>
                    {words().add}
                  </a>
                </Show>
                <Show when={section === 'measurement'}>
                  <p class="hint"><a href="#/readings/weight">{words().weightInReadings}</a></p>
                </Show>
              </section>
            );
          }}
        </For>
      </div>
    </>
  );
}

/** An imported entry's code, which the form does not show, kept when the patient edits it. */
function codeOf(entry: ProfileEntry | undefined): Record<string, unknown> {
  return entry !== undefined && 'code' in entry ? { code: entry.code } : {};
}

function Edit(props: { session: VaultSession; snapshot: ProfileSnapshot; section: EditableSection; id: string }) {
  const { t, router } = useApp();
  const view = profileOf(props.session);
  const existing = () => (props.id === 'new' ? undefined : props.snapshot.entries.find((record) => record.id === props.id && record.data.section === props.section));
  const back = () => {
    focusOnReturn = `section-${props.section}`;
    router.navigate({ name: 'profile', rest: [] });
  };
  // A new sub-screen: the keyboard and the screen reader start at its title.
  const focusHere = (element: HTMLHeadingElement) => queueMicrotask(() => element.focus());
  const done = () => {
    view.changed();
    back();
  };
  return (
    <Show when={props.id === 'new' || existing()} fallback={<Alert tone="error">{t().profile.notFound}</Alert>}>
      <h2 ref={focusHere} tabindex="-1">{props.id === 'new' ? t().profile.addTo(t().profile.section[props.section]) : t().profile.section[props.section]}</h2>
      <EntryForm
        session={props.session}
        section={props.section}
        initial={existing() === undefined ? blankValues(props.section, view.store.today()) : valuesOf((existing() as { data: ProfileEntry }).data)}
        documents={existing()?.data.documents ?? []}
        keep={codeOf(existing()?.data)}
        save={async (entry) => {
          const saved = await view.store.save(entry, existing()?.id as RecordId | undefined);
          return saved.ok ? { ok: true } : saved;
        }}
        onDone={done}
        onCancel={back}
        {...(existing() === undefined
          ? {}
          : {
              remove: async () => {
                const removed = await view.store.remove(existing()?.id as RecordId);
                if (!removed.ok) return removed;
                done();
                return { ok: true as const };
              },
            })}
      />
    </Show>
  );
}

export default function Profile(props: { session: VaultSession; rest: readonly string[] }) {
  const { t } = useApp();
  const view = profileOf(props.session);
  const [snapshot] = createResource(view.version, () => view.store.load());
  const section = () => props.rest[0];
  return (
    <section aria-labelledby="page-title" class="profile">
      <Heading>{t().profile.title}</Heading>
      <p class="lead no-print">{t().profile.intro}</p>
      <Show when={snapshot()} fallback={<p>{t().app.loading}</p>}>
        {(loaded) => (
          <Switch fallback={<Alert tone="error">{t().profile.notFound}</Alert>}>
            <Match when={props.rest.length === 0}>
              <Overview snapshot={loaded()} />
            </Match>
            <Match when={section() === 'import' && props.rest.length === 1}>
              <ProfileImport session={props.session} snapshot={loaded()} />
            </Match>
            <Match when={isEditableSection(section()) && props.rest.length === 2 && (props.rest[1] === 'new' || /^[0-9a-f]{32}$/.test(props.rest[1] ?? ''))}>
              <Edit session={props.session} snapshot={loaded()} section={section() as EditableSection} id={props.rest[1] ?? 'new'} />
            </Match>
          </Switch>
        )}
      </Show>
    </section>
  );
}
