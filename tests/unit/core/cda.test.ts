/**
 * CDA R2 reading: the six ANS example documents as they are (tests/fixtures/cda, see
 * PROVENANCE.md), every refusal giving its typed error, the narrative coming out as data only,
 * and seeded fuzzing (truncation at every point of a range, byte flips) that must never throw.
 * Decoded sizes and hashes of the embedded PDFs were computed independently with Python's
 * xml.etree and base64 modules.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../../src/core/bytes.ts';
import {
  looksLikeCda,
  parseBase64,
  parseCda,
  parseHl7Day,
  type CdaBlock,
  type CdaDocument,
  type CdaError,
  type CdaInline,
  type CdaSection,
} from '../../../src/core/importers/cda.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const N1 = 'cda/DOC_NON_STRUCTURE_CDA-R2-N1.xml';
const BIO = 'cda/BIO-CR-BIO_2024.01_Glycemie-mole.xml';
const IMG = 'cda/IMG_CR_IMG_2024.01.xml';
const IPS = 'cda/IPS-FR_2024.01.xml';
const VAC = 'cda/VAC_2023.01.xml';
const VSM = 'cda/VSM_1.4_2022.01.xml';
const ALL = [N1, BIO, IMG, IPS, VAC, VSM];
const LOINC = '2.16.840.1.113883.6.1';

function parsed(bytes: Uint8Array): CdaDocument {
  const result = parseCda(bytes);
  if (!result.ok) throw new Error(`expected a document, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function refused(bytes: Uint8Array | string): CdaError {
  const result = parseCda(typeof bytes === 'string' ? utf8(bytes) : bytes);
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

const startsWithPdf = (bytes: Uint8Array) => new TextDecoder().decode(bytes.subarray(0, 5)) === '%PDF-';
const titles = (sections: readonly CdaSection[]) => sections.map((section) => section.title);

function allBlocks(sections: readonly CdaSection[]): CdaBlock[] {
  const out: CdaBlock[] = [];
  const visitBlocks = (blocks: readonly CdaBlock[]) => {
    for (const block of blocks) {
      out.push(block);
      if (block.type === 'list') block.items.forEach(visitBlocks);
      if (block.type === 'table') for (const row of [...block.head, ...block.body]) for (const cell of row.cells) visitBlocks(cell.content);
    }
  };
  const visit = (list: readonly CdaSection[]) => {
    for (const section of list) {
      visitBlocks(section.blocks);
      visit(section.sections);
    }
  };
  visit(sections);
  return out;
}

function allInlines(sections: readonly CdaSection[]): CdaInline[] {
  return allBlocks(sections).flatMap((block) => (block.type === 'paragraph' ? block.content : block.type === 'table' ? (block.caption ?? []) : []));
}

/**
 * The output is data: every object has only the keys of its type, every value is a string,
 * boolean or number. Nothing else from the input (attributes, tags, styles, links) can be there.
 */
function expectDataOnly(document: CdaDocument): void {
  const inlineKeys = [['text', 'bold', 'italic', 'underline'], ['lineBreak'], ['attachment']];
  const checkInline = (inline: CdaInline) => {
    const keys = Object.keys(inline);
    expect(inlineKeys.some((allowed) => keys.every((key) => allowed.includes(key)))).toBe(true);
    if ('text' in inline) expect(typeof inline.text).toBe('string');
    if ('attachment' in inline) expect(inline.attachment).toBeLessThan(document.attachments.length);
  };
  const checkBlocks = (blocks: readonly CdaBlock[]) => {
    for (const block of blocks) {
      if (block.type === 'paragraph') {
        expect(Object.keys(block).sort()).toEqual(['content', 'type']);
        expect(block.content.length).toBeGreaterThan(0);
        block.content.forEach(checkInline);
      } else if (block.type === 'list') {
        expect(Object.keys(block).sort()).toEqual(['items', 'ordered', 'type']);
        block.items.forEach(checkBlocks);
      } else {
        expect(Object.keys(block).sort()).toEqual(['body', 'caption', 'head', 'type']);
        block.caption?.forEach(checkInline);
        for (const row of [...block.head, ...block.body]) {
          expect(Object.keys(row)).toEqual(['cells']);
          for (const cell of row.cells) {
            expect(Object.keys(cell).sort()).toEqual(['colspan', 'content', 'header', 'rowspan']);
            checkBlocks(cell.content);
          }
        }
      }
    }
  };
  const checkSections = (sections: readonly CdaSection[]) => {
    for (const section of sections) {
      expect(Object.keys(section).sort()).toEqual(['blocks', 'code', 'sections', 'title']);
      checkBlocks(section.blocks);
      checkSections(section.sections);
    }
  };
  checkSections(document.sections);
}

