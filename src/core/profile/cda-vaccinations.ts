/**
 * Vaccinations read out of a CDA R2 document as the French DMP writes them: the "Historique des
 * vaccinations" (VAC) document, or the immunisation section (LOINC 11369-6) of a patient summary
 * (IPS-FR, VSM). Each immunisation entry, a `substanceAdministration` with the IHE PCC
 * Immunization or CI-SIS FR-Vaccination template (ANS CI-SIS "Carnet de vaccination"), becomes a
 * vaccination entry the patient may add:
 * - the product's name and its CIS code from `consumable/manufacturedProduct/manufacturedMaterial`
 *   (its ATC translation helps to tell the diseases, vaccine-targets.ts);
 * - the lot number (`lotNumberText`), the dose rank (FR-Rang-de-la-vaccination, LOINC 30973-2),
 *   the performer's name and the comment (FR-Commentaire-ER, LOINC 48767-8) as the note;
 * - the date from `effectiveTime`, as precise as written: "1975" stays a year.
 *
 * What must stay true: the input is untrusted and parsed through xml.ts (bounded, no DOCTYPE);
 * a planned (`moodCode="INT"`) administration is not a vaccination; one refused or not given
 * (`negationInd="true"`) is not either, and is reported rather than dropped in silence.
 */
import { CDA_LIMITS, parseHl7Day } from '../importers/cda.ts';
import { HL7_NAMESPACE as HL7 } from '../importers/cda-narrative.ts';
import { childElements, collapseWhitespace, descend, firstChild, parseXmlBytes, textContent, type XmlElement } from '../importers/xml.ts';
import type { TypeCode } from '../records/document-classes.ts';
import { err, ok, type Result } from '../result.ts';
import { isPartialDate, parseProfileEntry, type PartialDate, type VaccinationEntry } from './entry.ts';
import { guessVaccineTargets } from './vaccine-targets.ts';

export type CdaVaccinationError =
  | { readonly type: 'CdaNotXml'; readonly detail: string } // not well-formed, not UTF-8, DOCTYPE, over a limit
  | { readonly type: 'CdaNotClinicalDocument' }
  | { readonly type: 'NoVaccinations' }; // a CDA without any immunisation entry

/** An immunisation entry that could not become a vaccination, by its place among the entries found. */
export interface CdaVaccinationSkip {
  /** 0-based, in document order among the immunisation entries. */
  readonly index: number;
  readonly reason: 'not-given' | 'no-date' | 'no-product' | 'invalid';
  readonly vaccine: string | null;
}

export interface CdaVaccinations {
  readonly entries: readonly VaccinationEntry[];
  readonly skipped: readonly CdaVaccinationSkip[];
}

/** Immunisation entry templates: IHE PCC Immunizations, CI-SIS FR-Vaccination, C-CDA Immunization Activity. */
const IMMUNIZATION_TEMPLATES = new Set(['1.3.6.1.4.1.19376.1.5.3.1.4.12', '1.2.250.1.213.1.1.3.45', '2.16.840.1.113883.10.20.22.4.52']);
const IMMUNIZATION_SECTION = '11369-6';
const LOINC = '2.16.840.1.113883.6.1';
const DOSE_RANK = '30973-2';
const COMMENT = '48767-8';
/** The vaccination entry limits of entry.ts, so a long label is cut rather than refused. */
const MAX_VACCINE = 300;
const MAX_BATCH = 100;
const MAX_PERFORMER = 300;

/**
 * Every vaccination given in the document. `NoVaccinations` when it has no immunisation entry at
 * all; entries found but unreadable come back in `skipped`, each with its reason.
 */
