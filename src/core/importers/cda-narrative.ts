/**
 * The CDA R2 narrative block (`section/text`, HL7 CDA R2 NarrativeBlock.xsd, "StrucDoc.Text")
 * turned into plain data: paragraphs, lists and tables of styled text runs, line breaks and
 * references to embedded files. What must stay true: the output is data, never markup. No tag,
 * attribute, style, link target or script of the input survives; a component renders text nodes
 * only. The narrative is read leniently, as browsers read HTML: an element out of place gives its
 * text rather than an error, because the narrative is what a clinician signed.
 */
import { collapseWhitespace, type XmlElement } from './xml.ts';

export const HL7_NAMESPACE = 'urn:hl7-org:v3';

export type CdaInline =
  | { readonly text: string; readonly bold?: boolean; readonly italic?: boolean; readonly underline?: boolean }
  | { readonly lineBreak: true }
  | { readonly attachment: number /* index into CdaDocument.attachments */ };

export interface CdaCell {
  readonly header: boolean;
  readonly colspan: number;
  readonly rowspan: number;
  readonly content: readonly CdaBlock[];
}

export interface CdaRow {
  readonly cells: readonly CdaCell[];
}

export type CdaBlock =
  | { readonly type: 'paragraph'; readonly content: readonly CdaInline[] }
  | { readonly type: 'list'; readonly ordered: boolean; readonly items: readonly (readonly CdaBlock[])[] }
  | { readonly type: 'table'; readonly caption: readonly CdaInline[] | null; readonly head: readonly CdaRow[]; readonly body: readonly CdaRow[] };

export interface NarrativeContext {
  /** observationMedia ID -> index of its attachment, for renderMultiMedia. */
  readonly attachmentById: ReadonlyMap<string, number>;
  /** Filled in: the first narrative label seen next to each attachment, to name its file. */
  readonly labels: Map<number, string>;
}

/** Converts one `section/text` element. */
export function narrativeBlocks(text: XmlElement, context: NarrativeContext): CdaBlock[] {
  const flow = new Flow({ context, columnLabel: null });
  walk(text, PLAIN, flow);
  return flow.finish();
}

/**
 * Pushes the words of some blocks onto parts, for the search index; the caller joins once, at the
 * end, so nested content is never copied level after level.
 */
export function appendBlocksText(blocks: readonly CdaBlock[], parts: string[]): void {
  const inlines = (content: readonly CdaInline[]) => {
    for (const inline of content) parts.push('text' in inline ? inline.text : ' ');
    parts.push(' ');
  };
  const visit = (list: readonly CdaBlock[]) => {
    for (const block of list) {
      if (block.type === 'paragraph') inlines(block.content);
      else if (block.type === 'list') for (const item of block.items) visit(item);
      else {
        if (block.caption !== null) inlines(block.caption);
        for (const row of [...block.head, ...block.body]) for (const cell of row.cells) visit(cell.content);
      }
    }
  };
  visit(blocks);
}

interface Style {
  readonly bold: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
}

const PLAIN: Style = { bold: false, italic: false, underline: false };

interface State {
  readonly context: NarrativeContext;
  /** Header text of the table column being read, a fallback name for a file shown in it. */
  columnLabel: string | null;
}

/** Block output of one container (the text, an item, a cell), with its open run of inlines. */
class Flow {
  readonly blocks: CdaBlock[] = [];
  pending: CdaInline[] = [];
  constructor(readonly state: State) {}

  /** Closes the open run as a paragraph, when it holds anything once whitespace is tidied. */
  flush(): void {
    const content = tidy(this.pending);
    this.pending = [];
    if (content.length > 0) this.blocks.push({ type: 'paragraph', content });
  }

  finish(): CdaBlock[] {
    this.flush();
    return this.blocks;
  }

  child(): Flow {
    return new Flow(this.state);
  }
}