describe('the ANS example documents', () => {
  it.each(ALL)('%s parses, sniffs as CDA from its first 4 KB, and holds data only', (name) => {
    const bytes = fixture(name);
    expect(looksLikeCda(bytes.subarray(0, 4096))).toBe(true);
    const document = parsed(bytes);
    expectDataOnly(document);
    expect(document.text).not.toMatch(/\s{2}|^\s|\s$/);
    expect(document.text.startsWith(document.title)).toBe(true);
    for (const attachment of document.attachments) {
      expect(attachment.mediaType).toBe('application/pdf');
      expect(startsWithPdf(attachment.bytes)).toBe(true);
      expect(attachment.name).toMatch(/^[^/\\:*?"<>|]+\.pdf$/);
    }
    expect(new Set(document.attachments.map((a) => a.name)).size).toBe(document.attachments.length);
  });

  it('N1: the biology report PDF, decoded byte for byte', () => {
    const document = parsed(fixture(N1));
    expect(document).toMatchObject({
      level: 'N1',
      title: "Compte rendu d'examens biologiques",
      code: { system: LOINC, code: '11502-2', display: "CR d'examens biologiques" },
      careDate: '2021-01-04',
      author: { person: 'M Marcel CAMPARINI', organisation: 'Laboratoire des charmes', specialty: 'Médecin - Biologie médicale (SM)' },
      custodian: 'Laboratoire des charmes',
      sections: [],
      attachments: [],
      text: "Compte rendu d'examens biologiques",
    });
    const body = document.body;
    expect(body?.mediaType).toBe('application/pdf');
    expect(body?.name).toBe("Compte rendu d'examens biologiques.pdf");
    expect(body?.bytes.length).toBe(326_650);
    expect(toHex(sha256(body?.bytes ?? new Uint8Array()))).toBe('72cbc4c926baf2817c7f9013a5f898c2254c84db2d3fad6febf22b64abd01529');
  });

  it('BIO-CR-BIO: the glucose result table and the copy of the report', () => {
    const document = parsed(fixture(BIO));
    expect(document).toMatchObject({ level: 'N3', code: { code: '11502-2', system: LOINC }, careDate: '2021-01-04', body: null });
    expect(titles(document.sections)).toEqual(['BIOCHIMIE', 'Copie du document']);
    expect(titles(document.sections[0]?.sections ?? [])).toEqual([null]);
    expect(document.text).toContain('Glycémie à jeun');
    expect(document.text).toContain('4.89 mmol/L');
    expect(document.attachments.map((a) => [a.name, a.bytes.length])).toEqual([['Copie du document.pdf', 79_386]]);
    const cells = allBlocks(document.sections).flatMap((block) => (block.type === 'table' ? [...block.head, ...block.body].flatMap((row) => row.cells) : []));
    expect(cells.some((cell) => cell.rowspan > 1)).toBe(true);
    expect(allInlines(document.sections)).toContainEqual({ attachment: 0 });
    // th styleCode="Bold" reaches the text it holds
    expect(allInlines(document.sections)).toContainEqual({ text: 'AUTRES EXAMENS DE BIOCHIMIE SANGUINE', bold: true });
  });

  it('IMG-CR-IMG: 12 sections with their subsections, lists, and the linked report', () => {
    const document = parsed(fixture(IMG));
    expect(document).toMatchObject({
      level: 'N3',
      title: 'CR d’imagerie médicale - Scanner Tête + Cou + Thorax avec injection',
      code: { system: LOINC, code: '18748-4' },
      careDate: '2021-01-08',
      author: { person: 'M Jacques BIDEAULT', organisation: 'Centre de radiologie Ambroise', specialty: 'Médecin - Radio-diagnostic (SM)' },
      custodian: 'Centre de radiologie Ambroise',
    });
    const technique = 'Technique d’imagerie';
    expect(titles(document.sections)).toEqual([
      'Addendum',
      'Informations cliniques',
      technique,
      technique,
      technique,
      'Dispositifs médicaux',
      'Résultats',
      "Résultats d'examens antérieurs",
      'Comparaisons avec des résultats antérieurs',
      'Conclusion',
      'Documents liés',
      'Information du patient',
    ]);
    expect(titles(document.sections[1]?.sections ?? [])).toEqual([
      "Justification de la demande d’examen / Finalité de l'examen",
      'Antécédents médicaux / Antécédents chirurgicaux / Contre-indications',
    ]);
    expect(titles(document.sections[2]?.sections ?? [])).toEqual(['Complications', 'Exposition aux rayonnements et informations de radioprotection', 'Catalogue d’objets DICOM']);
    expect(document.sections[6]?.code).toEqual({ system: LOINC, code: '59776-5', display: "Résultats de l'acte" });

    const results = document.sections[6]?.blocks ?? [];
    expect(results.map((block) => block.type)).toEqual(['paragraph', 'list', 'paragraph', 'list']);
    expect(results[0]).toEqual({ type: 'paragraph', content: [{ text: '(texte libre)' }, { lineBreak: true }, { text: "A l'étage sus-diaphragmatique :" }] });
    expect(results[1]?.type === 'list' && results[1].items.length).toBe(4);
    expect(results[3]?.type === 'list' && results[3].items.length).toBe(7);

    expect(document.attachments.map((a) => [a.name, a.bytes.length])).toEqual([["CR d'imagerie du 01-12-2021.pdf", 165_811]]);
    expect(document.sections[10]?.blocks).toEqual([
      {
        type: 'table',
        caption: null,
        head: [{ cells: [{ header: true, colspan: 1, rowspan: 1, content: [{ type: 'paragraph', content: [{ text: "CR d'imagerie du 01/12/2021", bold: true, italic: true }] }] }] }],
        body: [{ cells: [{ header: false, colspan: 1, rowspan: 1, content: [{ type: 'paragraph', content: [{ attachment: 0 }] }] }] }],
      },
    ]);
    // linkHtml keeps its words, never its target
    expect(document.text).toContain('images examen 1');
    expect(JSON.stringify(document.sections)).not.toContain('wado');
    expect(document.text).toContain("Pas d'embolie pulmonaire proximale.");
  });

  it('IPS-FR: 19 sections and three embedded PDFs named from the narrative', () => {
    const document = parsed(fixture(IPS));
    expect(document).toMatchObject({
      level: 'N3',
      title: 'SYNTHESE MEDICALE',
      code: { system: LOINC, code: '60591-5', display: 'Synthèse médicale' },
      careDate: '2024-04-02',
      author: { person: 'M Stéphane MEDIONI', organisation: 'Centre de soins le Belvédère', specialty: 'Médecin - Qualifié en Médecine Générale (SM)' },
      custodian: 'Centre de soins le Belvédère',
    });
    expect(titles(document.sections)).toEqual([
      'Problèmes actifs',
      'Antécédents',
      'Historique des actes',
      'Allergies, hypersensibilités non allergiques, intolérances, idiosyncrasie',
      'Effets indésirables prévisibles liés aux médicaments',
      'Traitements',
      'Dispositifs médicaux',
      'Points de vigilance',
      'Statut fonctionnel',
      'Constantes',
      'Mode de vie',
      'Facteurs de risques professionnels',
      'Antécédents familiaux',
      'Vaccinations',
      'Historique des grossesses',
      'Plan de soins',
      'Directives anticipées',
      'Résultats',
      'Documents joints',
    ]);
    expect(document.sections.map((section) => section.code?.code)).toContain('8716-3');
    expect(document.attachments.map((a) => [a.name, a.bytes.length, toHex(sha256(a.bytes))])).toEqual([
      ['Directives anticipées non structurées (pdf récupérées du DMP 01-04-2024).pdf', 122_963, '04be94c120a37118cecd6efbd775fda2094ecaae66534cf9930372e9ff831d06'],
      ['Attestation de la carte vitale.pdf', 398_746, '051a1ec2ebac362a0d6749b18e47bda59e35d04fa4cc7cdaff636b2853ff864a'],
      ['Attestation de mutuelle.pdf', 398_223, 'd38824712b59df555a4798672ffb13da6ed8b8570b7910185caeb0b1a31e6ef4'],
    ]);
    const attached = document.sections[18]?.blocks[0];
    expect(attached?.type === 'table' && attached.body[0]?.cells[0]?.content).toEqual([
      { type: 'paragraph', content: [{ text: 'Attestation de la carte vitale' }, { lineBreak: true }, { lineBreak: true }, { attachment: 1 }] },
    ]);
    // styleCode="Emphasis" reads as italics
    expect(document.sections[15]?.blocks[0]).toEqual({ type: 'paragraph', content: [{ text: 'Traitements médicamenteux :', italic: true }] });
    expect(document.text).toContain('Thyroïdite auto-immune');
    expect(document.text).toContain('ROSUVASTATINE');
    expect(document.text).not.toContain('JVBERi0'); // no base64 in the search text
  });

  it('VAC: one section, lists of vaccine groups and their tables', () => {
    const document = parsed(fixture(VAC));
    expect(document).toMatchObject({
      level: 'N3',
      title: 'Historique de vaccinations',
      code: { system: LOINC, code: '11369-6' },
      careDate: '2021-04-09',
      // family comes first in the file; the name still reads prefix given family
      author: { person: 'M Charles MULLER', organisation: 'Cabinet Médical du Dr MULLER' },
      custodian: 'Assurance Maladie',
      attachments: [],
    });
    expect(titles(document.sections)).toEqual(['Historique des vaccinations']);
    expect(document.sections[0]?.code?.code).toBe('11369-6');
    const blocks = document.sections[0]?.blocks ?? [];
    expect(blocks[0]).toEqual({
      type: 'list',
      ordered: false,
      items: [[{ type: 'paragraph', content: [{ text: 'Vaccination Antituberculeuse : BCG', bold: true, italic: true }] }]],
    });
    expect(blocks.filter((block) => block.type === 'table')).toHaveLength(3);
    expect(document.text).toContain('Vaccination contre la diphtérie, le tétanos, la poliomyélite, la coqueluche (pertussis)');
    expect(document.text).toContain('Deltoïde gauche');
  });

  it('VSM: a non-LOINC document code and nested sections', () => {
    const document = parsed(fixture(VSM));
    expect(document).toMatchObject({ level: 'N3', title: 'Synthèse Médicale', code: { system: '1.2.250.1.213.1.1.4.12', code: 'SYNTH', display: 'Synthèse' }, careDate: '2020-03-12' });
    expect(titles(document.sections)).toEqual(['Pathologie en cours, antécédents, allergies et facteurs de risques', 'Points de vigilance', 'Traitement au long cours']);
    const first = document.sections[0]?.sections ?? [];
    expect(titles(first)).toEqual(['Pathologies en cours, antécédents et allergies', 'Facteurs de risque']);
    expect(titles(first[0]?.sections ?? [])).toEqual(['Pathologie en cours', 'Antécédents médicaux', 'Antécédents chirurgicaux', 'Allergies et hypersensibilités']);
    expect(titles(first[1]?.sections ?? [])).toEqual(['Mode de vie', 'Facteurs de risques professionnels', 'Antécédents familiaux']);
    expect(titles(document.sections[2]?.sections ?? [])).toEqual(['Traitements']);
    expect(document.text).toContain('Accident ischémique cérébral transitoire');
  });
});

/* Synthetic documents, for what the fixtures do not exercise. */

const HL7_ROOT = '<ClinicalDocument xmlns="urn:hl7-org:v3">';

function cda(options: { header?: string; body: string }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${HL7_ROOT}${options.header ?? '<title>Essai</title>'}<component>${options.body}</component></ClinicalDocument>`;
}

function n1(text: string): string {
  return cda({ body: `<nonXMLBody>${text}</nonXMLBody>` });
}

function n3Section(text: string, entries = ''): string {
  return cda({ body: `<structuredBody><component><section><title>Section</title><text>${text}</text>${entries}</section></component></structuredBody>` });
}

function narrative(text: string, entries = ''): readonly CdaBlock[] {
  return parsed(utf8(n3Section(text, entries))).sections[0]?.blocks ?? [];
}

const b64 = (bytes: Uint8Array | string) => Buffer.from(typeof bytes === 'string' ? utf8(bytes) : bytes).toString('base64');
const PDF = utf8('%PDF-1.4\n% tiny\n%%EOF\n');
const media = (id: string, data = b64(PDF), mediaType = 'application/pdf') =>
  `<entry><observationMedia classCode="OBS" moodCode="EVN" ID="${id}"><value mediaType="${mediaType}" representation="B64">${data}</value></observationMedia></entry>`;

describe('refusals', () => {
  it('refuses what is not well-formed XML', () => {
    expect(refused('')).toMatchObject({ type: 'CdaNotXml' });
    expect(refused('%PDF-1.4')).toMatchObject({ type: 'CdaNotXml' });
    expect(refused(`${HL7_ROOT}<title>x</ClinicalDocument>`)).toMatchObject({ type: 'CdaNotXml' });
    expect(refused(`${HL7_ROOT}<title>a &nbsp; b</title></ClinicalDocument>`)).toMatchObject({ type: 'CdaNotXml' });
    expect(refused(`${HL7_ROOT}<x:title>a</x:title></ClinicalDocument>`)).toMatchObject({ type: 'CdaNotXml' }); // unbound prefix
    expect(refused(`${HL7_ROOT}</ClinicalDocument><ClinicalDocument/>`)).toMatchObject({ type: 'CdaNotXml' });
    const longName = refused(`${HL7_ROOT}<${'a'.repeat(100_000)}></ClinicalDocument>`);
    expect(longName.type === 'CdaNotXml' && longName.detail.length).toBeLessThanOrEqual(201);
  });

  it('refuses bytes that are not UTF-8, and other declared encodings', () => {
    const latin1 = utf8(n1('<text>x</text>').replace('Essai', 'Essai XX'));
    latin1.set([0x45, 0xe9], latin1.indexOf(0x58)); // "É" as ISO-8859-1, invalid as UTF-8
    expect(refused(latin1)).toEqual({ type: 'CdaNotXml', detail: expect.stringContaining('UTF-8') as unknown });
    expect(refused(n1('<text>x</text>').replace('UTF-8', 'ISO-8859-1'))).toEqual({ type: 'CdaNotXml', detail: 'encoding iso-8859-1 is not supported' });
    expect(refused(new Uint8Array([0xff, 0xfe, 0x3c, 0x00]))).toEqual({ type: 'CdaNotXml', detail: 'UTF-16 is not supported' });
    // overlong "/" and a UTF-16 surrogate encoded in UTF-8
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) {
      const bytes = utf8(cda({ body: '<nonXMLBody><text>__</text></nonXMLBody>' }));
      const at = bytes.indexOf(0x5f);
      const mutated = new Uint8Array([...bytes.subarray(0, at), ...bad, ...bytes.subarray(at + 2)]);
      expect(refused(mutated).type).toBe('CdaNotXml');
    }
  });

  it('accepts a UTF-8 BOM', () => {
    const bytes = utf8(`\uFEFF${n1('<text>bonjour</text>')}`);
    expect(bytes.subarray(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    expect(parsed(bytes).body?.bytes).toEqual(utf8('bonjour'));
  });

  it('refuses any DOCTYPE, so entity bombs and external entities never run', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE ClinicalDocument [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>${HL7_ROOT}<title>&d;</title></ClinicalDocument>`;
    expect(refused(laughs)).toEqual({ type: 'CdaNotXml', detail: 'a DOCTYPE is not allowed' });
    const external = `<?xml version="1.0"?><!DOCTYPE ClinicalDocument SYSTEM "file:///etc/passwd">${HL7_ROOT}<title>x</title></ClinicalDocument>`;
    expect(refused(external)).toEqual({ type: 'CdaNotXml', detail: 'a DOCTYPE is not allowed' });
    expect(refused(`<!DOCTYPE html>${HL7_ROOT}</ClinicalDocument>`).type).toBe('CdaNotXml');
  });

  it('refuses nesting deeper than 200 elements, and reads 190 levels without trouble', () => {
    const nest = (depth: number) => n3Section(`${'<content>'.repeat(depth)}profond${'</content>'.repeat(depth)}`);
    expect(refused(nest(250))).toEqual({ type: 'CdaNotXml', detail: 'nested deeper than 200 elements' });
    // root, component, structuredBody, component, section, text: 6 levels above the contents
    expect(narrative(`${'<content>'.repeat(190)}profond${'</content>'.repeat(190)}`)).toEqual([{ type: 'paragraph', content: [{ text: 'profond' }] }]);
    expect(parsed(utf8(nest(194))).text).toContain('profond');
    expect(refused(nest(195)).type).toBe('CdaNotXml');
  });

  it('refuses a document over the size or element-count limit', () => {
    expect(refused(new Uint8Array(64 * 1024 * 1024 + 1))).toEqual({ type: 'CdaNotXml', detail: 'larger than 67108864 bytes' });
    expect(refused(n3Section('<br/>'.repeat(200_001)))).toEqual({ type: 'CdaNotXml', detail: 'more than 200000 elements' });
  });

  it('refuses XML that is not an HL7 v3 ClinicalDocument', () => {
    expect(refused('<html><body>hi</body></html>')).toEqual({ type: 'CdaNotClinicalDocument' });
    expect(refused('<ClinicalDocument><title>x</title></ClinicalDocument>')).toEqual({ type: 'CdaNotClinicalDocument' });
    expect(refused('<ClinicalDocument xmlns="urn:hl7-org:v2"/>')).toEqual({ type: 'CdaNotClinicalDocument' });
    expect(refused(fixture('fhir/IPS-bundle-01.xml'))).toEqual({ type: 'CdaNotClinicalDocument' });
  });

  it('refuses a document without a body', () => {
    expect(refused(`${HL7_ROOT}<title>x</title></ClinicalDocument>`)).toEqual({ type: 'CdaBodyMissing' });
    expect(refused(cda({ body: '' }))).toEqual({ type: 'CdaBodyMissing' });
    expect(refused(cda({ body: '<somethingElse/>' }))).toEqual({ type: 'CdaBodyMissing' });
  });

  describe('N1 bodies, cut from the real N1 example', () => {
    const original = new TextDecoder().decode(fixture(N1));
    const open = original.indexOf('<text mediaType="application/pdf" representation="B64">');
    const start = original.indexOf('>', open) + 1;
    const end = original.indexOf('</text>', start);
    const withText = (attributes: string, content: string) => utf8(`${original.slice(0, open)}<text ${attributes}>${content}${original.slice(end)}`);
    const withContent = (content: string) => withText('mediaType="application/pdf" representation="B64"', content);
    const base64 = original.slice(start, end);

    it('reads the untouched cut-up as the original', () => {
      expect(parsed(withContent(base64)).body?.bytes.length).toBe(326_650);
    });

    it('refuses a missing or empty file', () => {
      expect(refused(withContent(''))).toEqual({ type: 'CdaEmbeddedFileMissing' });
      expect(refused(withContent('\n    \t  \r\n'))).toEqual({ type: 'CdaEmbeddedFileMissing' });
      expect(refused(withContent('<reference value="http://example.org/report.pdf"/>'))).toEqual({ type: 'CdaEmbeddedFileMissing' });
      expect(refused(utf8(`${original.slice(0, open)}${original.slice(end + '</text>'.length)}`))).toEqual({ type: 'CdaEmbeddedFileMissing' });
    });

    it('refuses what is not base64', () => {
      const middle = Math.floor(base64.length / 2);
      for (const broken of [
        `${base64.slice(0, middle)}!${base64.slice(middle + 1)}`, // outside the alphabet
        `${base64.slice(0, middle)}-${base64.slice(middle + 1)}`, // base64url, not base64
        `${base64.slice(0, middle)}é${base64.slice(middle + 1)}`,
        base64.trimEnd().slice(0, -1), // a length that is not a multiple of four
        `${base64.slice(0, middle)}=${base64.slice(middle + 1)}`, // padding in the middle
        `${base64.trimEnd()}====`,
      ]) {
        expect(refused(withContent(broken))).toMatchObject({ type: 'CdaEmbeddedFileInvalid' });
      }
    });

    it('refuses base64 that is not the PDF it claims to be', () => {
      expect(refused(withContent(b64('Bonjour, ceci est du texte.')))).toEqual({ type: 'CdaEmbeddedFileInvalid', detail: 'the content is not application/pdf' });
      expect(refused(withText('mediaType="image/jpeg" representation="B64"', b64(PDF)))).toEqual({ type: 'CdaEmbeddedFileInvalid', detail: 'the content is not image/jpeg' });
    });

    it('refuses representations and compressions it cannot read', () => {
      expect(refused(withText('mediaType="application/pdf" representation="HEX"', 'abcd'))).toMatchObject({ type: 'CdaEmbeddedFileInvalid', detail: 'representation "HEX" is not supported' });
      expect(refused(withText('mediaType="application/pdf" representation="B64" compression="DF"', base64))).toMatchObject({ type: 'CdaEmbeddedFileInvalid' });
    });

    it('reads other declared types: plain text inline, an image in base64', () => {
      const text = parsed(withText('mediaType="text/plain"', 'Résultat : normal.')).body;
      expect(text).toEqual({ name: "Compte rendu d'examens biologiques.txt", mediaType: 'text/plain', bytes: utf8('Résultat : normal.') });
      const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]);
      expect(parsed(withText('mediaType="image/jpeg" representation="B64"', b64(jpeg))).body).toMatchObject({ mediaType: 'image/jpeg', bytes: jpeg });
    });
  });

  it('refuses an N3 document whose embedded file is broken', () => {
    expect(refused(n3Section('', media('m1', 'JVBER!')))).toMatchObject({ type: 'CdaEmbeddedFileInvalid' });
    expect(refused(n3Section('', media('m1', b64('not a pdf'))))).toMatchObject({ type: 'CdaEmbeddedFileInvalid' });
    const bio = new TextDecoder().decode(fixture(BIO)).replace('JVBERi0xLjQNJeLjz9MN', 'JVBERi0xLjQNJeLjz9M*');
    expect(refused(utf8(bio))).toMatchObject({ type: 'CdaEmbeddedFileInvalid' });
  });
});

