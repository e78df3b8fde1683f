/**
 * A small, strict XML element tree built on saxes (XML 1.0 + Namespaces), for importers of
 * untrusted files. What must stay true:
 * - a DOCTYPE is refused outright, so no entity can be declared: saxes then knows only XML's five
 *   predefined entities, and entity expansion tricks (billion laughs, external entities) cannot
 *   happen;
 * - input is UTF-8 only, checked strictly before parsing (XML makes an encoding error fatal);
 * - size, depth and element count are bounded, so a hostile file costs bounded time and memory;
 * - every failure is a value: saxes' own throw is converted once, here. A throw that is not a
 *   refusal is a bug and propagates.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { fromUtf8 } from '../bytes.ts';
import { err, ok, type Result } from '../result.ts';

export interface XmlElement {
  /** Namespace URI, '' when the element has none. */
  readonly uri: string;
  /** Local name, without prefix. */
  readonly name: string;
  /** Attributes without a namespace, by name (namespaced ones such as xsi:type are dropped). */
  readonly attributes: ReadonlyMap<string, string>;
  /** Elements and text, in document order; adjacent text (split by comments or CDATA) is merged. */
  readonly children: readonly XmlNode[];
}

export type XmlNode = XmlElement | string;

export type XmlError = { readonly type: 'XmlInvalid'; readonly detail: string };

export interface XmlLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxElements: number;
}

interface MutableElement extends XmlElement {
  readonly children: XmlNode[];
}

/** Thrown from inside saxes' callbacks to stop at the first problem; caught in parseXml only. */
class Refusal extends Error {}

/** Parses UTF-8 bytes (an optional BOM allowed) into an element tree, or says why not. */
export function parseXmlBytes(bytes: Uint8Array, limits: XmlLimits): Result<XmlElement, XmlError> {
  if (bytes.length > limits.maxBytes) return invalid(`larger than ${limits.maxBytes} bytes`);
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) return invalid('UTF-16 is not supported');
  const declared = declaredEncoding(bytes);
  if (declared !== null && declared !== 'utf-8' && declared !== 'utf8') return invalid(`encoding ${declared} is not supported`);
  const bad = firstInvalidUtf8(bytes);
  if (bad !== -1) return invalid(`not valid UTF-8 at byte ${bad}`);
  // fromUtf8 drops a leading BOM; the bytes are known valid, so nothing is replaced.
  return parseXml(fromUtf8(bytes), limits);
}

export function parseXml(text: string, limits: XmlLimits): Result<XmlElement, XmlError> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: MutableElement[] = [];
  // Held in an object: TypeScript does not see assignments made inside the callbacks.
  const found: { root: MutableElement | null } = { root: null };
  let elements = 0;

  const append = (chunk: string) => {
    const parent = stack[stack.length - 1];
    if (parent === undefined) return; // whitespace around the root; saxes refuses anything else there
    const last = parent.children.length - 1;
    const previous = parent.children[last];
    if (typeof previous === 'string') parent.children[last] = previous + chunk;
    else parent.children.push(chunk);
  };

  parser.on('doctype', () => {
    throw new Refusal('a DOCTYPE is not allowed');
  });
  parser.on('error', (error) => {
    throw new Refusal(error.message);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (stack.length >= limits.maxDepth) throw new Refusal(`nested deeper than ${limits.maxDepth} elements`);
    elements += 1;
    if (elements > limits.maxElements) throw new Refusal(`more than ${limits.maxElements} elements`);
    const attributes = new Map<string, string>();
    for (const attribute of Object.values(tag.attributes)) if (attribute.uri === '') attributes.set(attribute.local, attribute.value);
    const element: MutableElement = { uri: tag.uri, name: tag.local, attributes, children: [] };
    const parent = stack[stack.length - 1];
    if (parent === undefined) found.root = element;
    else parent.children.push(element);
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', append);
  parser.on('cdata', append);

  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof Refusal) return invalid(error.message);
    throw error;
  }
  return found.root === null ? invalid('no root element') : ok(found.root);
}

