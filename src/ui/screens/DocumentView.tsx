/**
 * One document: its files shown in the page (PDF, image, text, a CDA's narrative; never executed),
 * what it knows (editable), and what can be done with it: download, print, hide, trash, restore,
 * destroy. Decryption happens in the library; this screen only holds the Blob it shows.
 */
import { createMemo, createResource, createSignal, For, Match, Show, Switch } from 'solid-js';
import type { Document, DocumentError } from '../../app/documents.ts';
import type { Result } from '../../core/result.ts';
import type { VaultSession } from '../../app/session.ts';
import { parseCda } from '../../core/importers/cda.ts';
import { readCdaVaccinations } from '../../core/profile/cda-vaccinations.ts';
import { offerToProfile } from '../profile/pending.ts';
import { DOCUMENT_CATEGORIES } from '../../core/records/document-classes.ts';
import { cleanTag, MAX_TAGS, SOURCE_KINDS, TRASH_DAYS, viewableFiles, type DocumentData, type FileRef, type SourceKind } from '../../core/records/document.ts';
import type { RecordId } from '../../core/records/record.ts';
import { CdaNarrative } from '../components/CdaNarrative.tsx';
import { ImageViewer } from '../components/ImageViewer.tsx';
import { MaybeAlert } from '../components/Alert.tsx';
import { PdfViewer } from '../components/PdfViewer.tsx';
import { TextViewer } from '../components/TextViewer.tsx';
import { useApp } from '../context.tsx';
import { downloadBlob } from '../download.ts';
import { describeError } from '../errors.ts';
import { formatBytes, formatDate } from '../format.ts';
import { libraryOf } from '../library.ts';
import { Heading } from './Heading.tsx';

const DAY_MS = 86_400_000;

/** A CDA holding vaccinations offers them for the profile, where the patient picks which to add. */
function VaccinationsOffer(props: { blob: Blob; name: string }) {
  const { t, vault, router } = useApp();
  const [count] = createResource(
    () => props.blob,
    async (blob) => {
      const read = readCdaVaccinations(new Uint8Array(await blob.arrayBuffer()));
      return read.ok ? read.value.entries.length : 0;
    },
  );
  const offer = () => {
    const session = vault.session();
    if (session === null) return;
    offerToProfile(session, new File([props.blob], props.name, { type: 'text/xml' }));
    router.navigate({ name: 'profile', rest: ['import'] });
  };
  return (
    <Show when={(count() ?? 0) > 0}>
      <p class="alert alert-info">
        {t().documents.vaccinationsFound(count() ?? 0)}{' '}
        <button type="button" class="secondary" onClick={offer}>{t().documents.offerVaccinations}</button>
      </p>
    </Show>
  );
}

function FileViewer(props: { file: FileRef; blob: Blob; title: string; onOpenAttachment: (index: number) => void }) {
  const { t } = useApp();
  const [problem, setProblem] = createSignal(false);
  const [cda] = createResource(
    () => (props.file.format === 'cda' ? props.blob : null),
    async (blob) => {
      const parsed = parseCda(new Uint8Array(await blob.arrayBuffer()));
      return parsed.ok ? parsed.value : null;
    },
  );
  return (
    <Show when={!problem()} fallback={<p class="alert alert-info">{t().documents.cannotPreview}</p>}>
      <Switch fallback={<p class="alert alert-info">{t().documents.noPreview}</p>}>
        <Match when={props.file.format === 'pdf'}>
          <PdfViewer data={props.blob} title={props.title} onUnreadable={() => setProblem(true)} />
        </Match>
        <Match when={props.file.format === 'jpeg' || props.file.format === 'png' || props.file.format === 'webp' || props.file.format === 'tiff'}>
          <ImageViewer blob={props.blob} format={props.file.format as 'jpeg' | 'png' | 'webp' | 'tiff'} title={props.title} onUnreadable={() => setProblem(true)} />
        </Match>
        <Match when={props.file.format === 'text'}>
          <TextViewer blob={props.blob} title={props.title} />
        </Match>
        <Match when={props.file.format === 'cda' && cda()}>
          {(document) => (
            <div class="cda-view">
              <p class="hint">{t().documents.cda}</p>
              <VaccinationsOffer blob={props.blob} name={props.file.name} />
              <CdaNarrative document={document()} onOpenAttachment={(index) => props.onOpenAttachment(index)} labels={{ attachment: (name: string) => t().documents.openAttachment(name) }} />
            </div>
          )}
        </Match>
      </Switch>
    </Show>
  );
}

