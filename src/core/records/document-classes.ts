/**
 * The classes a patient sorts documents into, after Mon espace santé's own (the DMP's patient
 * view), and the CI-SIS / LOINC type codes that fall in each. Class ids are stored inside sealed
 * records: add, never rename.
 */
export const DOCUMENT_CATEGORIES = [
  'synthesis',
  'treatments',
  'reports',
  'imaging',
  'biology',
  'prevention',
  'certificates',
  'administrative',
  'other',
] as const;
export type DocumentCategory = (typeof DOCUMENT_CATEGORIES)[number];

export const LOINC_SYSTEM = '2.16.840.1.113883.6.1';
/** The ANS's own document-type code system, used by a few CI-SIS documents (e.g. VSM's "SYNTH"). */
export const ANS_TYPE_SYSTEM = '1.2.250.1.213.1.1.4.12';

export interface TypeCode {
  readonly system: string;
  readonly code: string;
  readonly display: string | null;
}

/** Type codes of the CI-SIS value set (JDV_J07 XdsTypeCode) that Carnet files by itself. */
const CLASS_OF_TYPE: Readonly<Record<string, DocumentCategory>> = {
  // Synthèse
  [`${LOINC_SYSTEM}|60591-5`]: 'synthesis', // patient summary (VSM, IPS-FR)
  [`${ANS_TYPE_SYSTEM}|SYNTH`]: 'synthesis',
  // Traitements et ordonnances
  [`${LOINC_SYSTEM}|57833-6`]: 'treatments', // prescription for medication
  [`${LOINC_SYSTEM}|57832-8`]: 'treatments', // prescription for diagnostic or specialist care
  [`${LOINC_SYSTEM}|10160-0`]: 'treatments', // history of medication use
  [`${LOINC_SYSTEM}|56445-0`]: 'treatments', // medication summary
  [`${LOINC_SYSTEM}|18776-5`]: 'treatments', // plan of care
  // Comptes rendus
  [`${LOINC_SYSTEM}|11488-4`]: 'reports', // consultation note
  [`${LOINC_SYSTEM}|34112-3`]: 'reports', // hospital note (CR d'hospitalisation)
  [`${LOINC_SYSTEM}|11490-0`]: 'reports', // discharge summary
  [`${LOINC_SYSTEM}|34133-9`]: 'reports', // summary of episode (lettre de liaison)
  [`${LOINC_SYSTEM}|11504-8`]: 'reports', // surgical operation note
  [`${LOINC_SYSTEM}|34874-8`]: 'reports', // surgical operation note
  [`${LOINC_SYSTEM}|15507-7`]: 'reports', // emergency department note
  [`${LOINC_SYSTEM}|11506-3`]: 'reports', // progress note
  [`${LOINC_SYSTEM}|11526-1`]: 'reports', // pathology study
  // Imagerie
  [`${LOINC_SYSTEM}|18748-4`]: 'imaging', // diagnostic imaging report
  [`${LOINC_SYSTEM}|52040-3`]: 'imaging', // imaging manifest (DICOM KOS)
  // Biologie
  [`${LOINC_SYSTEM}|11502-2`]: 'biology', // laboratory report
  // Prévention et vaccination
  [`${LOINC_SYSTEM}|11369-6`]: 'prevention', // history of immunisation
  [`${LOINC_SYSTEM}|87273-9`]: 'prevention', // immunisation note
  // Certificats
  [`${LOINC_SYSTEM}|64297-5`]: 'certificates', // death certificate
};

export function categoryOfType(code: Pick<TypeCode, 'system' | 'code'> | null): DocumentCategory {
  if (code === null) return 'other';
  return CLASS_OF_TYPE[`${code.system}|${code.code}`] ?? 'other';
}

/** The LOINC code Carnet records for a class the patient picked, when one code stands for it. */
export function typeOfCategory(category: DocumentCategory): TypeCode | null {
  switch (category) {
    case 'biology':
      return { system: LOINC_SYSTEM, code: '11502-2', display: 'Laboratory report' };
    case 'imaging':
      return { system: LOINC_SYSTEM, code: '18748-4', display: 'Diagnostic imaging study' };
    case 'synthesis':
      return { system: LOINC_SYSTEM, code: '60591-5', display: 'Patient summary Document' };
    case 'treatments':
      return { system: LOINC_SYSTEM, code: '57833-6', display: 'Prescription for medication' };
    case 'prevention':
      return { system: LOINC_SYSTEM, code: '11369-6', display: 'History of Immunization Narrative' };
    default:
      return null;
  }
}