/**
 * CDA's styleCode is a list of tokens (Bold, Italics, Underline, Emphasis ...), but French
 * producers also write run-together values such as "BoldItalics", so tokens are matched as
 * substrings. Emphasis is shown in italics, as HL7's reference stylesheet does.
 */
function styled(style: Style, element: XmlElement): Style {
  const code = element.attributes.get('styleCode');
  if (code === undefined) return style;
  const lower = code.toLowerCase();
  return {
    bold: style.bold || lower.includes('bold'),
    italic: style.italic || lower.includes('italic') || lower.includes('emphasis'),
    underline: style.underline || lower.includes('underline'),
  };
}

function textInline(text: string, style: Style): CdaInline {
  return {
    text,
    ...(style.bold ? { bold: true } : {}),
    ...(style.italic ? { italic: true } : {}),
    ...(style.underline ? { underline: true } : {}),
  };
}

function walk(element: XmlElement, style: Style, flow: Flow): void {
  for (const child of element.children) {
    if (typeof child === 'string') {
      flow.pending.push(textInline(child, style));
      continue;
    }
    // Foreign markup (another namespace) is not narrative: neither its tags nor its text are kept.
    if (child.uri !== HL7_NAMESPACE) continue;
    const inner = styled(style, child);
    switch (child.name) {
      case 'paragraph':
        flow.flush();
        walk(child, inner, flow);
        flow.flush();
        break;
      case 'list':
        flow.flush();
        readList(child, inner, flow);
        break;
      case 'table':
        flow.flush();
        readTable(child, inner, flow);
        break;
      case 'br':
        flow.pending.push({ lineBreak: true });
        break;
      case 'renderMultiMedia':
        readMedia(child, inner, flow);
        break;
      case 'caption':
        // A caption where it belongs (list, table) is read there; elsewhere it leads its text.
        walk(child, { ...inner, bold: true }, flow);
        flow.pending.push(textInline(' ', inner));
        break;
      case 'footnote':
        flow.pending.push(textInline(' [', inner));
        walk(child, inner, flow);
        flow.pending.push(textInline('] ', inner));
        break;
      case 'footnoteRef':
      case 'col':
      case 'colgroup':
      // Not CDA; an HTML-minded producer's script or style was never meant to be read.
      case 'script':
      case 'style':
        break;
      default:
        // content, linkHtml (its text only, never its target), sub, sup, and anything unknown.
        walk(child, inner, flow);
    }
  }
}

function readList(element: XmlElement, style: Style, flow: Flow): void {
  const items: CdaBlock[][] = [];
  for (const child of element.children) {
    if (typeof child === 'string' || child.uri !== HL7_NAMESPACE) continue;
    if (child.name === 'caption') {
      walk(child, { ...styled(style, child), bold: true }, flow);
      flow.flush();
    } else if (child.name === 'item') {
      const item = flow.child();
      walk(child, styled(style, child), item);
      const blocks = item.finish();
      if (blocks.length > 0) items.push(blocks);
    }
  }
  if (items.length > 0) flow.blocks.push({ type: 'list', ordered: element.attributes.get('listType') === 'ordered', items });
}

function readMedia(element: XmlElement, style: Style, flow: Flow): void {
  const caption = element.children.find((child): child is XmlElement => typeof child !== 'string' && child.uri === HL7_NAMESPACE && child.name === 'caption');
  const captionText = caption === undefined ? '' : textPrefix(caption);
  if (caption !== undefined) walk(caption, style, flow);
  const { context } = flow.state;
  for (const id of (element.attributes.get('referencedObject') ?? '').split(/[ \t\r\n]+/)) {
    const index = context.attachmentById.get(id);
    if (index === undefined) continue; // a region of interest, or media held elsewhere than inline
    if (!context.labels.has(index)) {
      const label = captionText || textSinceLastAttachment(flow.pending) || flow.state.columnLabel;
      if (label) context.labels.set(index, label);
    }
    flow.pending.push({ attachment: index });
  }
}

