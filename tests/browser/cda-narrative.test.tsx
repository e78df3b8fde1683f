/**
 * The CDA narrative in real Chromium, from the ANS example documents as they are: headings,
 * keyboard-scrollable named tables, buttons for embedded files, no markup of the sender's (no
 * script, style or inline style), and no axe violation.
 */
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { render } from 'solid-js/web';
import { parseCda, type CdaDocument } from '../../src/core/importers/cda.ts';
import { CdaNarrative, type CdaNarrativeProps } from '../../src/ui/components/CdaNarrative.tsx';
import { utf8 } from '../../src/core/bytes.ts';
import imgUrl from '../fixtures/cda/IMG_CR_IMG_2024.01.xml?url';
import ipsUrl from '../fixtures/cda/IPS-FR_2024.01.xml?url';
import vacUrl from '../fixtures/cda/VAC_2023.01.xml?url';

async function load(url: string): Promise<CdaDocument> {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const parsed = parseCda(bytes);
  if (!parsed.ok) throw new Error(parsed.error.type);
  return parsed.value;
}

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  document.body.replaceChildren();
});

/** Mounts the narrative below an h1 and h2, as the document screen does. */
function mount(props: CdaNarrativeProps): HTMLElement {
  const main = document.createElement('main');
  main.lang = 'fr';
  const h1 = document.createElement('h1');
  h1.textContent = 'Carnet';
  const h2 = document.createElement('h2');
  h2.textContent = props.document.title;
  const host = document.createElement('div');
  main.append(h1, h2, host);
  document.body.append(main);
  const dispose = render(() => <CdaNarrative {...props} />, host);
  cleanup = () => dispose();
  return host;
}

const texts = (elements: Iterable<Element>) => [...elements].map((element) => element.textContent);

function expectNoSenderMarkup(host: HTMLElement): void {
  expect(host.querySelectorAll('script, style, iframe, object, embed, img, a, [style], [href], [src]')).toHaveLength(0);
  for (const element of host.querySelectorAll('*')) for (const attribute of element.attributes) expect(attribute.name.startsWith('on')).toBe(false);
}

async function expectNoAxeViolations(): Promise<void> {
  const result = await axe.run(document.body, { resultTypes: ['violations'] });
  expect(result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

describe('CdaNarrative', () => {
  it('renders the imaging report: headings, lists, tables, and its linked report as a button', async () => {
    const opened: number[] = [];
    const report = await load(imgUrl);
    const host = mount({ document: report, onOpenAttachment: (index) => opened.push(index), labels: { attachment: (name) => `Ouvrir ${name}` } });

    expect(texts(host.querySelectorAll('h3'))).toEqual(report.sections.map((section) => section.title));
    expect(texts(host.querySelectorAll('h4'))).toContain('Complications');
    expect(host.querySelectorAll('h5, h6')).toHaveLength(0);
    expect(host.querySelectorAll('ul.cda-list > li')).toHaveLength(11);
    expect(host.textContent).toContain("Pas d'embolie pulmonaire proximale.");

    const wraps = host.querySelectorAll<HTMLElement>('.cda-table-wrap');
    expect(wraps.length).toBeGreaterThan(10);
    for (const wrap of wraps) {
      expect(wrap.tabIndex).toBe(0);
      expect(wrap.getAttribute('role')).toBe('group');
      expect(wrap.getAttribute('aria-label') ?? wrap.getAttribute('aria-labelledby')).toBeTruthy();
      expect(wrap.querySelector('table')).not.toBeNull();
    }
    for (const th of host.querySelectorAll('th')) expect(['col', 'row']).toContain(th.getAttribute('scope'));
    expect(host.querySelector('strong > em, em > strong')?.textContent).toBe("CR d'imagerie du 01/12/2021");

    const buttons = host.querySelectorAll<HTMLButtonElement>('button.cda-attachment');
    expect(texts(buttons)).toEqual(["Ouvrir CR d'imagerie du 01-12-2021.pdf"]);
    await userEvent.click(buttons[0] as HTMLButtonElement);
    expect(opened).toEqual([0]);

    expectNoSenderMarkup(host);
    await expectNoAxeViolations();
  });

  it('renders the patient summary: 19 sections and three files, each opening its own', async () => {
    const opened: number[] = [];
    const summary = await load(ipsUrl);
    const host = mount({ document: summary, onOpenAttachment: (index) => opened.push(index) });

    const headings = texts(host.querySelectorAll('h3'));
    expect(headings).toHaveLength(19);
    expect(headings[0]).toBe('Problèmes actifs');
    expect(headings[18]).toBe('Documents joints');
    expect(host.querySelectorAll('table').length).toBeGreaterThanOrEqual(20);
    expect(host.querySelectorAll('thead th[scope="col"]').length).toBeGreaterThan(50);
    expect(texts(host.querySelectorAll('em'))).toContain('Traitements médicamenteux :');

    const buttons = [...host.querySelectorAll<HTMLButtonElement>('button.cda-attachment')];
    // without labels, a button shows the file's name
    expect(texts(buttons)).toEqual(summary.attachments.map((attachment) => attachment.name));
    await userEvent.click(buttons[2] as HTMLButtonElement);
    await userEvent.click(buttons[1] as HTMLButtonElement);
    expect(opened).toEqual([2, 1]);

    expectNoSenderMarkup(host);
    await expectNoAxeViolations();
  });

  it('lets the keyboard reach a table and scroll it', async () => {
    const host = mount({ document: await load(vacUrl) });
    const wrap = host.querySelector<HTMLElement>('.cda-table-wrap') as HTMLElement;
    wrap.style.cssText = 'overflow-x: auto; width: 200px'; // no app stylesheet here: overflow as the CSS will make it
    await userEvent.tab();
    expect(document.activeElement).toBe(wrap);
    expect(wrap.getAttribute('aria-label')).toBe('Historique des vaccinations');
    await userEvent.keyboard('{ArrowRight}{ArrowRight}{ArrowRight}');
    await expect.poll(() => wrap.scrollLeft).toBeGreaterThan(0); // keyboard scrolling is animated
  });

  it('shows file names without buttons when nothing can open them', async () => {
    const host = mount({ document: await load(imgUrl) });
    expect(host.querySelectorAll('button')).toHaveLength(0);
    expect(host.querySelector('.cda-attachment-name')?.textContent).toBe("CR d'imagerie du 01-12-2021.pdf");
  });

  it('shows hostile narrative as text, never as markup', () => {
    const hostile = parseCda(
      utf8(
        `<ClinicalDocument xmlns="urn:hl7-org:v3"><title>x</title><component><structuredBody><component><section><title>&lt;img src=x onerror=alert(1)&gt;</title><text><paragraph><![CDATA[<script>alert(2)</script>]]><linkHtml href="javascript:alert(3)">lien</linkHtml><content styleCode="Bold" style="position:fixed">gras</content></paragraph><table><tbody><tr><td colspan="5000" onclick="alert(4)">&lt;b&gt;</td></tr></tbody></table></text></section></component></structuredBody></component></ClinicalDocument>`,
      ),
    );
    if (!hostile.ok) throw new Error(hostile.error.type);
    const host = mount({ document: hostile.value });
    expectNoSenderMarkup(host);
    expect(host.querySelector('h3')?.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(host.querySelector('p')?.textContent).toBe('<script>alert(2)</script>liengras');
    expect(host.querySelector('td')?.textContent).toBe('<b>');
    expect(host.querySelector('td')?.getAttribute('colspan')).toBe('1000');
  });
});
