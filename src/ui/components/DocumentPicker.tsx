/**
 * Linking documents of the vault to something (a profile entry, an appointment): the linked ones
 * first, then a few recent ones or those whose title matches what the patient types, so a vault of
 * 5,000 documents never becomes 5,000 checkboxes.
 */
import { createMemo, createSignal, For, Show } from 'solid-js';
import type { VaultSession } from '../../app/session.ts';
import { useApp } from '../context.tsx';
import { libraryOf } from '../library.ts';

const RECENT = 8;
const MATCHES = 20;

export function DocumentPicker(props: {
  session: VaultSession;
  legend: string;
  hint?: string;
  linked: readonly string[];
  onChange: (linked: string[]) => void;
  /** Distinguishes the search field when two pickers share a page. */
  id: string;
}) {
  const { t } = useApp();
  const words = () => t().documents.picker;
  const library = libraryOf(props.session);
  const [filter, setFilter] = createSignal('');
  const shown = createMemo(() => {
    library.version();
    const all = library.library.all().filter((document) => document.data.trashedAt === null);
    const wanted = filter().trim().toLocaleLowerCase();
    const chosen = all.filter((document) => props.linked.includes(document.id));
    const candidates = wanted === '' ? all.slice(0, RECENT) : all.filter((document) => document.data.title.toLocaleLowerCase().includes(wanted)).slice(0, MATCHES);
    return [...chosen, ...candidates.filter((document) => !props.linked.includes(document.id))];
  });
  return (
    <fieldset class="document-picker">
      <legend>{props.legend}</legend>
      <Show when={props.hint}>{(hint) => <p class="hint">{hint()}</p>}</Show>
      <div class="field">
        <label for={`${props.id}-filter`}>{words().find}</label>
        <input id={`${props.id}-filter`} type="search" value={filter()} onInput={(event) => setFilter(event.currentTarget.value)} autocomplete="off" />
      </div>
      <Show when={shown().length > 0} fallback={<p class="hint">{words().none}</p>}>
        <ul class="plain">
          <For each={shown()}>
            {(document) => (
              <li>
                <label class="picked">
                  <input
                    type="checkbox"
                    checked={props.linked.includes(document.id)}
                    onChange={(event) => props.onChange(event.currentTarget.checked ? [...props.linked, document.id] : props.linked.filter((item) => item !== document.id))}
                  />
                  {document.data.title}
                  <Show when={document.data.careDate}>{(date) => <span class="muted"> ({date()})</span>}</Show>
                </label>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </fieldset>
  );
}