describe('fuzzing: never a throw, always a typed error', () => {
  const TYPES = ['CdaNotXml', 'CdaNotClinicalDocument', 'CdaBodyMissing', 'CdaEmbeddedFileMissing', 'CdaEmbeddedFileInvalid'];

  it('every truncation of the VAC document in its first 3 KB (prolog, root, header), every 151st after, and its last 200 bytes', () => {
    const bytes = fixture(VAC);
    const rootEnd = Buffer.from(bytes).lastIndexOf('</ClinicalDocument>') + '</ClinicalDocument>'.length;
    const cuts = new Set<number>();
    for (let cut = 0; cut < 3000; cut++) cuts.add(cut);
    for (let cut = 3000; cut < bytes.length; cut += 151) cuts.add(cut);
    for (let cut = bytes.length - 200; cut < bytes.length; cut++) cuts.add(cut);
    for (const cut of cuts) {
      const result = parseCda(bytes.subarray(0, cut));
      if (cut < rootEnd) expect(result.ok ? 'ok' : result.error.type, `cut at ${cut}`).toBe('CdaNotXml');
      else expect(result.ok, `cut at ${cut}`).toBe(true); // only trailing whitespace was cut
    }
  });

  it('every truncation of an N1 document inside its base64 is an error', () => {
    const text = new TextDecoder().decode(fixture(N1));
    const start = text.indexOf('representation="B64">') + 'representation="B64">'.length;
    const small = utf8(`${text.slice(0, start)}${b64(PDF)}${text.slice(text.indexOf('</text>', start))}`);
    const from = small.indexOf(0x4a, start - 200); // 'J' of "JVBER"
    for (let cut = from; cut < small.length - 1; cut++) expect(parseCda(small.subarray(0, cut)).ok, `cut at ${cut}`).toBe(false);
  });

  it('flipped and replaced bytes of the VSM document (seeded)', () => {
    const bytes = fixture(VSM);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const copy = bytes.slice();
        for (const [offset, value] of edits) copy[offset] = value;
        const result = parseCda(copy);
        if (!result.ok) expect(TYPES).toContain(result.error.type);
        else expectDataOnly(result.value);
      }),
      { seed: 20_240_402, numRuns: 300 },
    );
  });

  it('random narrative markup (seeded) comes out as data', () => {
    const tags = ['paragraph', 'content styleCode="Bold"', 'list listType="ordered"', 'item', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'td colspan="3"', 'th rowspan="0"', 'caption', 'linkHtml href="javascript:alert(1)"', 'sub', 'sup', 'footnote', 'renderMultiMedia referencedObject="m1"', 'br', 'script'];
    const piece: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('texte ', ' ', '\n  ', 'é&amp;<![CDATA[<b>x</b>]]>'),
        fc.tuple(fc.constantFrom(...tags), fc.array(tie('node'), { maxLength: 4 })).map(([tag, inner]) => `<${tag}>${inner.join('')}</${tag.split(' ')[0]}>`),
      ),
    })).node;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
        const document = parsed(utf8(n3Section(pieces.join(''), media('m1'))));
        expectDataOnly(document);
        // CDATA is text: '<b>x</b>' may come out, as characters the component shows as such
        expect(JSON.stringify(document.sections)).not.toMatch(/javascript|href/);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('hostile shapes stay linear', () => {
  // No timing assertion (budgets are benchmarks): a quadratic path here would take hours, not seconds.
  it('many line breaks, many references to one file, many files with one label', () => {
    const breaks = narrative(`x${'<br/>'.repeat(150_000)}y`);
    expect(breaks[0]?.type === 'paragraph' && breaks[0].content.length).toBe(150_002);
    const leading = narrative(`${'<br/>'.repeat(150_000)}y`);
    expect(leading).toEqual([{ type: 'paragraph', content: [{ text: 'y' }] }]);
    const references = parsed(utf8(n3Section('<renderMultiMedia referencedObject="m"/>'.repeat(100_000), media('m'))));
    expect(references.attachments.map((a) => a.name)).toEqual(['Section.pdf']);
    const files = parsed(utf8(n3Section('', Array.from({ length: 20_000 }, (_, i) => media(`m${i}`)).join(''))));
    expect(files.attachments.at(-1)?.name).toBe('Section (20000).pdf');
  });

  it('a long table of wide spanning cells, and deep sections holding much text', () => {
    const rows = '<tr><td colspan="1000" rowspan="2">a</td></tr>'.repeat(60_000);
    const table = narrative(`<table><thead><tr><th colspan="1000">t</th></tr></thead><tbody>${rows}</tbody></table>`);
    expect(table[0]?.type === 'table' && table[0].body.length).toBe(60_000);
    const depth = 95;
    const deep = cda({ body: `<structuredBody>${'<component><section><title>s</title>'.repeat(depth)}<text>${'mot '.repeat(250_000)}</text>${'</section></component>'.repeat(depth)}</structuredBody>` });
    const document = parsed(utf8(deep));
    expect(document.text.length).toBeGreaterThan(1_000_000);
  });
});