export function readCdaVaccinations(bytes: Uint8Array): Result<CdaVaccinations, CdaVaccinationError> {
  const parsed = parseXmlBytes(bytes, CDA_LIMITS);
  if (!parsed.ok) return err({ type: 'CdaNotXml', detail: parsed.error.detail });
  const root = parsed.value;
  if (root.uri !== HL7 || root.name !== 'ClinicalDocument') return err({ type: 'CdaNotClinicalDocument' });
  const body = descend(root, HL7, 'component', 'structuredBody');
  if (body === null) return err({ type: 'NoVaccinations' });

  const found: XmlElement[] = [];
  findImmunizations(body, false, found);
  if (found.length === 0) return err({ type: 'NoVaccinations' });

  const narrativeById = new Map<string, XmlElement>();
  collectIds(body, narrativeById);
  const entries: VaccinationEntry[] = [];
  const skipped: CdaVaccinationSkip[] = [];
  found.forEach((administration, index) => {
    const read = readVaccination(administration, narrativeById);
    if (read.ok) entries.push(read.value);
    else skipped.push({ index, ...read.error });
  });
  return ok({ entries, skipped });
}

/** Events only (not plans), with an immunisation template or inside an immunisation section. */
function findImmunizations(element: XmlElement, inSection: boolean, out: XmlElement[]): void {
  for (const child of element.children) {
    if (typeof child === 'string' || child.uri !== HL7) continue;
    if (child.name === 'section') {
      const code = firstChild(child, HL7, 'code');
      const isImmunizations = code?.attributes.get('code') === IMMUNIZATION_SECTION && code.attributes.get('codeSystem') === LOINC;
      findImmunizations(child, isImmunizations, out);
    } else if (child.name === 'substanceAdministration') {
      const templated = childElements(child, HL7, 'templateId').some((t) => IMMUNIZATION_TEMPLATES.has(t.attributes.get('root') ?? ''));
      if ((templated || inSection) && (child.attributes.get('moodCode') ?? 'EVN') === 'EVN') out.push(child);
      // Nested administrations (a component of another) are not separate injections here.
    } else if (child.name !== 'text') {
      findImmunizations(child, inSection, out);
    }
  }
}

/** Narrative elements by their ID, for `originalText/reference` and `text/reference`. */
function collectIds(element: XmlElement, out: Map<string, XmlElement>): void {
  for (const child of element.children) {
    if (typeof child === 'string') continue;
    const id = child.attributes.get('ID');
    if (id !== undefined && !out.has(id)) out.set(id, child);
    collectIds(child, out);
  }
}

type Skip = Omit<CdaVaccinationSkip, 'index'>;

