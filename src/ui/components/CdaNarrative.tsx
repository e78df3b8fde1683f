/**
 * A CDA document's narrative (core/importers/cda.ts) as the sender laid it out: section headings
 * from h3 down to h6, paragraphs, lists, tables, and buttons for the files the narrative shows.
 * Everything reaches the page as text nodes through JSX, never innerHTML: the model holds no
 * markup, and this component keeps it that way. Styles are `cda-` classes, never inline styles
 * (the CSP has no 'unsafe-inline').
 */
import { createUniqueId, For, Match, Show, Switch, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import type { CdaBlock, CdaDocument, CdaInline, CdaRow, CdaSection } from '../../core/importers/cda.ts';

export interface CdaNarrativeLabels {
  /** The words of the button that opens (or downloads) an embedded file. */
  readonly attachment: (name: string) => string;
}

export interface CdaNarrativeProps {
  document: CdaDocument;
  /** Called with an index into document.attachments; without it, files are named, not offered. */
  onOpenAttachment?: (index: number) => void;
  labels?: CdaNarrativeLabels;
}

/** What every part of the tree needs, read through getters so that it follows the props. */
interface View {
  readonly document: CdaDocument;
  readonly open: ((index: number) => void) | undefined;
  label(name: string): string;
}

type CdaTable = Extract<CdaBlock, { type: 'table' }>;

const HEADINGS = ['h3', 'h4', 'h5', 'h6'] as const;

export function CdaNarrative(props: CdaNarrativeProps) {
  const view: View = {
    get document() {
      return props.document;
    },
    get open() {
      return props.onOpenAttachment;
    },
    label: (name) => props.labels?.attachment(name) ?? name,
  };
  return (
    <div class="cda-narrative">
      <For each={props.document.sections}>{(section) => <Section section={section} level={0} view={view} />}</For>
    </div>
  );
}

/** `level` counts titled ancestors only, so an untitled section never makes a heading level skip. */
function Section(props: { section: CdaSection; level: number; view: View }) {
  const childLevel = () => (props.section.title === null ? props.level : props.level + 1);
  return (
    <section class="cda-section">
      <Show when={props.section.title}>
        {(title) => (
          <Dynamic component={HEADINGS[Math.min(props.level, HEADINGS.length - 1)]} class="cda-heading">
            {title()}
          </Dynamic>
        )}
      </Show>
      <Blocks blocks={props.section.blocks} view={props.view} name={props.section.title ?? props.view.document.title} />
      <For each={props.section.sections}>{(child) => <Section section={child} level={childLevel()} view={props.view} />}</For>
    </section>
  );
}

/** `name` labels the tables that have no caption of their own (the section's title). */
function Blocks(props: { blocks: readonly CdaBlock[]; view: View; name: string }) {
  return (
    <For each={props.blocks}>
      {(block) => (
        <Switch>
          <Match when={block.type === 'paragraph' && block}>
            {(paragraph) => (
              <p class="cda-paragraph">
                <Inlines content={paragraph().content} view={props.view} />
              </p>
            )}
          </Match>
          <Match when={block.type === 'list' && block}>
            {(list) => (
              <Dynamic component={list().ordered ? 'ol' : 'ul'} class="cda-list">
                <For each={list().items}>
                  {(item) => (
                    <li>
                      <Compact blocks={item} view={props.view} name={props.name} />
                    </li>
                  )}
                </For>
              </Dynamic>
            )}
          </Match>
          <Match when={block.type === 'table' && block}>{(table) => <Table table={table()} view={props.view} name={props.name} />}</Match>
        </Switch>
      )}
    </For>
  );
}

/** Content of an item or a cell: a lone paragraph is shown without a <p>, as HTML authors write it. */
function Compact(props: { blocks: readonly CdaBlock[]; view: View; name: string }) {
  const only = () => {
    const first = props.blocks[0];
    return props.blocks.length === 1 && first?.type === 'paragraph' ? first : null;
  };
  return (
    <Show when={only()} fallback={<Blocks blocks={props.blocks} view={props.view} name={props.name} />}>
      {(paragraph) => <Inlines content={paragraph().content} view={props.view} />}
    </Show>
  );
}

/**
 * A wide table scrolls inside its own wrapper, which is focusable (so the keyboard can scroll it)
 * and named (so that stop means something to a screen reader): by the caption, else the section.
 * A group, not a region: a summary has dozens of tables, and landmarks are for finding one's way.
 */
function Table(props: { table: CdaTable; view: View; name: string }) {
  const captionId = createUniqueId();
  return (
    <div
      class="cda-table-wrap"
      tabindex="0"
      role="group"
      aria-labelledby={props.table.caption === null ? undefined : captionId}
      aria-label={props.table.caption === null ? props.name : undefined}
    >
      <table class="cda-table">
        <Show when={props.table.caption}>
          {(caption) => (
            <caption id={captionId}>
              <Inlines content={caption()} view={props.view} />
            </caption>
          )}
        </Show>
        <Show when={props.table.head.length > 0}>
          <thead>
            <For each={props.table.head}>{(row) => <Row row={row} head view={props.view} name={props.name} />}</For>
          </thead>
        </Show>
        <Show when={props.table.body.length > 0}>
          <tbody>
            <For each={props.table.body}>{(row) => <Row row={row} head={false} view={props.view} name={props.name} />}</For>
          </tbody>
        </Show>
      </table>
    </div>
  );
}

/** A header cell heads its column in the head, or in a body row made only of headers; else its row. */
function Row(props: { row: CdaRow; head: boolean; view: View; name: string }) {
  const scope = () => (props.head || props.row.cells.every((cell) => cell.header) ? 'col' : 'row');
  return (
    <tr>
      <For each={props.row.cells}>
        {(cell) => {
          const colspan = cell.colspan > 1 ? cell.colspan : undefined;
          const rowspan = cell.rowspan > 1 ? cell.rowspan : undefined;
          const content = <Compact blocks={cell.content} view={props.view} name={props.name} />;
          return cell.header ? (
            <th scope={scope()} colspan={colspan} rowspan={rowspan}>
              {content}
            </th>
          ) : (
            <td colspan={colspan} rowspan={rowspan}>
              {content}
            </td>
          );
        }}
      </For>
    </tr>
  );
}

function Inlines(props: { content: readonly CdaInline[]; view: View }) {
  return <For each={props.content}>{(inline) => <Inline inline={inline} view={props.view} />}</For>;
}

function Inline(props: { inline: CdaInline; view: View }): JSX.Element {
  const inline = props.inline; // the model is immutable: a new document renders new elements
  if ('lineBreak' in inline) return <br />;
  if ('attachment' in inline) return <Attachment index={inline.attachment} view={props.view} />;
  let node: JSX.Element = inline.text; // a string child becomes a text node
  if (inline.underline === true) node = <span class="cda-underline">{node}</span>;
  if (inline.italic === true) node = <em>{node}</em>;
  if (inline.bold === true) node = <strong>{node}</strong>;
  return node;
}

function Attachment(props: { index: number; view: View }) {
  const attachment = () => props.view.document.attachments[props.index];
  return (
    <Show when={attachment()}>
      {(file) => (
        <Show when={props.view.open} fallback={<span class="cda-attachment-name">{file().name}</span>}>
          {(open) => (
            <button type="button" class="secondary cda-attachment" onClick={() => open()(props.index)}>
              {props.view.label(file().name)}
            </button>
          )}
        </Show>
      )}
    </Show>
  );
}