describe('narrative', () => {
  it('maps styleCode to bold, italics and underline, merging runs of one style', () => {
    expect(narrative('<paragraph>a <content styleCode="Bold">b</content><content styleCode="Bold Italics">c</content> <content styleCode="Underline">d</content><content>e</content></paragraph>')).toEqual([
      { type: 'paragraph', content: [{ text: 'a ' }, { text: 'b', bold: true }, { text: 'c', bold: true, italic: true }, { text: ' ' }, { text: 'd', underline: true }, { text: 'e' }] },
    ]);
    expect(narrative('<content styleCode="Bold">x<content styleCode="Italics">y</content></content>')).toEqual([{ type: 'paragraph', content: [{ text: 'x', bold: true }, { text: 'y', bold: true, italic: true }] }]);
  });

  it('gives the search text whole words across style runs, and words apart across cells and breaks', () => {
    const document = parsed(utf8(n3Section('<content styleCode="Bold">gr</content>as<br/>suite<table><tbody><tr><td>un</td><td>deux</td></tr></tbody></table><list><item>trois</item></list>')));
    expect(document.text).toBe('Essai Section gras suite un deux trois');
  });

  it('collapses whitespace as a browser would, and trims line breaks at paragraph edges', () => {
    expect(narrative('\n   un\n\t   deux <br/>  trois<br/><br/>quatre <br/>\n')).toEqual([
      { type: 'paragraph', content: [{ text: 'un deux' }, { lineBreak: true }, { text: 'trois' }, { lineBreak: true }, { lineBreak: true }, { text: 'quatre' }] },
    ]);
    expect(narrative('   ')).toEqual([]);
    expect(narrative('<paragraph> </paragraph><paragraph><br/></paragraph>')).toEqual([]);
    expect(narrative('a\u00a0b')).toEqual([{ type: 'paragraph', content: [{ text: 'a\u00a0b' }] }]); // a no-break space stays
  });

  it('reads loose text around blocks as paragraphs', () => {
    expect(narrative('avant<list><item>un</item><item><paragraph>deux</paragraph><list listType="ordered"><item>2.1</item></list></item><item> </item></list>après')).toEqual([
      { type: 'paragraph', content: [{ text: 'avant' }] },
      {
        type: 'list',
        ordered: false,
        items: [
          [{ type: 'paragraph', content: [{ text: 'un' }] }],
          [
            { type: 'paragraph', content: [{ text: 'deux' }] },
            { type: 'list', ordered: true, items: [[{ type: 'paragraph', content: [{ text: '2.1' }] }]] },
          ],
        ],
      },
      { type: 'paragraph', content: [{ text: 'après' }] },
    ]);
  });

  it('reads tables: caption, head, body then foot, spans clamped', () => {
    const blocks = narrative(
      '<table border="1" style="x"><caption>Bilan <sup>2</sup></caption><col/><tfoot><tr><td>pied</td></tr></tfoot><thead><tr><th colspan="2">Examen</th></tr></thead><tbody><tr><th>Glucose</th><td rowspan="3">5</td></tr><tr><td colspan="0">a</td><td colspan="99999">b</td><td rowspan="x">c</td></tr></tbody><tr><td>sans tbody</td></tr></table>',
    );
    const cell = (text: string, header = false, colspan = 1, rowspan = 1) => ({ header, colspan, rowspan, content: [{ type: 'paragraph', content: [{ text }] }] });
    expect(blocks).toEqual([
      {
        type: 'table',
        caption: [{ text: 'Bilan 2' }],
        head: [{ cells: [cell('Examen', true, 2)] }],
        body: [{ cells: [cell('Glucose', true), cell('5', false, 1, 3)] }, { cells: [cell('a'), cell('b', false, 1000), cell('c')] }, { cells: [cell('sans tbody')] }, { cells: [cell('pied')] }],
      },
    ]);
  });

  it('keeps the words of links, footnotes, sub and sup, never a target, a style or foreign markup', () => {
    const blocks = narrative(
      '<paragraph><linkHtml href="javascript:alert(1)" onclick="x()">la fiche</linkHtml> H<sub>2</sub>O<footnote>voir annexe</footnote><footnoteRef IDREF="f1"/><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(2)</x:script><script>alert(3)</script><style>p{}</style></paragraph>',
    );
    expect(blocks).toEqual([{ type: 'paragraph', content: [{ text: 'la fiche H2O [voir annexe]' }] }]);
  });

  it('points renderMultiMedia at the attachment it references, and names files from the narrative', () => {
    const document = parsed(
      utf8(
        n3Section(
          '<table><thead><tr><th>Pièce</th><th>Fichier</th></tr></thead><tbody><tr><td>a</td><td><renderMultiMedia referencedObject="m2"/></td></tr><tr><td>b</td><td>Ordonnance<br/><renderMultiMedia referencedObject="m1 inconnu"/><renderMultiMedia referencedObject="m3"><caption>Radio/face</caption></renderMultiMedia></td></tr></tbody></table>',
          `${media('m1')}${media('m2')}${media('m3')}${media('m4')}${media('m5')}`,
        ),
      ),
    );
    expect(document.attachments.map((a) => a.name)).toEqual(['Ordonnance.pdf', 'Fichier.pdf', 'Radio-face.pdf', 'Section.pdf', 'Section (2).pdf']);
    const table = document.sections[0]?.blocks[0];
    expect(table?.type === 'table' && table.body[1]?.cells[1]?.content).toEqual([
      { type: 'paragraph', content: [{ text: 'Ordonnance' }, { lineBreak: true }, { attachment: 0 }, { text: 'Radio/face' }, { attachment: 2 }] },
    ]);
  });

  it('names files safely: no path, control or bidi-override characters, bounded, unique', () => {
    const names = (label: string, count = 1) =>
      parsed(utf8(n3Section(`${label}<renderMultiMedia referencedObject="${Array.from({ length: count }, (_, i) => `m${i}`).join(' ')}"/>`, Array.from({ length: count }, (_, i) => media(`m${i}`)).join('')))).attachments.map((a) => a.name);
    expect(names('../../etc/passwd')).toEqual(['etc-passwd.pdf']);
    expect(names('facture\u202Efdp.exe')).toEqual(['facturefdp.exe.pdf']);
    expect(names('rapport.PDF')).toEqual(['rapport.pdf']);
    expect(names('x'.repeat(300))[0]).toBe(`${'x'.repeat(80)}.pdf`);
    expect(parsed(utf8(cda({ body: `<structuredBody><component><section><text><renderMultiMedia referencedObject="m0"/></text>${media('m0')}</section></component></structuredBody>` }))).attachments[0]?.name).toBe('piece-jointe-1.pdf');
  });

  it('skips observationMedia that carry no inline data', () => {
    const document = parsed(utf8(n3Section('<renderMultiMedia referencedObject="r"/>', '<entry><observationMedia ID="r"><value mediaType="image/jpeg"><reference value="http://example.org/x.jpg"/></value></observationMedia></entry>')));
    expect(document.attachments).toEqual([]);
    expect(document.sections[0]?.blocks).toEqual([]);
  });
});