/**
 * Namespace and local name of the root element, read from the start of a document (for sniffing
 * a file type from its first kilobytes); null when that start is not XML, has a DOCTYPE, or ends
 * before the root's start tag does.
 */
export function sniffRootElement(head: string): { readonly uri: string; readonly name: string } | null {
  const parser = new SaxesParser({ xmlns: true });
  const found: { root: { readonly uri: string; readonly name: string } | null } = { root: null };
  parser.on('opentag', (tag: SaxesTagNS) => {
    found.root = { uri: tag.uri, name: tag.local };
    throw new Refusal('seen'); // nothing after the root's start tag matters
  });
  parser.on('doctype', () => {
    throw new Refusal('a DOCTYPE is not allowed');
  });
  parser.on('error', (error) => {
    throw new Refusal(error.message);
  });
  try {
    parser.write(head); // not closed: the head is a prefix of the file
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
  }
  return found.root;
}

/** saxes' messages can quote the input (a tag name): bounded, so a hostile name cannot flood a log. */
function invalid(detail: string): { readonly ok: false; readonly error: XmlError } {
  return err({ type: 'XmlInvalid', detail: detail.length > 200 ? `${detail.slice(0, 200)}…` : detail });
}

/** The encoding named by the XML declaration, lowercased, or null when there is none. */
function declaredEncoding(bytes: Uint8Array): string | null {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  // The declaration is ASCII and short; reading it byte by byte avoids decoding the whole file twice.
  let head = '';
  for (let i = start; i < Math.min(bytes.length, start + 256); i++) {
    const byte = bytes[i] as number;
    if (byte >= 0x80) break;
    head += String.fromCharCode(byte);
    if (byte === 0x3e) break; // '>' ends the declaration
  }
  if (!/^<\?xml[ \t\r\n]/.test(head)) return null; // not <?xml-stylesheet ...?>
  const match = /\sencoding\s*=\s*(["'])([^"']*)\1/.exec(head);
  return match === null ? null : (match[2] as string).toLowerCase();
}

/**
 * Offset of the first byte that breaks UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF), or -1. TextDecoder would replace such bytes silently; XML says they are fatal.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0; // overlong
      if (b === 0xed) high = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90; // overlong
      if (b === 0xf4) high = 0x8f; // above U+10FFFF
    } else return i;
    if (i + length > n) return i;
    const second = bytes[i + 1] as number;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k] as number;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

/* Navigation helpers: importers read trees through these, never by indexing children. */

export function childElements(element: XmlElement, uri: string, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of element.children)
    if (typeof child !== 'string' && child.uri === uri && (name === undefined || child.name === name)) out.push(child);
  return out;
}

export function firstChild(element: XmlElement | null | undefined, uri: string, name: string): XmlElement | null {
  if (element === null || element === undefined) return null;
  for (const child of element.children) if (typeof child !== 'string' && child.uri === uri && child.name === name) return child;
  return null;
}

/** Follows a path of child names, taking the first match at each step. */
export function descend(element: XmlElement | null, uri: string, ...names: readonly string[]): XmlElement | null {
  let current = element;
  for (const name of names) current = firstChild(current, uri, name);
  return current;
}

/** Every descendant text, in document order (depth is bounded by the parser's limit). */
export function textContent(element: XmlElement): string {
  let out = '';
  for (const child of element.children) out += typeof child === 'string' ? child : textContent(child);
  return out;
}

/** The element's own text children only, ignoring child elements. */
export function ownText(element: XmlElement): string {
  let out = '';
  for (const child of element.children) if (typeof child === 'string') out += child;
  return out;
}

/** XML whitespace (space, tab, CR, LF) collapsed to single spaces and trimmed; U+00A0 is kept. */
export function collapseWhitespace(text: string): string {
  return text.replace(/[ \t\r\n]+/g, ' ').trim();
}