function readVaccination(administration: XmlElement, narrativeById: ReadonlyMap<string, XmlElement>): Result<VaccinationEntry, Skip> {
  const material = descend(administration, HL7, 'consumable', 'manufacturedProduct', 'manufacturedMaterial');
  const codeElement = firstChild(material, HL7, 'code');
  const code = readCode(codeElement);
  const referenced = (element: XmlElement | null): string | null => {
    const reference = descend(element, HL7, 'originalText', 'reference') ?? firstChild(element, HL7, 'reference');
    const target = reference?.attributes.get('value')?.replace(/^#/, '');
    const found = target === undefined ? undefined : narrativeById.get(target);
    return found === undefined ? null : nonEmpty(collapseWhitespace(textContent(found)));
  };
  const name = materialName(material) ?? code?.display ?? referenced(codeElement) ?? referenced(firstChild(administration, HL7, 'text'));
  if (administration.attributes.get('negationInd') === 'true') return err({ reason: 'not-given', vaccine: name });
  if (name === null) return err({ reason: 'no-product', vaccine: null });

  const date = readDate(firstChild(administration, HL7, 'effectiveTime'));
  if (date === null) return err({ reason: 'no-date', vaccine: name });

  const translations = (codeElement === null ? [] : childElements(codeElement, HL7, 'translation')).map(readCode).filter((c): c is TypeCode => c !== null);
  const targets = guessVaccineTargets({
    names: [name, ...(code?.display === null || code?.display === undefined ? [] : [code.display]), ...translations.flatMap((t) => (t.display === null ? [] : [t.display]))],
    codes: [...(code === null ? [] : [code]), ...translations],
  });
  const parsed = parseProfileEntry({
    section: 'vaccination',
    vaccine: clip(name, MAX_VACCINE),
    targets,
    date,
    doseNumber: readDoseNumber(administration),
    batch: clip(text(firstChild(material, HL7, 'lotNumberText')) ?? '', MAX_BATCH),
    performer: clip(readPerformer(administration) ?? '', MAX_PERFORMER),
    code,
    note: readComment(administration, referenced),
    documents: [],
  });
  if (!parsed.ok || parsed.value.section !== 'vaccination') return err({ reason: 'invalid', vaccine: name });
  return ok(parsed.value);
}

function materialName(material: XmlElement | null): string | null {
  const name = firstChild(material, HL7, 'name');
  if (name === null || name.attributes.has('nullFlavor')) return null;
  return text(name);
}

function readCode(element: XmlElement | null): TypeCode | null {
  const code = element?.attributes.get('code')?.trim();
  const system = element?.attributes.get('codeSystem')?.trim();
  if (element === null || code === undefined || system === undefined || code === '' || system === '') return null;
  if (code.length > 100 || system.length > 200) return null;
  const display = nonEmpty(collapseWhitespace(element.attributes.get('displayName') ?? ''));
  return { system, code, display: display !== null && display.length <= 500 ? display : null };
}

const HL7_PARTIAL = /^(\d{4})(\d{2})?$/;

/** `effectiveTime` as a day, a month or a year, as precise as written; null when absent or invalid. */
function readDate(element: XmlElement | null): PartialDate | null {
  const value = (element?.attributes.get('value') ?? firstChild(element, HL7, 'low')?.attributes.get('value') ?? firstChild(element, HL7, 'center')?.attributes.get('value'))?.trim();
  if (value === undefined) return null;
  const day = parseHl7Day(value);
  if (day !== null) return day;
  const match = HL7_PARTIAL.exec(value);
  if (match === null) return null;
  const partial = match[2] === undefined ? (match[1] as string) : `${match[1]}-${match[2]}`;
  return isPartialDate(partial) ? partial : null;
}

function readDoseNumber(administration: XmlElement): number | null {
  for (const relationship of childElements(administration, HL7, 'entryRelationship')) {
    const observation = firstChild(relationship, HL7, 'observation');
    const code = firstChild(observation, HL7, 'code');
    if (code?.attributes.get('code') !== DOSE_RANK) continue;
    const value = firstChild(observation, HL7, 'value')?.attributes.get('value')?.trim() ?? '';
    if (!/^\d{1,2}$/.test(value)) return null;
    const rank = Number(value);
    return rank >= 1 && rank <= 20 ? rank : null;
  }
  return null;
}

/** "Given Family" of the person who vaccinated, else their organisation's name. */
function readPerformer(administration: XmlElement): string | null {
  const entity = descend(administration, HL7, 'performer', 'assignedEntity');
  const name = descend(entity, HL7, 'assignedPerson', 'name');
  if (name !== null) {
    const parts = ['given', 'family'].flatMap((part) => childElements(name, HL7, part).map((element) => text(element) ?? ''));
    const joined = parts.filter((part) => part !== '').join(' ');
    if (joined !== '') return joined;
  }
  return text(descend(entity, HL7, 'representedOrganization', 'name'));
}

/** The comment entry's own text, else the narrative it points to; '-' alone means none. */
function readComment(administration: XmlElement, referenced: (element: XmlElement | null) => string | null): string {
  for (const relationship of childElements(administration, HL7, 'entryRelationship')) {
    const act = firstChild(relationship, HL7, 'act');
    if (firstChild(act, HL7, 'code')?.attributes.get('code') !== COMMENT) continue;
    const textElement = firstChild(act, HL7, 'text');
    if (textElement === null) return '';
    const own = nonEmpty(collapseWhitespace(textElement.children.filter((child): child is string => typeof child === 'string').join('')));
    const comment = own ?? referenced(textElement) ?? '';
    return comment === '-' ? '' : clip(comment, 10_000);
  }
  return '';
}

function text(element: XmlElement | null): string | null {
  return element === null ? null : nonEmpty(collapseWhitespace(textContent(element)));
}

function nonEmpty(value: string): string | null {
  return value === '' ? null : value;
}

function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