describe('header', () => {
  const header = (inner: string) => parsed(utf8(cda({ header: inner, body: '<nonXMLBody><text>x</text></nonXMLBody>' })));

  it('falls back to the code display name, then to an empty title', () => {
    expect(header('<code code="11502-2" codeSystem="2.16.840.1.113883.6.1" displayName="CR de biologie"/>').title).toBe('CR de biologie');
    expect(header('<title>  \n </title>').title).toBe('');
    expect(header('<code nullFlavor="UNK"/>').code).toBeNull();
  });

  it('takes the care date from the service event, else from the document', () => {
    const service = (time: string) => `<documentationOf><serviceEvent>${time}</serviceEvent></documentationOf>`;
    const written = '<effectiveTime value="20240402111700+0100"/>';
    expect(header(`${written}${service('<effectiveTime><low value="20210104092200+0100"/></effectiveTime>')}`).careDate).toBe('2021-01-04');
    expect(header(`${written}${service('<effectiveTime value="20200229"/>')}`).careDate).toBe('2020-02-29');
    expect(header(`${written}${service('<effectiveTime><low value="2019"/></effectiveTime>')}`).careDate).toBe('2024-04-02');
    expect(header(written).careDate).toBe('2024-04-02');
    expect(header('<effectiveTime value="201903"/>').careDate).toBeNull();
    expect(header('<effectiveTime nullFlavor="UNK"/>').careDate).toBeNull();
  });

  it('reads the first author and the custodian', () => {
    const document = header(
      '<author><assignedAuthor><code displayName="Infirmier"/><assignedPerson><name>Jeanne   Martin</name></assignedPerson></assignedAuthor></author><author><assignedAuthor><assignedPerson><name><family>Autre</family></name></assignedPerson></assignedAuthor></author><custodian><assignedCustodian><representedCustodianOrganization><name>Hôpital</name></representedCustodianOrganization></assignedCustodian></custodian>',
    );
    expect(document.author).toEqual({ person: 'Jeanne Martin', organisation: null, specialty: 'Infirmier' });
    expect(document.custodian).toBe('Hôpital');
    expect(header('').author).toEqual({ person: null, organisation: null, specialty: null });
    expect(header('<author><assignedAuthor><assignedAuthoringDevice><softwareName>LGC</softwareName></assignedAuthoringDevice></assignedAuthor></author>').author.person).toBeNull();
  });
});