/** Read backwards, so that a run of many files costs each one step, not the whole run. */
function textSinceLastAttachment(pending: readonly CdaInline[]): string {
  const parts: string[] = [];
  for (let i = pending.length - 1; i >= 0 && parts.length < LABEL_PARTS; i--) {
    const inline = pending[i] as CdaInline;
    if ('attachment' in inline) break;
    parts.push('text' in inline ? inline.text : ' ');
  }
  return collapseWhitespace(parts.toReversed().join(''));
}

/** A label names a file: a few dozen characters are enough, and bounding it bounds the work. */
const LABEL_PARTS = 64;
const LABEL_CHARS = 200;

/** The start of an element's text, visiting no more than it needs. */
function textPrefix(element: XmlElement): string {
  let out = '';
  const visit = (node: XmlElement): boolean => {
    for (const child of node.children) {
      if (typeof child === 'string') out += child;
      else if (child.uri === HL7_NAMESPACE && visit(child)) return true;
      if (out.length >= LABEL_CHARS) return true;
    }
    return false;
  };
  visit(element);
  return collapseWhitespace(out.slice(0, LABEL_CHARS));
}

/** HTML's own caps, so a hostile span cannot make a renderer build a huge grid. */
const MAX_COLSPAN = 1000;
const MAX_ROWSPAN = 65534;
/**
 * Columns beyond this are not tracked for header labels: labels only name files, and the bound
 * keeps a hostile table of many rows of wide cells linear.
 */
const MAX_TRACKED_COLUMNS = 64;

function span(element: XmlElement, name: string, max: number): number {
  const value = element.attributes.get(name)?.trim();
  if (value === undefined || !/^\d{1,6}$/.test(value)) return 1;
  return Math.min(Math.max(Number(value), 1), max);
}

type RawRow = readonly XmlElement[];

function rowCells(tr: XmlElement): RawRow {
  return tr.children.filter((cell): cell is XmlElement => typeof cell !== 'string' && cell.uri === HL7_NAMESPACE && (cell.name === 'th' || cell.name === 'td'));
}

/** First grid column of each cell, honouring colspan and the rowspans of rows above. */
function columnStarts(rows: readonly RawRow[]): number[][] {
  const coveredFor: number[] = []; // rows still covered below the current one, per column
  return rows.map((cells) => {
    const starts: number[] = [];
    const placed: number[] = [];
    let column = 0;
    for (const cell of cells) {
      while (column < MAX_TRACKED_COLUMNS && (coveredFor[column] ?? 0) > 0) column += 1;
      starts.push(column);
      const width = span(cell, 'colspan', MAX_COLSPAN);
      const height = span(cell, 'rowspan', MAX_ROWSPAN);
      for (let k = 0; k < width && column + k < MAX_TRACKED_COLUMNS; k++) placed[column + k] = height - 1;
      column = Math.min(column + width, MAX_TRACKED_COLUMNS);
    }
    const width = Math.max(coveredFor.length, placed.length);
    for (let c = 0; c < width; c++) coveredFor[c] = (coveredFor[c] ?? 0) > 0 ? (coveredFor[c] as number) - 1 : (placed[c] ?? 0);
    return starts;
  });
}

