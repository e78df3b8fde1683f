/**
 * Vaccinations read out of CDA documents: the ANS VAC example and the IPS-FR immunisation section
 * as they are (tests/fixtures/cda, see PROVENANCE.md), documents without vaccinations, malformed
 * files, entries that are not vaccinations given; and the product-to-disease mapping, which must
 * guess nothing it is not sure of.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/core/bytes.ts';
import { readCdaVaccinations, type CdaVaccinationError, type CdaVaccinations } from '../../../src/core/profile/cda-vaccinations.ts';
import { ATC_SYSTEM, CVX_SYSTEM, guessVaccineTargets, targetsOfCode, targetsOfName } from '../../../src/core/profile/vaccine-targets.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/cda/${name}`, import.meta.url)));
const CIS = '1.2.250.1.213.2.3.1';

function read(bytes: Uint8Array | string): CdaVaccinations {
  const result = readCdaVaccinations(typeof bytes === 'string' ? utf8(bytes) : bytes);
  if (!result.ok) throw new Error(`expected vaccinations, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function refused(bytes: Uint8Array | string): CdaVaccinationError {
  const result = readCdaVaccinations(typeof bytes === 'string' ? utf8(bytes) : bytes);
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

const common = { note: '', documents: [] } as const;
const tetanusName = 'VACCIN TETANIQUE PASTEUR, suspension injectable en seringue préremplie vaccin tétanique adsorbé';

describe('the VAC example (Historique des vaccinations)', () => {
  it('gives its four injections with product, CIS code, lot, rank, performer and comment', () => {
    const { entries, skipped } = read(fixture('VAC_2023.01.xml'));
    expect(skipped).toEqual([]);
    expect(entries).toEqual([
      {
        section: 'vaccination',
        vaccine: 'VACCIN BCG SSI, poudre et solvant pour suspension injectable',
        targets: ['tuberculosis'],
        // Dated by the year only, and kept so.
        date: '1975',
        doseNumber: 1,
        batch: '235421176',
        performer: 'Charles MULLER',
        code: { system: CIS, code: '61077869', display: 'VACCIN BCG SSI, poudre et solvant pour suspension injectable' },
        ...common,
        note: "L'usager a été informé des avantages et risques liés à la vaccination",
      },
      {
        section: 'vaccination',
        vaccine: tetanusName,
        targets: ['tetanus'],
        // The coded date; the narrative says 25/08/2009 for this one, the entry says 2009-09-28.
        date: '2009-09-28',
        doseNumber: 1,
        batch: '4456668',
        performer: 'Charles MULLER',
        code: { system: CIS, code: '68747507', display: tetanusName },
        ...common,
        note: '(texte libre)',
      },
      {
        section: 'vaccination',
        vaccine: tetanusName,
        targets: ['tetanus'],
        date: '2009-09-28',
        doseNumber: 2,
        batch: '4456672',
        performer: 'Charles MULLER',
        code: { system: CIS, code: '68747507', display: tetanusName },
        ...common,
        note: 'Prise récente et ponctuelle de solupred (60mg) en une prise pendant 2 jours',
      },
      {
        section: 'vaccination',
        vaccine: 'VACCIN MENINGOCOCCIQUE A+C POLYOSIDIQUE, poudre et solvant pour suspension injectable en seringue préremplie',
        // A and C: Carnet tracks serogroup C alone, and ACWY as a whole.
        targets: ['meningococcus-c'],
        date: '2021-04-09',
        doseNumber: 1,
        batch: '357904636',
        performer: 'Charles MULLER',
        code: { system: CIS, code: '61920725', display: 'VACCIN MENINGOCOCCIQUE A+C POLYOSIDIQUE, poudre et solvant pour suspension injectable en seringue préremplie' },
        ...common,
      },
    ]);
  });
});

describe('the IPS-FR example', () => {
  it('gives the two REVAXIS injections of its immunisation section, named from the code when the name is null', () => {
    const { entries, skipped } = read(fixture('IPS-FR_2024.01.xml'));
    expect(skipped).toEqual([]);
    expect(entries.map((e) => [e.vaccine.slice(0, 7), e.targets, e.date, e.doseNumber, e.batch, e.code?.code])).toEqual([
      ['REVAXIS', ['diphtheria', 'tetanus', 'polio'], '2009-09-28', 2, '4456672', '60917345'],
      ['REVAXIS', ['diphtheria', 'tetanus', 'polio'], '2009-09-28', 1, '4456668', '60917345'],
    ]);
    // The planned treatments of its other sections (moodCode INT) are not vaccinations.
    expect(entries).toHaveLength(2);
  });
});

describe('bad input: each a typed error', () => {
  it('a CDA without vaccination entries', () => {
    expect(refused(fixture('VSM_1.4_2022.01.xml'))).toEqual({ type: 'NoVaccinations' });
    expect(refused(fixture('BIO-CR-BIO_2024.01_Glycemie-mole.xml'))).toEqual({ type: 'NoVaccinations' });
    expect(refused(fixture('DOC_NON_STRUCTURE_CDA-R2-N1.xml'))).toEqual({ type: 'NoVaccinations' });
  });

  it('malformed or truncated XML, a DOCTYPE, and XML that is not a CDA', () => {
    const vac = fixture('VAC_2023.01.xml');
    expect(refused(vac.subarray(0, 20_000))).toMatchObject({ type: 'CdaNotXml' });
    expect(refused('not xml')).toMatchObject({ type: 'CdaNotXml' });
    expect(refused('<!DOCTYPE x><ClinicalDocument xmlns="urn:hl7-org:v3"/>')).toEqual({ type: 'CdaNotXml', detail: 'a DOCTYPE is not allowed' });
    expect(refused('<Bundle xmlns="http://hl7.org/fhir"/>')).toEqual({ type: 'CdaNotClinicalDocument' });
  });

  it('never throws on a truncated document', () => {
    const vac = fixture('VAC_2023.01.xml');
    for (let end = 0; end < vac.length; end += 131) expect(() => readCdaVaccinations(vac.subarray(0, end))).not.toThrow();
  });
});

describe('entries that are not vaccinations given', () => {
  const cda = (administrations: string) => `<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><component><structuredBody><component><section>
    <code code="11369-6" codeSystem="2.16.840.1.113883.6.1"/><title>Vaccinations</title><text><content ID="v1">Vaccin contre la grippe</content></text>
    ${administrations}</section></component></structuredBody></component></ClinicalDocument>`;
  const administration = (attributes: string, time: string, material: string) =>
    `<entry><substanceAdministration classCode="SBADM" ${attributes}><effectiveTime ${time}/><consumable><manufacturedProduct><manufacturedMaterial>${material}</manufacturedMaterial></manufacturedProduct></consumable></substanceAdministration></entry>`;

  it('refused, planned, undated or unnamed entries are reported or left out', () => {
    const result = read(
      cda(
        [
          administration('moodCode="EVN" negationInd="true"', 'value="2020"', '<name>ROR</name>'),
          administration('moodCode="INT"', 'value="2030"', '<name>ROR</name>'),
          administration('moodCode="EVN"', 'nullFlavor="UNK"', '<name>ROR</name>'),
          administration('moodCode="EVN"', 'value="2020"', ''),
          administration('moodCode="EVN"', 'value="202013"', '<name>Hexyon</name>'),
          // Named by the narrative the code's originalText points to; a month-precise date.
          administration('moodCode="EVN"', 'value="202310"', '<code nullFlavor="OTH"><originalText><reference value="#v1"/></originalText></code>'),
        ].join(''),
      ),
    );
    expect(result.skipped).toEqual([
      { index: 0, reason: 'not-given', vaccine: 'ROR' },
      { index: 1, reason: 'no-date', vaccine: 'ROR' },
      { index: 2, reason: 'no-product', vaccine: null },
      { index: 3, reason: 'no-date', vaccine: 'Hexyon' },
    ]);
    expect(result.entries).toEqual([
      { section: 'vaccination', vaccine: 'Vaccin contre la grippe', targets: ['influenza'], date: '2023-10', doseNumber: null, batch: '', performer: '', code: null, ...common },
    ]);
  });

  it('an immunisation section with no entries at all is NoVaccinations', () => {
    expect(refused(cda(''))).toEqual({ type: 'NoVaccinations' });
  });
});

describe('vaccine targets', () => {
  it('from ATC codes: exact codes, single-disease groups, and no guess for mixed groups', () => {
    expect(targetsOfCode({ system: ATC_SYSTEM, code: 'J07CA09' })).toEqual(['diphtheria', 'tetanus', 'pertussis', 'polio', 'hib', 'hepatitis-b']);
    expect(targetsOfCode({ system: ATC_SYSTEM, code: 'J07CA01' })).toEqual(['diphtheria', 'polio', 'tetanus']);
    expect(targetsOfCode({ system: ATC_SYSTEM, code: 'J07AN' })).toEqual(['tuberculosis']);
    expect(targetsOfCode({ system: ATC_SYSTEM, code: 'J07AM' })).toEqual(['tetanus']);
    expect(targetsOfCode({ system: ATC_SYSTEM, code: 'J07BB02' })).toEqual(['influenza']);
    expect(targetsOfCode({ system: ATC_SYSTEM, code: 'j07bk03' })).toEqual(['zoster']);
    for (const mixed of ['J07AH', 'J07BC', 'J07BK', 'J07CA', 'J07CA99', 'J07AX', 'N02BE01']) expect(targetsOfCode({ system: ATC_SYSTEM, code: mixed })).toBeNull();
  });

  it('from CVX codes, and nothing from a code system Carnet does not read', () => {
    expect(targetsOfCode({ system: CVX_SYSTEM, code: '03' })).toEqual(['measles', 'mumps', 'rubella']);
    expect(targetsOfCode({ system: CVX_SYSTEM, code: '187' })).toEqual(['zoster']);
    expect(targetsOfCode({ system: CVX_SYSTEM, code: '999' })).toBeNull();
    expect(targetsOfCode({ system: CIS, code: '61077869' })).toBeNull();
  });

  it('from product names, French and English', () => {
    const cases: [string, string[]][] = [
      ['VACCIN BCG', ['tuberculosis']],
      ['VACCIN TETANIQUE', ['tetanus']],
      ['vaccin hexavalent', ['diphtheria', 'tetanus', 'pertussis', 'polio', 'hib', 'hepatitis-b']],
      ['Infanrix Hexa', ['diphtheria', 'tetanus', 'pertussis', 'polio', 'hib', 'hepatitis-b']],
      ['Prevenar 13', ['pneumococcus']],
      ['Gardasil 9', ['hpv']],
      ['Shingrix', ['zoster']],
      ['Vaccin contre la grippe saisonnière', ['influenza']],
      ['Influenza, seasonal, injectable', ['influenza']],
      ['Comirnaty (COVID-19)', ['covid-19']],
      ['ROR', ['measles', 'mumps', 'rubella']],
      ['MMR II', ['measles', 'mumps', 'rubella']],
      ['Priorix-Tetra', ['measles', 'mumps', 'rubella', 'varicella']],
      ['Bexsero', ['meningococcus-b']],
      ['Nimenrix', ['meningococcus-acwy']],
      ['Neisvac', ['meningococcus-c']],
      ['MenACWY', ['meningococcus-acwy']],
      ['Vaccin méningococcique A+C', ['meningococcus-c']],
      ['Vaccin diphtérique, tétanique et poliomyélitique', ['diphtheria', 'tetanus', 'polio']],
      ['Rougeole, oreillons, rubéole', ['measles', 'mumps', 'rubella']],
      ['Hépatite B', ['hepatitis-b']],
      ['Twinrix', ['hepatitis-b', 'hepatitis-a']],
      ['Stamaril (fièvre jaune)', ['yellow-fever']],
      ['Varivax', ['varicella']],
      ['varicella zoster virus vaccine', ['varicella']],
      ['Abrysvo', ['rsv']],
    ];
    for (const [name, targets] of cases) expect([name, targetsOfName(name)]).toEqual([name, targets]);
  });

  it('guesses nothing when unsure', () => {
    for (const name of ['Vaccin XYZ', 'Haemophilus influenzae type b', 'vaccin méningococcique', 'rappel', 'DTP', '']) {
      const targets = targetsOfName(name);
      if (name === 'Haemophilus influenzae type b') expect(targets).toEqual(['hib']);
      else expect([name, targets]).toEqual([name, []]);
    }
  });

  it('prefers the code, and lets a name add only what agrees with it', () => {
    // The ATC group says tetanus; the name says diphtheria and tetanus: both.
    expect(guessVaccineTargets({ names: ['Vaccin diphtérique et tétanique'], codes: [{ system: ATC_SYSTEM, code: 'J07AM' }] })).toEqual(['diphtheria', 'tetanus']);
    // A name that disagrees with the code is not believed.
    expect(guessVaccineTargets({ names: ['Gardasil'], codes: [{ system: ATC_SYSTEM, code: 'J07BB02' }] })).toEqual(['influenza']);
    // No code Carnet knows: the name alone.
    expect(guessVaccineTargets({ names: ['Prevenar 20'], codes: [{ system: CIS, code: '1' }] })).toEqual(['pneumococcus']);
    expect(guessVaccineTargets({ names: [], codes: [] })).toEqual([]);
  });
});