describe('parseHl7Day', () => {
  it.each([
    ['20210104092200+0100', '2021-01-04'],
    ['20210104', '2021-01-04'],
    ['202101040922', '2021-01-04'],
    ['20210104092259.1234-0500', '2021-01-04'],
    ['20240229', '2024-02-29'],
    ['20000229', '2000-02-29'],
    ['20240402001500+0200', '2024-04-02'], // the day as written, not the UTC day (2024-04-01)
    [' 20210104 ', '2021-01-04'],
  ])('%s is %s', (value, day) => expect(parseHl7Day(value)).toBe(day));

  it.each(['2019', '201903', '', '2021-01-04', '20230229', '19000229', '20211301', '20210100', '20210132', '2021010425', '202101042360', '20210104+01', '20210104+2500', 'abcdefgh', '0000010'])(
    '%j has no day',
    (value) => expect(parseHl7Day(value)).toBeNull(),
  );
});

describe('parseBase64', () => {
  it('reads wrapped, indented base64 back to its bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\n', '\r\n', '\t', '\n      ')), { maxLength: 10 }), (bytes, breaks) => {
        let text = b64(bytes);
        for (const [at, space] of breaks) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + space + text.slice(i);
        }
        expect(parseBase64(text)).toEqual({ ok: true, value: bytes });
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('refuses anything outside the alphabet, and bad padding', () => {
    for (const bad of ['QQ', 'QQ=', 'QQ===', 'Q===', 'QQ==QQ==', 'QU=J', 'QUJD-A==', 'QUJD_A==', 'QUJDRA==\u00a0', 'QUJ\u0000']) expect(parseBase64(bad).ok, bad).toBe(false);
    expect(parseBase64('')).toEqual({ ok: true, value: new Uint8Array() });
    expect(parseBase64('QQ==')).toEqual({ ok: true, value: new Uint8Array([0x41]) });
    expect(parseBase64('QR==')).toEqual({ ok: true, value: new Uint8Array([0x41]) }); // non-zero unused bits, as every decoder reads them
  });
});

