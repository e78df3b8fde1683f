/** The search highlighter as a patient sees it, rendered by Solid in Chromium. */
import { createSignal } from 'solid-js';
import { render } from 'solid-js/web';
import { afterEach, describe, expect, it } from 'vitest';
import { Highlight } from '../../src/ui/components/Highlight.tsx';

let dispose: (() => void) | undefined;
afterEach(() => {
  dispose?.();
  dispose = undefined;
  document.body.textContent = '';
});

function mount(view: () => ReturnType<typeof Highlight>): HTMLElement {
  const container = document.createElement('p');
  document.body.append(container);
  dispose = render(view, container);
  return container;
}

const marks = (container: HTMLElement) => [...container.querySelectorAll('mark')].map((mark) => mark.textContent);

describe('<Highlight>', () => {
  it('marks what matched, accents and case aside, and keeps the text whole', () => {
    const container = mount(() => <Highlight text="Résultat de glycémie : Glycémie à jeun normale" terms={['resultat', 'glyc']} />);
    expect(marks(container)).toEqual(['Résultat', 'glyc', 'Glyc']);
    expect(container.textContent).toBe('Résultat de glycémie : Glycémie à jeun normale');
    expect(container.innerHTML).toBe('<mark>Résultat</mark> de <mark>glyc</mark>émie : <mark>Glyc</mark>émie à jeun normale');
  });

  it('marks a decomposed accent and a ligature with their letters', () => {
    const container = mount(() => <Highlight text={'He\u0301moglobine, cœur'} terms={['hemo', 'coe']} />);
    expect(marks(container)).toEqual(['He\u0301mo', 'cœ']);
    expect(container.textContent).toBe('He\u0301moglobine, cœur');
  });

  it('shows markup in the text as text, never as elements', () => {
    const text = '<img src=x onerror="window.pwned=1"> glycémie <b>gras</b> &amp;';
    const container = mount(() => <Highlight text={text} terms={['glycemie', 'img', 'gras']} />);
    expect(container.querySelector('img, b')).toBeNull();
    expect(container.textContent).toBe(text);
    expect(marks(container)).toEqual(['img', 'glycémie', 'gras']);
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
  });

  it('renders plain text when nothing matches, and follows new terms and text', () => {
    const [terms, setTerms] = createSignal<readonly string[]>([]);
    const [text, setText] = createSignal('Ferritine basse');
    const container = mount(() => <Highlight text={text()} terms={terms()} />);
    expect(container.innerHTML).toBe('Ferritine basse');
    setTerms(['ferr']);
    expect(container.innerHTML).toBe('<mark>Ferr</mark>itine basse');
    setText('Bilan martial : ferritine');
    expect(container.innerHTML).toBe('Bilan martial : <mark>ferr</mark>itine');
    setTerms([]);
    expect(container.innerHTML).toBe('Bilan martial : ferritine');
  });
});
