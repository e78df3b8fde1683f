/**
 * A plain-text file shown as text, never as markup: its characters go into a <pre> as a text
 * node, so `<script>` or `<b>` in it are shown, not interpreted. Long lines wrap.
 */
import { createResource, Show } from 'solid-js';
import { useApp } from '../context.tsx';
import './viewers.css';

/**
 * The file's text: UTF-8 (or UTF-16 with a byte-order mark) when it is valid as such, otherwise
 * Windows-1252, which older French software writes and which decodes any byte sequence.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

export function TextViewer(props: { blob: Blob; title: string }) {
  const { t } = useApp();
  const [text] = createResource(
    () => props.blob,
    async (blob) => decodeText(new Uint8Array(await blob.arrayBuffer())),
  );
  return (
    <Show when={text() !== undefined} fallback={<p role="status">{t().viewer.loading}</p>}>
      <pre class="text-viewer" tabindex="0" role="region" aria-label={t().viewer.text(props.title)}>
        {text()}
      </pre>
    </Show>
  );
}