function readTable(element: XmlElement, style: Style, flow: Flow): void {
  const head: RawRow[] = [];
  const body: RawRow[] = [];
  const foot: RawRow[] = [];
  let caption: CdaInline[] | null = null;
  for (const child of element.children) {
    if (typeof child === 'string' || child.uri !== HL7_NAMESPACE) continue;
    const group = child.name === 'thead' ? head : child.name === 'tfoot' ? foot : child.name === 'tbody' ? body : null;
    if (group !== null) {
      for (const tr of child.children) if (typeof tr !== 'string' && tr.uri === HL7_NAMESPACE && tr.name === 'tr') group.push(rowCells(tr));
    } else if (child.name === 'tr') body.push(rowCells(child)); // tolerated without tbody, as HTML does
    else if (child.name === 'caption') {
      const captionFlow = flow.child();
      walk(child, styled(style, child), captionFlow);
      caption = captionFlow.finish().flatMap((block, index) => [...(index > 0 ? [{ lineBreak: true } as const] : []), ...(block.type === 'paragraph' ? block.content : [])]);
      if (caption.length === 0) caption = null;
    }
  }
  const headRows = head.filter((cells) => cells.length > 0);
  const bodyRows = [...body, ...foot].filter((cells) => cells.length > 0);
  if (headRows.length === 0 && bodyRows.length === 0) {
    if (caption !== null) flow.blocks.push({ type: 'paragraph', content: caption });
    return;
  }

  const labels: (string | undefined)[] = [];
  const headStarts = columnStarts(headRows);
  headRows.forEach((cells, r) =>
    cells.forEach((cell, c) => {
      const text = textPrefix(cell);
      const start = headStarts[r]?.[c] ?? 0;
      const end = Math.min(start + span(cell, 'colspan', MAX_COLSPAN), MAX_TRACKED_COLUMNS);
      if (text !== '') for (let k = start; k < end; k++) labels[k] = text;
    }),
  );

  const saved = flow.state.columnLabel;
  const convert = (rows: readonly RawRow[], withLabels: boolean): CdaRow[] => {
    const starts = columnStarts(rows);
    return rows.map((cells, r) => ({
      cells: cells.map((cell, c) => {
        flow.state.columnLabel = withLabels ? (labels[starts[r]?.[c] ?? -1] ?? null) : null;
        const content = flow.child();
        walk(cell, styled(style, cell), content);
        return { header: cell.name === 'th', colspan: span(cell, 'colspan', MAX_COLSPAN), rowspan: span(cell, 'rowspan', MAX_ROWSPAN), content: content.finish() };
      }),
    }));
  };
  const tableBlock: CdaBlock = { type: 'table', caption, head: convert(headRows, false), body: convert(bodyRows, true) };
  flow.state.columnLabel = saved;
  flow.blocks.push(tableBlock);
}

/**
 * Whitespace as a browser shows it: runs collapse to one space, none at the start or end of a
 * line, and no line break at the start or end of a paragraph. Adjacent runs of one style merge.
 */
function tidy(inlines: readonly CdaInline[]): CdaInline[] {
  const out: CdaInline[] = [];
  let spaceBefore = true;
  for (const inline of inlines) {
    if ('text' in inline) {
      let text = inline.text.replace(/[ \t\r\n]+/g, ' ');
      if (spaceBefore && text.startsWith(' ')) text = text.slice(1);
      if (text === '') continue;
      const last = out[out.length - 1];
      if (last !== undefined && 'text' in last && sameStyle(last, inline)) out[out.length - 1] = { ...last, text: last.text + text };
      else out.push({ ...inline, text });
      spaceBefore = text.endsWith(' ');
    } else if ('lineBreak' in inline) {
      trimEnd(out);
      out.push(inline);
      spaceBefore = true;
    } else {
      out.push(inline);
      spaceBefore = false;
    }
  }
  trimEnd(out);
  let start = 0;
  while (start < out.length && 'lineBreak' in (out[start] as CdaInline)) start += 1;
  while (out.length > start && 'lineBreak' in (out[out.length - 1] as CdaInline)) out.pop();
  return start === 0 ? out : out.slice(start);
}

function sameStyle(a: CdaInline, b: CdaInline): boolean {
  if (!('text' in a) || !('text' in b)) return false;
  return (a.bold ?? false) === (b.bold ?? false) && (a.italic ?? false) === (b.italic ?? false) && (a.underline ?? false) === (b.underline ?? false);
}

/** Drops the trailing space of the last run (and the run, if that empties it). */
function trimEnd(out: CdaInline[]): void {
  const last = out[out.length - 1];
  if (last === undefined || !('text' in last) || !last.text.endsWith(' ')) return;
  const text = last.text.slice(0, -1);
  if (text === '') out.pop();
  else out[out.length - 1] = { ...last, text };
}