describe('looksLikeCda', () => {
  const head = (text: string) => looksLikeCda(utf8(text));

  it('sees a ClinicalDocument root after a BOM, a declaration, instructions and comments', () => {
    expect(head(`\uFEFF<?xml version="1.0"?>\n<?xml-stylesheet href="cda.xsl"?>\n<!-- ${'x'.repeat(3000)} -->\n<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)).toBe(true);
    expect(head('<hl7:ClinicalDocument xmlns:hl7="urn:hl7-org:v3"><hl7:title>')).toBe(true);
  });

  it('says no to other files and to heads that stop before the root tag ends', () => {
    expect(looksLikeCda(new Uint8Array())).toBe(false);
    expect(head('%PDF-1.7\n')).toBe(false);
    expect(head('<ClinicalDocument>')).toBe(false);
    expect(head('<ClinicalDocument xmlns="urn:hl7-org:v2">')).toBe(false);
    expect(head('<Bundle xmlns="http://hl7.org/fhir">')).toBe(false);
    expect(head('<!DOCTYPE x><ClinicalDocument xmlns="urn:hl7-org:v3">')).toBe(false);
    expect(head('<?xml version="1.0"?><!-- a comment that never ends')).toBe(false);
    expect(head('<ClinicalDocument xmlns="urn:hl7-org:v3"')).toBe(false);
    expect(looksLikeCda(fixture('fhir/IPS-bundle-01.xml').subarray(0, 4096))).toBe(false);
    expect(looksLikeCda(fixture(VSM).subarray(0, 3000))).toBe(false); // its root tag ends at byte 3,551
  });
});