function EditForm(props: { document: Document; onSave: (data: DocumentData) => Promise<string | null> }) {
  const { t } = useApp();
  const data = () => props.document.data;
  const [message, setMessage] = createSignal<{ tone: 'error' | 'success'; text: string } | null>(null);
  async function submit(event: SubmitEvent & { currentTarget: HTMLFormElement }) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const title = text('title');
    if (title === '') {
      setMessage({ tone: 'error', text: t().documents.fieldTitle });
      return;
    }
    const tags = [...new Set(text('tags').split(',').map(cleanTag).filter((tag) => tag !== ''))].slice(0, MAX_TAGS);
    const sourceName = text('sourceName').slice(0, 300);
    const careDate = text('careDate');
    const next: DocumentData = {
      ...data(),
      title: title.slice(0, 500),
      careDate: /^\d{4}-\d{2}-\d{2}$/.test(careDate) ? careDate : null,
      category: DOCUMENT_CATEGORIES.find((category) => category === text('category')) ?? 'other',
      source: sourceName === '' ? null : { kind: (SOURCE_KINDS.find((kind) => kind === text('sourceKind')) ?? 'other') as SourceKind, name: sourceName },
      tags,
      note: String(form.get('note') ?? '').slice(0, 100_000),
    };
    const failure = await props.onSave(next);
    setMessage(failure === null ? { tone: 'success', text: t().documents.saved } : { tone: 'error', text: failure });
  }
  return (
    <form class="card document-form" onSubmit={(event) => void submit(event)} aria-labelledby="edit-title">
      <h2 id="edit-title">{t().documents.details}</h2>
      <div class="field">
        <label for="doc-title">{t().documents.fieldTitle}</label>
        <input id="doc-title" name="title" required maxLength={500} value={data().title} />
      </div>
      <div class="field">
        <label for="doc-date">{t().documents.fieldDate}</label>
        <input id="doc-date" name="careDate" type="date" value={data().careDate ?? ''} />
      </div>
      <div class="field">
        <label for="doc-category">{t().documents.fieldCategory}</label>
        <select id="doc-category" name="category">
          <For each={DOCUMENT_CATEGORIES}>{(category) => <option value={category} selected={data().category === category}>{t().browse.categories[category]}</option>}</For>
        </select>
      </div>
      <div class="field">
        <label for="doc-source-kind">{t().documents.fieldSourceKind}</label>
        <select id="doc-source-kind" name="sourceKind">
          <For each={SOURCE_KINDS}>{(kind) => <option value={kind} selected={(data().source?.kind ?? 'practitioner') === kind}>{t().documents.sourceKinds[kind]}</option>}</For>
        </select>
      </div>
      <div class="field">
        <label for="doc-source">{t().documents.fieldSourceName}</label>
        <input id="doc-source" name="sourceName" maxLength={300} value={data().source?.name ?? ''} />
      </div>
      <div class="field">
        <label for="doc-tags">{t().documents.fieldTags}</label>
        <input id="doc-tags" name="tags" value={data().tags.join(', ')} aria-describedby="doc-tags-hint" />
        <span id="doc-tags-hint" class="hint">{t().documents.tagsHint}</span>
      </div>
      <div class="field">
        <label for="doc-note">{t().documents.fieldNote}</label>
        <textarea id="doc-note" name="note" rows={4} maxLength={100_000}>{data().note}</textarea>
      </div>
      <Show when={data().typeCode}>{(code) => <p class="hint">{t().documents.typeCode(code().code, code().display ?? code().code)}</p>}</Show>
      <MaybeAlert tone={message()?.tone ?? 'success'} message={message()?.text ?? null} />
      <div class="actions">
        <button type="submit">{t().documents.save}</button>
      </div>
    </form>
  );
}

