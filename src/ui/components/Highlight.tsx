/**
 * Text with the words that matched a search marked (`<mark>`): a result's title, or the excerpt
 * of a PDF that says why it matched. Built from text nodes only, never from HTML, because the text
 * is the patient's documents' and must never be read as markup. The ranges come from the core's
 * highlightRanges, so what is marked is what the index matched, accents and case aside.
 */
import { For } from 'solid-js';
import { highlightRanges, type TextRange } from '../../core/search/normalise.ts';

interface Part {
  readonly text: string;
  readonly marked: boolean;
}

/** `text` cut into unmarked and marked parts, in order; `ranges` are sorted and do not overlap. */
function partsOf(text: string, ranges: readonly TextRange[]): Part[] {
  const parts: Part[] = [];
  let at = 0;
  for (const { start, end } of ranges) {
    if (start > at) parts.push({ text: text.slice(at, start), marked: false });
    parts.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return parts;
}

export function Highlight(props: { text: string; terms: readonly string[] }) {
  const parts = () => partsOf(props.text, highlightRanges(props.text, props.terms));
  return <For each={parts()}>{(part) => (part.marked ? <mark>{part.text}</mark> : part.text)}</For>;
}