export default function DocumentView(props: { session: VaultSession; id: string }) {
  const { t, preferences } = useApp();
  const view = libraryOf(props.session);
  const library = () => view.library;
  const [loaded] = createResource(() => view.ready.then(() => true));
  const document = createMemo(() => {
    view.version();
    return library().get(props.id);
  });
  const files = () => {
    const current = document();
    return current === undefined ? [] : viewableFiles(current.data);
  };
  // A CDA's PDF is what the patient reads first; the XML stays one tab away.
  const [chosen, setChosen] = createSignal<string | null>(null);
  const selected = () => {
    const list = files();
    return list.find((file) => file.id === chosen()) ?? list.find((file) => file.role === 'content') ?? list[0];
  };
  // Keyed by the file's id, not the FileRef object: an edit, a hide or another tab's change
  // rebuilds the objects, and must not decrypt and redraw the file shown.
  const selectedId = createMemo(() => selected()?.id);
  const [blob] = createResource(selectedId, async (fileId) => {
    const file = files().find((candidate) => candidate.id === fileId);
    if (file === undefined) return { file: null, blob: null, error: t().documents.notFound };
    const read = await library().readFile(file);
    return read.ok ? { file, blob: read.value, error: null } : { file, blob: null, error: describeError(t(), read.error) };
  });
  const [status, setStatus] = createSignal<{ tone: 'error' | 'success'; text: string } | null>(null);

  async function act(action: () => Promise<Result<void, DocumentError>>, success: string | null = null) {
    const result = await action();
    if (!result.ok) setStatus({ tone: 'error', text: describeError(t(), result.error) });
    else if (success !== null) setStatus({ tone: 'success', text: success });
    // The button pressed may be gone (Hide became Stop hiding, Restore left with the trash):
    // the keyboard goes back to the title rather than to the top of the page.
    window.document.getElementById('page-title')?.focus();
  }

  async function download(file: FileRef) {
    const read = await library().readFile(file);
    if (!read.ok) {
      setStatus({ tone: 'error', text: describeError(t(), read.error) });
      return;
    }
    downloadBlob(read.value, file.name);
  }

  const id = () => props.id as RecordId;
  const daysLeft = (trashedAt: number) => Math.max(1, TRASH_DAYS - Math.floor((Date.now() - trashedAt) / DAY_MS));

  return (
    <Show when={loaded()} fallback={<p>{t().app.loading}</p>}>
      <Show
        when={document()}
        fallback={
          <section aria-labelledby="page-title">
            <Heading>{t().documents.notFound}</Heading>
            <MaybeAlert tone={status()?.tone ?? 'success'} message={status()?.text ?? null} />
            <p><a href="#/documents">{t().documents.back}</a></p>
          </section>
        }
      >
        {(current) => (
          <article class="document-view" aria-labelledby="page-title">
            <p class="no-print"><a href="#/documents">{t().documents.back}</a></p>
            <Heading>{current().data.title}</Heading>
            <p class="document-meta">
              <span>{current().data.careDate === null ? t().documents.noDate : formatDate(Date.parse(`${current().data.careDate}T12:00:00Z`), preferences.language(), preferences.timeZone())}</span>
              <span>{t().browse.categories[current().data.category]}</span>
              <Show when={current().data.source}>{(source) => <span>{source().name}</span>}</Show>
              <span>{t().documents.added(formatDate(current().data.addedAt, preferences.language(), preferences.timeZone()))}</span>
            </p>
            <Show when={current().data.hidden}>
              <p class="alert alert-info">{t().documents.hiddenExplained}</p>
            </Show>
            <Show when={current().data.trashedAt}>{(trashedAt) => <p class="alert alert-info">{t().documents.trashed(daysLeft(trashedAt()))}</p>}</Show>
            <MaybeAlert tone={status()?.tone ?? 'success'} message={status()?.text ?? null} />
            <div class="actions no-print">
              <Show when={selected()}>
                {(file) => (
                  <button type="button" onClick={() => void download(file())}>
                    {t().documents.downloadFile(file().name)}
                  </button>
                )}
              </Show>
              {/* A PDF prints from its viewer, which draws every page for paper. */}
              <Show when={selected() !== undefined && selected()?.format !== 'pdf'}>
                <button type="button" class="secondary" onClick={() => window.print()}>{t().documents.print}</button>
              </Show>
              <button type="button" class="secondary" aria-pressed={current().data.hidden} onClick={() => void act(() => library().setHidden(id(), !current().data.hidden))}>
                {current().data.hidden ? t().documents.unhide : t().documents.hide}
              </button>
              <Show
                when={current().data.trashedAt === null}
                fallback={
                  <>
                    <button type="button" class="secondary" onClick={() => void act(() => library().restore(id()))}>{t().documents.restore}</button>
                    <button
                      type="button"
                      class="danger"
                      onClick={() => {
                        if (window.confirm(t().documents.destroyConfirm)) void act(() => library().destroy(id()), t().documents.destroyed);
                      }}
                    >
                      {t().documents.destroy}
                    </button>
                  </>
                }
              >
                <button type="button" class="secondary" onClick={() => void act(() => library().trash(id()))}>{t().documents.toTrash}</button>
              </Show>
            </div>
            <Show when={files().length > 1}>
              <div class="file-tabs no-print" role="group" aria-label={t().documents.files}>
                <For each={files()}>
                  {(file) => (
                    <button type="button" class="secondary" aria-pressed={selected()?.id === file.id} onClick={() => setChosen(file.id)}>
                      {t().documents.roles[file.role]} · {file.name} ({formatBytes(file.size, preferences.language())})
                    </button>
                  )}
                </For>
              </div>
            </Show>
            <div class="document-content">
              <Show when={blob()} keyed fallback={<p role="status">{t().documents.opening}</p>}>
                {(opened) => (
                  // Keyed: each file gets a viewer of its own, so one that cannot be shown does
                  // not mark the others "cannot preview".
                  <Show when={opened.file !== null && opened.blob !== null ? { file: opened.file, blob: opened.blob } : null} keyed fallback={<p class="alert alert-error" role="alert">{opened.error}</p>}>
                    {(content) => (
                      <FileViewer
                        file={content.file}
                        blob={content.blob}
                        title={current().data.title}
                        // The CDA's embedded files are the document's attachments, in the same order.
                        onOpenAttachment={(index) => {
                          const attachment = current().data.files.filter((file) => file.role === 'attachment')[index];
                          if (attachment !== undefined) setChosen(attachment.id);
                        }}
                      />
                    )}
                  </Show>
                )}
              </Show>
            </div>
            <div class="no-print">
              <EditForm
                document={current()}
                onSave={async (data) => {
                  const saved = await library().update(id(), () => data);
                  return saved.ok ? null : describeError(t(), saved.error);
                }}
              />
            </div>
          </article>
        )}
      </Show>
    </Show>
  );
}
